"""The interface catalogs: `locale/<lang>.po` in the package, read at start-up.

Why .po at run time and not .mo compiled at build time: the catalogs are small
(a few hundred strings; parsing one takes about a millisecond), a source checkout
and an editable install then run exactly what a wheel runs, there is no build
step a contributor can forget, and the same parser is needed anyway for guide
translations. The result is a standard `gettext.GNUTranslations`, so lookups,
plurals (from the catalog's Plural-Forms) and fallbacks are the stdlib's own.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from .languages import FALLBACKS, LANGUAGES, PSEUDO
from .po import PoEntry, PoError, PoFile, iter_placeholders, parse_po
from .pseudo import pseudo

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TEMPLATE = LOCALE_DIR / "selfhelp.pot"


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / f"{lang}.po"


def ui_languages() -> list[str]:
    """Languages with an interface catalog, English first."""
    found = sorted(p.stem for p in LOCALE_DIR.glob("*.po"))
    return sorted(
        found, key=lambda c: (c != "en", list(LANGUAGES).index(c) if c in LANGUAGES else 99)
    )


class Catalog(gettext.GNUTranslations):
    """A GNUTranslations filled from a parsed PO file instead of a .mo."""

    def __init__(self, po: PoFile, lang: str) -> None:
        super().__init__()  # no file: _parse is not called
        self.lang = lang
        self._info = dict(po.headers)
        self._charset = "UTF-8"
        plural = po.headers.get("Plural-Forms", "")
        expr = plural.partition("plural=")[2].rstrip(";").strip()
        self.plural = gettext.c2py(expr) if expr else (lambda n: int(n != 1))  # type: ignore[method-assign]
        catalog: dict[object, str] = {}
        for entry in po.live():
            if not entry.translated or not _safe(entry):
                continue  # untranslated, fuzzy or unsafe: the source string is shown
            key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
            if entry.msgid_plural is not None:
                for index, text in entry.msgstr_plural.items():
                    catalog[(key, index)] = text
            else:
                catalog[key] = entry.msgstr
        self._catalog = catalog


def _safe(entry: PoEntry) -> bool:
    """A translation may only use the placeholders of its source: an unknown one
    would make `.format()` fail, and a broken catalog must never stop the app."""
    allowed = set(iter_placeholders(entry.msgid + (entry.msgid_plural or "")))
    forms = entry.msgstr_plural.values() if entry.msgid_plural is not None else [entry.msgstr]
    return all(set(iter_placeholders(form)) <= allowed for form in forms)


class PseudoTranslations(gettext.NullTranslations):
    """`--lang qps`: every string bracketed, lengthened and accented, so what is
    not translatable (or will not fit) stands out."""

    lang = PSEUDO

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)


def load_po(path: Path) -> PoFile:
    return parse_po(path.read_text(encoding="utf-8"))


def translation_for(lang: str) -> gettext.NullTranslations:
    """The interface translation of a language (with its fallback language behind
    it), or NullTranslations (the English source strings) when there is none."""
    if lang == PSEUDO:
        return PseudoTranslations()
    chain = [lang] + ([FALLBACKS[lang]] if lang in FALLBACKS else [])
    result: gettext.NullTranslations | None = None
    for code in reversed(chain):
        path = catalog_path(code)
        try:
            catalog = Catalog(load_po(path), code)
        except (OSError, UnicodeDecodeError, PoError):
            continue  # a missing or broken catalog: fall back, never stop the app
        if result is not None:
            catalog.add_fallback(result)
        result = catalog
    return result or gettext.NullTranslations()
