"""The languages selfhelp speaks, and how a language is chosen.

A language is named by its ISO 639 code (`nb`, `hu`, ...). The interface has a
catalog for each language below; guides may be translated into any language, so
a code without an interface catalog is still a valid choice (the interface is then
English and guides are shown in that language where a translation exists).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..record import record

#: The pseudo-locale: every string bracketed, lengthened and accented.
PSEUDO = "qps"
SOURCE = "en"

_CODE = re.compile(r"^[a-z]{2,3}$")


@record(frozen=True)
class Language:
    code: str
    #: The language's name in itself (never inflected, so it reads in any sentence).
    name: str
    plural_forms: str
    decimal: str = ","
    group: str = "\u00a0"
    #: Digits before grouping starts (Spanish writes 1234 but 12.345).
    min_group_digits: int = 4
    percent: str = "{n}\u00a0%"
    #: Month abbreviations, as used inside a date.
    months: tuple[str, ...] = ()
    date: str = "{d}.{m}.{y}"
    time24: bool = True
    datetime: str = "{date}, {time}"


_TWO = "nplurals=2; plural=(n != 1);"


def _months(names: str) -> tuple[str, ...]:
    return tuple(names.split())


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "en",
            "English",
            _TWO,
            decimal=".",
            group=",",
            percent="{n}%",
            months=_months("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"),
            date="{month} {d}, {y}",
            time24=False,
        ),
        Language(
            "nb",
            "norsk bokmål",
            _TWO,
            months=_months("jan. feb. mar. apr. mai jun. jul. aug. sep. okt. nov. des."),
            date="{d}. {month} {y}",
        ),
        Language(
            "hu",
            "magyar",
            _TWO,
            percent="{n}%",
            months=_months("jan. febr. márc. ápr. máj. jún. júl. aug. szept. okt. nov. dec."),
            date="{y}. {month} {d}.",
            datetime="{date} {time}",
        ),
        Language(
            "es",
            "español",
            _TWO,
            group=".",
            min_group_digits=5,
            months=_months("ene feb mar abr may jun jul ago sept oct nov dic"),
            date="{d} {month} {y}",
        ),
        Language(
            "ru",
            "русский",
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
            "(n%100<10 || n%100>=20) ? 1 : 2);",
            months=_months("янв. февр. мар. апр. мая июн. июл. авг. сент. окт. нояб. дек."),
            date="{d} {month} {y}\u00a0г.",
        ),
        Language(
            "ca",
            "català",
            _TWO,
            group=".",
            months=(
                "de gen.",
                "de febr.",
                "de març",
                "d’abr.",
                "de maig",
                "de juny",
                "de jul.",
                "d’ag.",
                "de set.",
                "d’oct.",
                "de nov.",
                "de des.",
            ),
            date="{d} {month} {y}",
        ),
    )
}

#: Codes that mean another language we have (Norwegian without a variant is Bokmål).
ALIASES = {"no": "nb"}
#: A language whose readers read another one well enough to fall back on it.
FALLBACKS = {"nn": "nb"}


def language(code: str) -> Language:
    """The formatting data of a language; English's for one we do not know."""
    return LANGUAGES.get(FALLBACKS.get(code, code), LANGUAGES[SOURCE])


def language_name(code: str) -> str:
    """What a reader calls the language: its own name, or the code."""
    if code == PSEUDO:
        return "[Ƥšéüđö]"
    lang = LANGUAGES.get(code)
    return lang.name if lang else code


def normalize(value: str | None) -> str | None:
    """`nb_NO.UTF-8`, `ca_ES@valencia`, `NB` -> `nb`; `C`, `POSIX` and anything
    that is not a language code -> None."""
    if not value:
        return None
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    if code == PSEUDO:
        return PSEUDO
    code = ALIASES.get(code, code)
    return code if _CODE.match(code) and code not in ("c", "posix") else None


def from_environment(env: Mapping[str, str]) -> str | None:
    """The language of the POSIX locale: the first of LC_ALL, LC_MESSAGES and LANG
    that is set decides (so LC_ALL=C means English even when LANG says otherwise)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if value:
            return normalize(value)
    return None


def resolve(cli: str | None, config: Mapping[str, object] | None, env: Mapping[str, str]) -> str:
    """--lang, then SELFHELP_LANG, then the config file's `lang`, then the locale,
    then English. A value that is not a language code is skipped."""
    configured = config.get("lang") if config else None
    for value in (
        cli,
        env.get("SELFHELP_LANG"),
        configured if isinstance(configured, str) else None,
    ):
        code = normalize(value)
        if code:
            return code
    return from_environment(env) or SOURCE
