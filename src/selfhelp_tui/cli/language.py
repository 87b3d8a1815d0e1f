"""Choosing the language before the command line is parsed.

The parser's own help and errors must already be in the reader's language, so
the language is found first, from a quick look at the arguments (`--lang` and
`--data-dir`, for the config file), SELFHELP_LANG, the config file and the locale,
and installed before the parser is built. argparse's own words ("usage:",
"options", its error messages) are routed through the same catalog.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from ..config import load_config
from ..i18n import N_, _, ngettext, use_language
from ..i18n.languages import normalize, resolve
from ..paths import resolve_dirs

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


def lang_code(value: str) -> str:
    """argparse type for --lang: a language code such as en, nb or hu."""
    code = normalize(value)
    if code is None:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a language code (such as en, nb, hu)").format(value=value)
        )
    return code


def _prescan(args: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
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


def choose_language(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """--lang, SELFHELP_LANG, the config file's `lang`, the locale, English."""
    cli, data_dir = language_from_args(argv)
    if normalize(cli):
        return resolve(cli, None, env)
    config = load_config(resolve_dirs(data_dir, dict(env)))
    return resolve(None, config, env)


def route_argparse() -> None:
    """Let argparse look its messages up in our catalog (it calls the module-level
    `_` and `ngettext` it imported from gettext)."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def setup(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """Install the interface language for this run; returns its code."""
    lang = choose_language(argv, env)
    use_language(lang)
    route_argparse()
    return lang
