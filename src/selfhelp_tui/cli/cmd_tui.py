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
    parser.add_argument(
        "--resume",
        action="store_true",
        help=_("go straight back to the walk you left (it is offered at start anyway)"),
    )
    # How the app is shown: set by `selfhelp serve` for the processes it starts.
    parser.add_argument("--frontend", choices=("tui", "web"), default="tui", help=argparse.SUPPRESS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from .cmd_run import find_guide, run_plain, wants_plain

    if wants_plain(args, dict(os.environ)):
        from ..resume import load_saved

        notices: list[str] = ctx.start_notices()
        saved = load_saved(ctx.dirs, notices)
        for notice in notices:
            print(notice, file=sys.stderr)
        if saved is not None:
            code = resume_plain(ctx, saved, ask=not args.resume)
            if code is not None:
                return code
        elif args.resume:
            print(_("There is no walk to resume."))
        guide_id = pick_plain(ctx)
        if guide_id is None:
            return 3
        guide = find_guide(ctx, guide_id)
        return 1 if guide is None else run_plain(guide, ctx, None)
    if args.frontend == "web":
        # Every browser tab is its own session of `selfhelp serve`, over this
        # machine's state folder: nothing one visitor made may reach the next, so a
        # web session keeps nothing (no resume file; see start_tui).
        ctx.keep_place = False
        return start_tui(ctx, frontend="web")
    return start_tui(ctx, frontend=args.frontend, resume=True, resume_now=args.resume)


def resume_plain(ctx: Context, saved, ask: bool) -> int | None:  # type: ignore[no-untyped-def]
    """Offer the saved walk on a line terminal. None: the reader declined (or it
    could not be resumed) and goes on to pick a guide."""
    from ..plain import PlainWalker, ask_yes_no, terminal_width
    from ..resume import ResumeProblem, clear_saved, resume_question, resume_session
    from .cmd_run import find_guide, run_plain

    if ask and not ask_yes_no(resume_question(saved, ctx.library)):
        clear_saved(ctx.dirs)
        return None
    result = resume_session(saved, ctx.library, "plain", ctx.observers("plain"))
    if isinstance(result, ResumeProblem):
        clear_saved(ctx.dirs)
        if result.guide_id is not None and ask_yes_no(result.message):
            guide = find_guide(ctx, result.guide_id)
            return 1 if guide is None else run_plain(guide, ctx, None)
        if result.guide_id is None:
            print(result.message)
        return None
    walker = PlainWalker(
        result,
        trusted=ctx.trusted,
        save_report=lambda s: ctx.save_report(s),
        width=terminal_width(ctx.env),
    )
    return walker.run(resumed=True).exit_code


def pick_plain(ctx: Context) -> str | None:
    """A numbered list of guides to pick from, line by line; the id picked."""
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
            return guides[int(text) - 1].id
        if text in ctx.library.infos:
            return text
        print(_("Not understood: {error}").format(error=text))


def start_tui(
    ctx: Context,
    guide_id: str | None = None,
    frontend: str = "tui",
    resume: bool = False,
    resume_now: bool = False,
) -> int:
    from ..config import load_config
    from ..resume import clear_saved, load_saved
    from ..tui.app import AppPrefs, ResumeOffer, SelfhelpApp

    offer = None
    web = frontend == "web"
    # The first screen from the library as the cache saved it; the app looks at
    # the files right after (a library read already, `run ID`, is used as it is).
    ctx.check_library_later = True
    # A web visitor is told about the outcome log every time (the next visitor is
    # someone else), and the server's own notices are the operator's business.
    first = ctx.first_run_notice(once=not web)
    notices = [n for n in (first, *([] if web else ctx.start_notices())) if n]
    if resume:
        saved = load_saved(ctx.dirs, notices)
        offer = ResumeOffer(saved, resume_now, lambda: clear_saved(ctx.dirs))
    theme = load_config(ctx.dirs).get("theme")
    # A web session remembers nothing between sessions (recently used guides, the
    # theme): what one visitor picks never shows to another, nor to the user.
    prefs = AppPrefs() if web else AppPrefs(ctx.dirs, theme if isinstance(theme, str) else None)
    app = SelfhelpApp(
        ctx.library,
        start_guide=guide_id,
        observers=lambda: ctx.observers(frontend),
        frontend=frontend,
        notice="\n\n".join(notices) or None,
        prefs=prefs,
        resume=offer,
        trusted=ctx.trusted,
        facts=ctx.facts,
        save_report=ctx.save_report,
    )
    app.run()
    return app.return_code or 0
