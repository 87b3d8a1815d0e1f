"""The pseudo-locale `qps`: English made to look foreign, so writers see at once
what is not translatable and what will not fit.

Every line of text is bracketed (a cut-off line loses its `]`), every letter is
accented (a string that stays plain ASCII never went through translation) and
every vowel is doubled and short lines padded (at least 40% longer, as
Hungarian or Catalan often are). What must
stay exactly as written is left alone: placeholders (`{n}`, `%(prog)s`), inline
code and fenced code blocks, URLs and link targets.
"""

from __future__ import annotations

import math
import re

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "àƀçđéƒĝĥíĵķļɱñöþǫŕšţüṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĻṀÑÖÞǪŔŠŢÜṼŴẊÝŽ"
_ACCENT = str.maketrans(_PLAIN, _ACCENTED)
_GROWTH = 1.4
_VOWELS = re.compile(r"([aeiouyAEIOUY])")

#: Spans copied as they are: inline code, placeholders, URLs, link targets, tags.
_PROTECTED = re.compile(
    r"`[^`\n]*`"
    r"|\{[A-Za-z_][^{}\n]*\}"
    r"|%\([A-Za-z_]\w*\)[sdr]|%[sdr]"
    r"|https?://[^\s)>\]]+"
    r"|\]\([^)\n]*\)"
)
#: Markdown that opens a line: headings, list markers, quotes (kept before the bracket).
_LINE_START = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _words(text: str) -> str:
    return _VOWELS.sub(r"\1\1", text).translate(_ACCENT)


def _line(line: str) -> str:
    if not line.strip():
        return line
    lead = _LINE_START.match(line)
    start = lead.end() if lead else 0
    body = line[start:]
    core = body.rstrip()
    trail = body[len(core) :]
    out: list[str] = []
    pos = 0
    for m in _PROTECTED.finditer(core):
        out.append(_words(core[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_words(core[pos:]))
    text = "".join(out)
    # Doubled vowels add about a third; short strings full of placeholders get
    # padded so every line grows by at least 40%, as translations often do.
    text += "·" * max(0, math.ceil(len(core) * _GROWTH) - len(text))
    return f"{line[:start]}[{text}]{trail}"


def pseudo(text: str) -> str:
    """The pseudo-translation of a string or of a Markdown text."""
    if not text.strip():
        return text
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
            out.append(line)
        elif fence:
            out.append(line)
        else:
            out.append(_line(line))
    return "\n".join(out)
