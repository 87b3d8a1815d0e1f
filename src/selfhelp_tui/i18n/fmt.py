"""Numbers and dates the way the reader's language writes them.

Self-contained (a table per language in `languages.py`) rather than the C
library's locale: the locales a machine has installed vary, and `C.UTF-8` is
common on servers and in containers, where the interface language still comes
from --lang or the config file.
"""

from __future__ import annotations

import datetime as _dt

from . import current_language
from .languages import language


def number(value: float, decimals: int = 0, lang: str | None = None) -> str:
    """1234567.5 -> `1,234,567.5` (en), `1 234 567,5` (nb, hu, ru), `1.234.567,5` (es, ca)."""
    spec = language(lang or current_language())
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if len(whole) >= spec.min_group_digits:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = spec.group.join([whole, *groups])
    sign = "-" if value < 0 and float(text) != 0 else ""
    return sign + whole + (spec.decimal + frac if frac else "")


def percent(value: float, decimals: int = 0, lang: str | None = None) -> str:
    """A share in percent (45 -> `45%` in English, `45 %` in Norwegian)."""
    spec = language(lang or current_language())
    return spec.percent.format(n=number(value, decimals, lang))


def date(value: _dt.date, lang: str | None = None) -> str:
    """A calendar date: `Nov 23, 2025`, `23. nov. 2025`, `2025. nov. 23.`..."""
    spec = language(lang or current_language())
    return spec.date.format(
        d=value.day, m=f"{value.month:02d}", y=value.year, month=spec.months[value.month - 1]
    )


def time(value: _dt.time | _dt.datetime, lang: str | None = None) -> str:
    spec = language(lang or current_language())
    if spec.time24:
        return f"{value.hour:02d}:{value.minute:02d}"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}\u202f{'AM' if value.hour < 12 else 'PM'}"


def datetime(value: _dt.datetime, lang: str | None = None) -> str:
    spec = language(lang or current_language())
    return spec.datetime.format(date=date(value, lang), time=time(value, lang))
