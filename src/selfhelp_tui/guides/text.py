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
        out.append(_plain_inline(re.sub(r"^(\s*)#{1,6}\s+", r"\1", line)))
    return "\n".join(out).strip("\n")


#: A line cut into text and inline code spans (the odd items, backticks kept).
_INLINE_SPLIT = re.compile(r"(`[^`\n]+`)")


def _drop_emphasis(text: str) -> str:
    """Emphasis markers out of a piece of text with no code in it."""
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)", r"\1", text)


#: A fenced code block, whole (its code is group 2).
FENCED_BLOCK = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_INLINE = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> list[str]:
    """Every command and piece of code of a text: fenced blocks, then inline spans
    (a translation must keep them exactly)."""
    blocks = [m.group(2) for m in FENCED_BLOCK.finditer(text)]
    return blocks + _INLINE.findall(FENCED_BLOCK.sub("", text))


def copyable(*texts: str) -> list[str]:
    """What `c` offers to copy: every fenced code block of the texts (the commands);
    where there is none, every inline code. Each once, in order, never changed."""
    blocks = [m.group(2).rstrip("\n") for text in texts for m in FENCED_BLOCK.finditer(text)]
    if not any(b.strip() for b in blocks):
        blocks = [c for text in texts for c in _INLINE.findall(FENCED_BLOCK.sub("", text))]
    return list(dict.fromkeys(b for b in blocks if b.strip()))


#: Where a code line too long for the screen goes on: the start of its next line.
CONTINUES = "↪"

_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")


def _plain_inline(text: str) -> str:
    """Inline Markdown as plain text: link syntax and emphasis markers dropped, code
    kept with its backticks (they mark it where there is no styling). Inline code is
    a command too: `*.gz` keeps its asterisk, so emphasis is dropped only between
    the code spans."""
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", text)
    parts = _INLINE_SPLIT.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _drop_emphasis(parts[i])
    return "".join(parts)


def plain_lines(text: str, width: int | None, marker: str = CONTINUES) -> list[str]:
    """Guide Markdown for a line terminal. Paragraphs, list items and quotes are
    reflowed to `width` (the guide file's own line breaks are not the reader's);
    code is kept exactly, four spaces in, and a code line longer than the width
    goes on below after `marker`, so one command never looks like two. `width`
    None (output to a pipe): nothing is wrapped, each paragraph is one line."""
    import textwrap

    out: list[str] = []
    #: The paragraph being gathered: its words so far, first-line and later prefix.
    words: list[str] = []
    prefix = rest = ""

    def flush() -> None:
        nonlocal words
        if not words:
            return
        joined = _plain_inline(" ".join(words))
        if width is None or width <= len(rest) + 8:
            out.append(prefix + joined)
        else:
            # Inline code is never broken (a command split over two lines would be
            # typed as two): its spaces are held while the paragraph is wrapped.
            held = _INLINE.sub(lambda m: m.group(0).replace(" ", "\0"), joined)
            wrapped = textwrap.wrap(
                held,
                width,
                initial_indent=prefix,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            )
            out.extend(line.replace("\0", " ") for line in wrapped or [prefix.rstrip()])
        words = []

    def start(first: str, later: str, line: str) -> None:
        nonlocal prefix, rest
        flush()
        prefix, rest = first, later
        words.extend(line.split())

    def code(line: str) -> None:
        line = line.expandtabs(8)
        room = None if width is None else max(8, width - 4)
        if room is None or len(line) <= room:
            out.append(("    " + line).rstrip())
            return
        out.append("    " + line[:room])
        line, room = line[room:], max(4, room - len(marker) - 1)
        while line:
            out.append(f"    {marker} {line[:room]}")
            line = line[room:]

    fence = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if fence:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
            else:
                code(raw)
            continue
        if stripped.startswith(("```", "~~~")):
            flush()
            fence = stripped[: len(stripped) - len(stripped.lstrip(stripped[0]))]
            continue
        if not stripped:
            flush()
            if out and out[-1]:
                out.append("")
            continue
        if _RULE.match(raw):
            flush()
            out.append("-" * 4)
        elif heading := _HEADING.match(raw):
            start("", "", heading.group(1))
            flush()
        elif item := _LIST_ITEM.match(raw):
            indent, mark = item.group(1), item.group(2)
            first = f"{indent}{mark} "
            start(first, " " * len(first), item.group(3))
        elif quote := _QUOTE.match(raw):
            if not (words and prefix.startswith(">")):
                start("> ", "> ", "")
            words.extend(quote.group(1).split())
        elif stripped.startswith("|"):  # a table: its lines are its layout
            flush()
            out.append(raw.rstrip())
        else:  # the paragraph (or list item) goes on
            if not words:
                prefix = rest = ""
            words.extend(stripped.split())
    flush()
    while out and not out[-1]:
        out.pop()
    return out
