"""The `selfhelp` command line.

Each command lives in its own module with `add_parser(subparsers, common)` and a
`run(args, ctx)` function; this module only wires them. Textual is imported by
the TUI commands alone, inside the function that starts the app.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..i18n import _, use_language
from . import (
    cmd_feedback,
    cmd_graph,
    cmd_i18n,
    cmd_list,
    cmd_paths,
    cmd_preview,
    cmd_run,
    cmd_schema,
    cmd_search,
    cmd_serve,
    cmd_test,
    cmd_tui,
    cmd_validate,
    language,
)
from .context import Context, add_common_options

COMMANDS = (
    cmd_run,
    cmd_list,
    cmd_search,
    cmd_validate,
    cmd_test,
    cmd_paths,
    cmd_graph,
    cmd_schema,
    cmd_preview,
    cmd_feedback,
    cmd_serve,
    cmd_i18n,
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_common_options(common)
    parser = argparse.ArgumentParser(
        prog="selfhelp",
        description=_("Offline troubleshooting guides and tutorials in your terminal."),
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"selfhelp {__version__}",
        help=_("print the version and exit"),
    )
    cmd_tui.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    for command in COMMANDS:
        command.add_parser(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language comes first: the parser's help and errors are already in it.
    lang = language.setup(argv, os.environ)
    parser = build_parser()
    args = parser.parse_args(argv)
    given = getattr(args, "lang", None)
    if given and given != lang:  # an abbreviation (--lan) the first look missed
        lang = given
        use_language(lang)
    ctx = Context.from_args(args)
    ctx.lang = lang
    try:
        if args.command is None:
            return cmd_tui.run(args, ctx)
        return int(args.func(args, ctx))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `selfhelp list | head`
        sys.stderr.close()
        return 0
