"""`selfhelp serve`: the same app (or a writer's preview) in a browser, via textual-serve.

textual-serve starts one app process per browser tab; that process is this CLI
again with the hidden `--frontend web` option, so the outcome log records
`frontend: web` and plain mode is never chosen for the pipe it talks through.
Every request passes the gate in serve_guard.py first (Host, Origin, the secret
token in the printed address). Each tab's app keeps nothing between sessions, so
visitors share nothing one of them made (cmd_tui.start_tui).
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
    p.add_argument(
        "--no-token",
        action="store_true",
        help=_(
            "do not require the secret token in the address (anyone who can connect "
            "can then use the app)"
        ),
    )
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
        import textual_serve.server  # noqa: F401 (only to know it is there)
    except ImportError:
        error(_("`selfhelp serve` needs the web extra: pip install 'selfhelp-tui[web]'"))
        return 2
    if not 0 < args.port < 65536:
        error(_("the port must be between 1 and 65535"))
        return 2
    from .serve_guard import Gate, make_server, new_token

    if not is_loopback(args.host):
        print(
            _(
                "WARNING: serving on {host}, not on this machine only. Anyone who can "
                "reach {host}:{port} can use selfhelp, and through it any `run` check "
                "you allow. Use --host 127.0.0.1 unless you mean it."
            ).format(host=args.host, port=args.port),
            file=sys.stderr,
        )
    if args.no_token:
        print(
            _(
                "WARNING: --no-token: no secret is asked for. Every user and program "
                "that can connect to {host}:{port} can use selfhelp, and through it any "
                "`run` check you allow (pages of other sites are still refused)."
            ).format(host=args.host, port=args.port),
            file=sys.stderr,
        )
    for notice in ctx.start_notices():  # the config's problems: the operator's to fix
        print(notice, file=sys.stderr)
    gate = Gate(args.host, args.port, None if args.no_token else new_token())
    make_server(app_command(args, ctx), gate, title="selfhelp").serve()
    return 0
