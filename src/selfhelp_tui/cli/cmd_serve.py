"""`selfhelp serve`: the same app (or a writer's preview) in a browser, via textual-serve.

textual-serve starts one app process per browser tab; that process is this CLI
again with the hidden `--frontend web` option, so the outcome log records
`frontend: web` and plain mode is never chosen for the pipe it talks through.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from pathlib import Path

from ..i18n import _
from .context import Context, error

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "serve",
        parents=[common],
        help=_("serve the app to a web browser (needs the 'web' extra)"),
        description=_(
            "Serve selfhelp to a web browser with textual-serve. Anyone who can reach "
            "the address can use the app, and through it any `run` check you allowed."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help=_("address to bind (default: 127.0.0.1)"))
    p.add_argument("--port", type=int, default=8000, help=_("port (default: 8000)"))
    p.add_argument("--preview", metavar="FILE", help=_("serve the live preview of one guide file"))
    p.set_defaults(func=run)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(args: argparse.Namespace, ctx: Context) -> str:
    """The shell command textual-serve runs for each browser session."""
    argv = [sys.executable, "-m", "selfhelp_tui", "--frontend", "web"]
    for folder in ctx.guide_dirs:
        argv += ["--guides", str(Path(folder).resolve())]
    if ctx.data_dir:
        argv += ["--data-dir", str(Path(ctx.data_dir).resolve())]
    if not ctx.include_bundled:
        argv.append("--no-bundled")
    argv += ["--lang", ctx.lang]  # each tab speaks the language the server was started in
    if args.preview:
        argv += ["preview", str(Path(args.preview).resolve())]
    return shlex.join(argv)


def run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        error(_("`selfhelp serve` needs the web extra: pip install 'selfhelp-tui[web]'"))
        return 2
    if not 0 < args.port < 65536:
        error(_("the port must be between 1 and 65535"))
        return 2
    if not is_loopback(args.host):
        print(
            _(
                "WARNING: serving on {host}, not on this machine only. Anyone who can "
                "reach {host}:{port} can use selfhelp, and through it any `run` check "
                "you allow. Use --host 127.0.0.1 unless you mean it."
            ).format(host=args.host, port=args.port),
            file=sys.stderr,
        )
    command = app_command(args, ctx)
    print(
        _("Serving selfhelp on http://{host}:{port} (Ctrl+C to stop)").format(
            host=args.host, port=args.port
        ),
        file=sys.stderr,
        flush=True,
    )
    Server(command, host=args.host, port=args.port, title="selfhelp").serve()
    return 0
