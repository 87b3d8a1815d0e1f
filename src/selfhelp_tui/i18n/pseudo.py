"""The pseudo-locale `qps`: English made to look foreign, so writers see at once
what is not translatable and what will not fit.

Every line of text is bracketed (a cut-off line loses its `]`), every letter is
accented (a string that stays plain ASCII never went through translation) and
every vowel is doubled (about a third longer, like German or Hungarian). What must
stay exactly as written is left alone: placeholders (`{n}`, `%(prog)s`), inline
code and fenced code blocks, URLs and link targets.
"""

from __future__ import annotations

import re

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "àƀçđéƒĝĥíĵķļɱñöþǫŕšţüṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĻṀÑÖÞǪŔŠŢÜṼŴẊÝŽ"
_ACCENT = str.maketrans(_PLAIN, _ACCENTED)
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
    return f"{line[:start]}[{''.join(out)}]{trail}"


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
