"""The `selfhelp` command line.

Each command lives in its own module with `add_parser(subparsers, common)` and a
`run(args, ctx)` function; this module only wires them. Textual is imported by
the TUI commands alone, inside the function that starts the app.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from . import (
    cmd_graph,
    cmd_list,
    cmd_paths,
    cmd_preview,
    cmd_run,
    cmd_schema,
    cmd_serve,
    cmd_test,
    cmd_tui,
    cmd_validate,
)
from .context import Context, add_common_options

COMMANDS = (
    cmd_run,
    cmd_list,
    cmd_validate,
    cmd_test,
    cmd_paths,
    cmd_graph,
    cmd_schema,
    cmd_preview,
    cmd_serve,
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_common_options(common)
    parser = argparse.ArgumentParser(
        prog="selfhelp",
        description="Offline troubleshooting guides and tutorials in your terminal.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"selfhelp {__version__}")
    cmd_tui.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context.from_args(args)
    try:
        if args.command is None:
            return cmd_tui.run(args, ctx)
        return int(args.func(args, ctx))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `selfhelp list | head`
        sys.stderr.close()
        return 0
