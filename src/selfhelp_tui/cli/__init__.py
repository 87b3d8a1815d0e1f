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
from importlib import import_module

from .. import __version__
from ..i18n import _, use_language
from ..sanitize import guard_streams
from . import cmd_tui, language
from .context import Context, add_common_options
from .language import Parser

#: Command name -> the module that adds its parser and runs it, in help order.
#: Modules are imported by name so a run imports only its own command's code.
COMMANDS = {
    "run": "cmd_run",
    "list": "cmd_list",
    "search": "cmd_search",
    "validate": "cmd_validate",
    "test": "cmd_test",
    "paths": "cmd_paths",
    "graph": "cmd_graph",
    "schema": "cmd_schema",
    "fmt": "cmd_fmt",
    "preview": "cmd_preview",
    "feedback": "cmd_feedback",
    "serve": "cmd_serve",
    "i18n": "cmd_i18n",
}

#: Top-level options that take a value, so their value is not read as a command.
_VALUED = ("--guides", "--data-dir", "--lang", "--frontend")


def command_given(argv: Sequence[str]) -> str | None:
    """The command named in `argv`, when it is one and no top-level help or
    version was asked for before it: the parser then needs that command alone."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-h", "--help", "--version", "--"):
            return None
        elif arg.startswith("-"):  # argparse also takes a long option's prefix
            skip = "=" not in arg and len(arg) > 2 and any(v.startswith(arg) for v in _VALUED)
        else:
            return arg if arg in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with `only` the parser for that one command (same
    options and help; other commands' modules are then never imported)."""
    common = Parser(add_help=False)
    add_common_options(common)
    parser = Parser(
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
    for name, module in COMMANDS.items():
        if only is None or name == only:
            import_module(f"{__name__}.{module}").add_parser(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Every line a command prints may quote a guide, a translation or a file name:
    # none of their control characters reaches the terminal (sanitize.py).
    with guard_streams():
        return _main(argv)


def _main(argv: list[str]) -> int:
    # The language comes first: the parser's help and errors are already in it.
    lang = language.setup(argv, os.environ)
    parser = build_parser(only=command_given(argv))
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
