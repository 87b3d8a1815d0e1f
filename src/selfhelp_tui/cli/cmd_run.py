"""`selfhelp run GUIDE`: walk one guide, in the TUI or in plain mode."""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import _
from .context import Context, error
from .language import RawDescriptionFormatter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..guides.model import Guide


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "run",
        parents=[common],
        help=_("walk one guide"),
        description=_("Walk one guide, in the full-screen app or line by line."),
        epilog=answers_help(),
        formatter_class=RawDescriptionFormatter,
    )
    p.add_argument("guide_id", metavar="GUIDE", help=_("the id of the guide (see `selfhelp list`)"))
    p.add_argument(
        "--plain",
        action="store_true",
        help=_("line-based mode for any terminal (automatic when not on a terminal or TERM=dumb)"),
    )
    p.add_argument(
        "--answers",
        metavar="LIST",
        help=_(
            "walk without asking: comma-separated answers, one per step (see below); "
            "the transcript is printed, the exit code is 0 at an outcome, 3 when the "
            "answers run out first"
        ),
    )
    p.add_argument(
        "--log-outcome",
        action="store_true",
        help=_(
            "record a scripted (--answers) walk in the outcome log; scripted walks "
            "are not recorded unless this is given"
        ),
    )
    p.add_argument(
        "--fact",
        metavar="NAME=VALUE",
        action="append",
        type=fact_arg,
        default=[],
        help=_(
            "walk as if fact NAME had VALUE (os=linux; an empty VALUE unsets it), "
            "to try a guide's branches as on another machine (repeatable)"
        ),
    )
    p.add_argument(
        "--report",
        metavar="FILE",
        help=_("write the session report to FILE when the walk ends"),
    )
    p.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help=_("the session report's format (default: markdown)"),
    )
    p.set_defaults(func=run)


def answers_help() -> str:
    """How each kind of step takes an answer in --answers (shown by `run --help`)."""
    return _(
        "Answers in --answers, one for each step, in order:\n"
        "  a question     its choice's number (1, 2, ...) or its label\n"
        "  a step         next\n"
        "  a check        pass or fail (what to assume; nothing is run), check (run a\n"
        "                 built-in probe for real; commands are never run in a\n"
        "                 scripted walk), or one of its fallback answers\n"
        "  a caution      ack, before the step's own answer\n"
        "  anywhere       back, restart, quit\n"
        "\n"
        "Which branches a guide takes can depend on this machine (its OS); --fact\n"
        "fixes them, so a script walks the same way everywhere:\n"
        "  selfhelp run disk-full --fact os=linux --answers fail,1,next,1"
    )


def fact_arg(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(_("a fact is NAME=VALUE, such as os=linux"))
    return name.strip(), value.strip()


def wants_plain(args: argparse.Namespace, env: dict[str, str]) -> bool:
    if getattr(args, "frontend", "tui") == "web":
        return False  # textual-serve talks to the app through pipes
    if getattr(args, "plain", False) or getattr(args, "answers", None) is not None:
        return True
    if env.get("TERM") == "dumb":
        return True
    return not (sys.stdin.isatty() and sys.stdout.isatty())


def find_guide(ctx: Context, guide_id: str) -> Guide | None:
    lib = ctx.library
    guide = lib.get(guide_id)
    if guide is None:
        failed = [r for r in lib.failures if r.guide_id == guide_id]
        if guide_id in lib.reopen_failures:  # changed since the library was read
            failed = [lib.reopen_failures[guide_id]]
        if failed:
            error(_("guide '{id}' could not be loaded:").format(id=guide_id))
            for d in failed[0].errors:
                print("  " + d.format(), file=sys.stderr)
        else:
            from ..guides.diagnostics import did_you_mean

            hint = did_you_mean(guide_id, list(lib.guides))
            error(
                _("no guide '{id}' in the library").format(id=guide_id)
                + (f" ({hint})" if hint else "")
            )
    return guide


def run(args: argparse.Namespace, ctx: Context) -> int:
    guide = find_guide(ctx, args.guide_id)
    if guide is None:
        return 2
    # --report: the session report is written when the walk ends, in any mode.
    ctx.report_to = (args.report, args.format) if args.report else None
    ctx.facts = dict(args.fact)
    if wants_plain(args, dict(os.environ)):
        # A scripted walk is not a reader's: it is logged only when asked for.
        ctx.log_outcomes = args.answers is None or args.log_outcome
        return run_plain(guide, ctx, args.answers, args.format)
    from .cmd_tui import start_tui

    return start_tui(ctx, guide_id=guide.id, frontend=getattr(args, "frontend", "tui"))


def run_plain(
    guide: Guide,
    ctx: Context,
    answers: str | None,
    report_format: str = "markdown",
) -> int:
    from ..engine import Session
    from ..plain import PlainWalker, split_answers, terminal_width

    # A scripted walk is not a place anyone will come back to.
    ctx.keep_place = answers is None
    session = Session.start(
        guide, "plain", ctx.library.get, ctx.observers("plain"), facts=ctx.facts
    )
    for notice in (ctx.first_run_notice(), *ctx.start_notices()):
        if notice:
            print(notice, file=sys.stderr)  # the transcript on stdout stays the walk alone
    scripted = iter(split_answers(answers)) if answers is not None else None
    walker = PlainWalker(
        session,
        scripted,
        trusted=ctx.trusted,
        save_report=lambda s: ctx.save_report(s, fmt=report_format),
        width=terminal_width(ctx.env),
    )
    return walker.run().exit_code
