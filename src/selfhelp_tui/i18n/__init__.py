"""Interface translations through the standard gettext machinery.

Every string a user reads goes through `_()` (or `ngettext`); `use_language()`
installs the catalog of the chosen language once at start-up, before any string
is produced. Strings evaluated when a module is imported (class-level `BINDINGS`)
are marked with `N_()` instead: they stay English msgids and the TUI translates
them when a screen is shown (`tui/localize.py`), so the import order never
decides the language. See docs/i18n.md.
"""

from __future__ import annotations

import gettext as _gettext

from .languages import SOURCE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_lang: str = SOURCE


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def translate(message: str) -> str:
    """`_()` for a msgid held in a variable (one marked with `N_` where it is
    written); the extractor does not look for it, so it never warns."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (gettext_noop)."""
    return message


def install(translation: _gettext.NullTranslations | None, lang: str | None = None) -> None:
    global _translation, _lang
    _translation = translation or _gettext.NullTranslations()
    _lang = lang or getattr(translation, "lang", None) or SOURCE


def use_language(lang: str, cache: Path | None = None) -> None:
    """Install the interface catalog of `lang` (English when it has none); `cache`
    is a folder where the compiled catalog may be kept for the next start."""
    from .catalog import translation_for

    install(translation_for(lang, cache), lang)


def current_language() -> str:
    """The language chosen for this run (also for guides), e.g. `nb`; `en` by default."""
    return _lang
