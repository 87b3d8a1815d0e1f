"""Bare `selfhelp`: the TUI home screen (or a plain picker when there is no terminal)."""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import _
from ..texts import title_language_note
from .context import Context


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plain",
        action="store_true",
        help=_("line-based mode for any terminal (automatic when not on a terminal or TERM=dumb)"),
    )
    # How the app is shown: set by `selfhelp serve` for the processes it starts.
    parser.add_argument("--frontend", choices=("tui", "web"), default="tui", help=argparse.SUPPRESS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from .cmd_run import run_plain, wants_plain

    if wants_plain(args, dict(os.environ)):
        guide = pick_plain(ctx)
        return 3 if guide is None else run_plain(guide, ctx, None)
    return start_tui(ctx, frontend=args.frontend)


def pick_plain(ctx: Context):  # type: ignore[no-untyped-def]
    """A numbered list of guides to pick from, line by line."""
    guides = ctx.library.sorted_guides()
    if not guides:
        print(_("No guides found."))
        return None
    for i, g in enumerate(guides, 1):
        note = title_language_note(g)
        print(f"  {i:>2}) {g.title}{f' ({note})' if note else ''}  [{g.id}]")
    for r in ctx.library.failures:
        print(_("  (could not load {file})").format(file=r.path.name))
    while True:
        sys.stdout.write(_("Guide number or id (quit to leave) > "))
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line or line.strip().casefold() in ("q", "quit", _("quit").casefold()):
            print()
            return None
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(guides):
            return guides[int(text) - 1]
        if text in ctx.library.guides:
            return ctx.library.guides[text]
        print(_("Not understood: {error}").format(error=text))


def start_tui(ctx: Context, guide_id: str | None = None, frontend: str = "tui") -> int:
    from ..tui.app import SelfhelpApp

    app = SelfhelpApp(
        ctx.library,
        start_guide=guide_id,
        observers=lambda: ctx.observers(frontend),
        frontend=frontend,
        notice=ctx.first_run_notice(),
    )
    app.run()
    return app.return_code or 0
