"""Interface translations through the standard gettext machinery.

Every string a user reads goes through `_()` (or `ngettext`); `install()` picks
the catalog for the chosen language once at start-up.
"""

from __future__ import annotations

import gettext as _gettext

_translation: _gettext.NullTranslations = _gettext.NullTranslations()


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def install(translation: _gettext.NullTranslations | None) -> None:
    global _translation
    _translation = translation or _gettext.NullTranslations()
