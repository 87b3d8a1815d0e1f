"""Guide text is content, never code.

Terminal escape sequences and control characters are removed when a guide is
loaded (`sanitize.strip`), so no frontend can be made to clear the screen, move
the cursor or hide text; what leaves the program is made safe again on its way out
(sanitize.py). Rich markup is left in the text as written; every frontend shows it
literally (Rich `Text`, Textual `Content`, or plain print), never parses it.
"""

from __future__ import annotations

import re

from ..sanitize import strip


def clean_text(text: str) -> tuple[str, bool]:
    """Return the text without escape sequences and control characters, and
    whether anything was removed (`sanitize.strip`). `\\r\\n` is normalised to
    `\\n` first."""
    return strip(text)


def markdown_to_plain(text: str) -> str:
    """A readable plain-text rendering of guide Markdown for line terminals.

    Code stays exactly as written (it must be copyable); emphasis markers and
    link syntax are dropped; everything else is kept as is.
    """
    out: list[str] = []
    in_fence = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append("    " + line)
            continue
        line = re.sub(r"^(\s*)#{1,6}\s+", r"\1", line)
        line = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", line)
        # Inline code is a command too: `*.gz` keeps its asterisk. Emphasis
        # markers are dropped only between the code spans.
        parts = _INLINE_SPLIT.split(line)
        for i in range(0, len(parts), 2):
            parts[i] = _drop_emphasis(parts[i])
        out.append("".join(parts))
    return "\n".join(out).strip("\n")


#: A line cut into text and inline code spans (the odd items, backticks kept).
_INLINE_SPLIT = re.compile(r"(`[^`\n]+`)")


def _drop_emphasis(text: str) -> str:
    """Emphasis markers out of a piece of text with no code in it."""
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)", r"\1", text)


_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_INLINE = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> list[str]:
    """Every command and piece of code of a text: fenced blocks, then inline spans
    (a translation must keep them exactly)."""
    blocks = [m.group(2) for m in _FENCE.finditer(text)]
    return blocks + _INLINE.findall(_FENCE.sub("", text))


def first_code(text: str) -> str | None:
    """The first fenced code block of a text, else its first inline code."""
    fence = _FENCE.search(text)
    inline = _INLINE.search(text)
    if fence and (not inline or fence.start() <= inline.start()):
        return fence.group(2).rstrip("\n")
    if inline:
        return inline.group(1)
    return None
