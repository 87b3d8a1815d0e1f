"""Choosing the language before the command line is parsed.

The parser's own help and errors must already be in the reader's language, so
the language is found first, from a quick look at the arguments (`--lang` and
`--data-dir`, for the config file), SELFHELP_LANG, the config file and the locale,
and installed before the parser is built. argparse's own words ("usage:",
"options", its error messages) are routed through the same catalog.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from ..config import load_config
from ..i18n import N_, _, ngettext, use_language
from ..i18n.languages import normalize, resolve
from ..paths import Dirs, resolve_dirs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Commands whose own `--lang` names the languages to work on (translation files),
#: not the interface language.
OWN_LANG_OPTION = frozenset({"validate", "i18n"})

#: argparse's messages, so the extractor puts them in the catalogs (argparse looks
#: them up through `_` once `route_argparse` has run).
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
)


def terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it (COLUMNS, then the
    terminal, then 80), without importing `shutil` and its compressors at every start."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, which every `add_argument` makes one of, with the width
    found without `shutil` (argparse subtracts 2 the same way)."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class RawDescriptionFormatter(HelpFormatter):
    """Ours, keeping the description's and epilog's own lines (as argparse's
    RawDescriptionHelpFormatter does): for a table of answers."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "".join(indent + line for line in text.splitlines(keepends=True))


class Parser(argparse.ArgumentParser):
    """`argparse.ArgumentParser` with our `HelpFormatter`; its subparsers are Parsers too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def lang_code(value: str) -> str:
    """argparse type for --lang: a language code such as en, nb or hu."""
    code = normalize(value)
    if code is None:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a language code (such as en, nb, hu)").format(value=value)
        )
    return code


def _prescan(args: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    pre = Parser(add_help=False, allow_abbrev=False, exit_on_error=False)
    pre.add_argument("--lang")
    pre.add_argument("--data-dir")
    pre.add_argument("--guides", action="append")  # so its value is not taken for a command
    pre.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        ns, _unknown = pre.parse_known_args(list(args))
    except argparse.ArgumentError:
        return None, None, []
    return ns.lang, ns.data_dir, list(ns.rest)


def language_from_args(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """(--lang, --data-dir) as given, before or after the command name; `--lang`
    after validate or i18n is theirs, not the interface's."""
    lang, data_dir, rest = _prescan(argv)
    if rest:
        own = rest[0] in OWN_LANG_OPTION
        later_lang, later_dir, _rest = _prescan(rest[1:])
        lang = lang if own else (later_lang or lang)
        data_dir = later_dir or data_dir
    return lang, data_dir


def choose_language(argv: Sequence[str], env: Mapping[str, str]) -> tuple[str, Dirs]:
    """--lang, SELFHELP_LANG, the config file's `lang`, the locale, English; and the
    folders the arguments name (the config file is in one, the catalog cache in another)."""
    cli, data_dir = language_from_args(argv)
    dirs = resolve_dirs(data_dir, dict(env))
    if normalize(cli):
        return resolve(cli, None, env), dirs
    return resolve(None, load_config(dirs), env), dirs


def route_argparse() -> None:
    """Let argparse look its messages up in our catalog (it calls the module-level
    `_` and `ngettext` it imported from gettext)."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def setup(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """Install the interface language for this run; returns its code."""
    route_argparse()  # before any parser is made: argparse's own lookups read .mo files
    lang, dirs = choose_language(argv, env)
    use_language(lang, dirs.cache)
    return lang
