"""The header of every PO file selfhelp writes: complete, in the usual order.

msgfmt, Poedit and Weblate read a translation's language, plural rule and charset
from its header, and show who translated it and when. `selfhelp i18n extract` (a
guide's translations) and `python -m selfhelp_tui.i18n.extract` (the interface
catalogs) both write their headers here, so none is missing a field
(`msgfmt --check-header` is clean) and the plural rule is the language's own.
"""

from __future__ import annotations

from collections.abc import Mapping

from .languages import LANGUAGES, language_name

#: Every field, in the order xgettext and msgmerge write them.
FIELDS = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
#: What a template (.pot) says where a translation names its language and team,
#: as xgettext writes it: tools read these as "not filled in yet".
TEMPLATE = {
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
    "Language": "",
    "Plural-Forms": "nplurals=INTEGER; plural=EXPRESSION;",
}
CONTENT_TYPE = "text/plain; charset=UTF-8"


def plural_forms(lang: str) -> str:
    known = LANGUAGES.get(lang)
    return known.plural_forms if known else "nplurals=2; plural=(n != 1);"


def now() -> str:
    """A header date, as gettext writes it (UTC, to the minute)."""
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


def complete(
    headers: Mapping[str, str], *, project: str, lang: str | None, created: str
) -> dict[str, str]:
    """The header of a PO file: `headers` as they are where a translator or a tool
    filled them in (the translator, the team, the revision date, extra `X-` fields),
    the rest filled. What selfhelp decides is set whatever was there: the project,
    the extraction date (`created`), the language, its plural rule and UTF-8.
    `lang` None makes a template's header."""
    kept = {k: v for k, v in headers.items() if v.strip()}
    if lang is None:
        given = {**TEMPLATE, "Report-Msgid-Bugs-To": kept.get("Report-Msgid-Bugs-To", "")}
    else:
        given = {
            "Report-Msgid-Bugs-To": "",
            "PO-Revision-Date": created,  # not revised since it was made
            "Last-Translator": "",
            "Language-Team": language_name(lang),
            **{k: v for k, v in kept.items() if k not in TEMPLATE or v != TEMPLATE[k]},
            "Language": lang,
            # The language's own rule; a language we do not know keeps the file's.
            "Plural-Forms": plural_forms(lang)
            if lang in LANGUAGES
            else kept.get("Plural-Forms", plural_forms(lang)),
        }
    forced = {
        "Project-Id-Version": project,
        "POT-Creation-Date": created,
        "MIME-Version": "1.0",
        "Content-Type": CONTENT_TYPE,
        "Content-Transfer-Encoding": "8bit",
    }
    merged = {**given, **forced}
    out = {name: merged.get(name, "") for name in FIELDS}
    out.update((k, v) for k, v in headers.items() if k not in out)  # X-Source-Language, ...
    return out


def missing(headers: Mapping[str, str], template: bool = False) -> list[str]:
    """What keeps a header from being complete: a field not there, a translation
    still saying what a template says, or a plural rule or charset that is wrong."""
    out = [f"no {name}" for name in FIELDS if name not in headers]
    if "Content-Type" in headers and headers["Content-Type"] != CONTENT_TYPE:
        out.append(f"Content-Type is {headers['Content-Type']!r}, not {CONTENT_TYPE!r}")
    if template:
        return out
    for name, value in TEMPLATE.items():
        if name in headers and value and headers[name] == value:
            out.append(f"{name} is the template's {value!r}")
    lang = headers.get("Language", "")
    if not lang:
        out.append("no Language")
    elif lang in LANGUAGES and headers.get("Plural-Forms") != plural_forms(lang):
        out.append(f"Plural-Forms {headers.get('Plural-Forms')!r} is not {lang}'s")
    if not headers.get("PO-Revision-Date", "").strip():
        out.append("no PO-Revision-Date")
    return out
