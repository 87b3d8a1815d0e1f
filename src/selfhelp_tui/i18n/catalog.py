"""The interface catalogs: `locale/<lang>.po` in the package, read at start-up.

Why .po at run time and not .mo compiled at build time: a source checkout and an
editable install then run exactly what a wheel runs, there is no build step a
contributor can forget, and the same parser is needed anyway for guide
translations. Parsing a 500-string catalog takes ~7 ms, so what it compiles to is
kept in the user's cache folder and read back on later starts (`load_compiled`).
The result is a standard `gettext.GNUTranslations`, so lookups, plurals (from the
catalog's Plural-Forms) and fallbacks are the stdlib's own.
"""

from __future__ import annotations

import contextlib
import gettext
import marshal
import os
from pathlib import Path

from .languages import FALLBACKS, LANGUAGES, PSEUDO

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .po import PoEntry, PoFile

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

    def __init__(self, po: PoFile | Compiled, lang: str) -> None:
        super().__init__()  # no file: _parse is not called
        info, catalog = po if isinstance(po, tuple) else compile_po(po)
        self.lang = lang
        self._info = dict(info)
        self._charset = "UTF-8"
        plural = info.get("Plural-Forms", "")
        expr = plural.partition("plural=")[2].rstrip(";").strip()
        self.plural = gettext.c2py(expr) if expr else (lambda n: int(n != 1))  # type: ignore[method-assign]
        self._catalog = catalog


#: What a catalog keeps of a PO file: its headers, and msgid (or (msgid, n) for a
#: plural form) -> translation, the way GNUTranslations keys them.
Compiled = tuple[dict[str, str], dict[object, str]]


def compile_po(po: PoFile) -> Compiled:
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
    return dict(po.headers), catalog


def _safe(entry: PoEntry) -> bool:
    """A translation may only use the placeholders of its source: an unknown one
    would make `.format()` fail, and a broken catalog must never stop the app."""
    from .po import iter_placeholders  # the PO reader only when a catalog is parsed

    allowed = set(iter_placeholders(entry.msgid + (entry.msgid_plural or "")))
    forms = entry.msgstr_plural.values() if entry.msgid_plural is not None else [entry.msgstr]
    return all(set(iter_placeholders(form)) <= allowed for form in forms)


class PseudoTranslations(gettext.NullTranslations):
    """`--lang qps`: every string bracketed, lengthened and accented, so what is
    not translatable (or will not fit) stands out."""

    lang = PSEUDO

    def __init__(self) -> None:
        super().__init__()
        from .pseudo import pseudo

        self._pseudo = pseudo

    def gettext(self, message: str) -> str:
        return self._pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self._pseudo(message)


def load_po(path: Path) -> PoFile:
    from .po import parse_po

    return parse_po(path.read_text(encoding="utf-8"))


#: Bumped when what `compile_po` keeps changes.
COMPILED_FORMAT = 1


def _stamp(path: Path) -> tuple[object, ...]:
    """Changes with the PO file and with the code that compiles it."""
    here = os.path.dirname(__file__)
    files = (str(path), os.path.join(here, "catalog.py"), os.path.join(here, "po.py"))
    return (COMPILED_FORMAT, *((f, os.stat(f).st_size, os.stat(f).st_mtime_ns) for f in files))


def load_compiled(code: str, cache: Path | None) -> Compiled:
    """The compiled catalog of `code`: from `cache` (a folder) when it was made from
    this very file, else parsed and kept there. Parsing the 500-string English catalog
    took 7 ms of every start; reading it back with `marshal` takes a fraction of one.
    Raises like `load_po` when the catalog is missing or broken."""
    path = catalog_path(code)
    stamp = _stamp(path)  # OSError: no catalog for this language
    kept = None if cache is None else cache / f"catalog-{code}.marshal"
    if kept is not None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            saved = marshal.loads(kept.read_bytes())
            if isinstance(saved, tuple) and len(saved) == 3 and saved[0] == stamp:
                return saved[1], saved[2]
    compiled = compile_po(load_po(path))
    if kept is not None:
        from ..config import write_cache_file

        with contextlib.suppress(OSError, ValueError):  # a cache we cannot write is none
            write_cache_file(kept, marshal.dumps((stamp, *compiled)))
    return compiled


def translation_for(lang: str, cache: Path | None = None) -> gettext.NullTranslations:
    """The interface translation of a language (with its fallback language behind
    it), or NullTranslations (the English source strings) when there is none.
    `cache`: a folder to keep compiled catalogs in (see `load_compiled`)."""
    if lang == PSEUDO:
        return PseudoTranslations()
    chain = [lang] + ([FALLBACKS[lang]] if lang in FALLBACKS else [])
    result: gettext.NullTranslations | None = None
    for code in reversed(chain):
        try:
            catalog = Catalog(load_compiled(code, cache), code)
        except (OSError, ValueError):  # ValueError: UnicodeDecodeError, PoError
            continue  # a missing or broken catalog: fall back, never stop the app
        if result is not None:
            catalog.add_fallback(result)
        result = catalog
    return result or gettext.NullTranslations()
