"""The one layer between untrusted text and a terminal or a report.

Guide files, their translations, file names and the output of commands are not
ours: any of them can carry terminal escape sequences (set the window title, clear
the screen, write the clipboard with OSC 52), C1 controls or bidirectional
overrides that reorder what a reader sees. Everything here is about keeping those
from doing anything, in two ways:

- `strip` removes them, and says whether it did. It is used where such text is
  read (guide text by the loader, translations, command output), so that the
  validator can warn (`control-characters`) and the text shown is clean.
- `shown` keeps them but makes each one visible and inert, as `\\u001b`. It is
  used where text leaves the program: every line a CLI command writes passes
  through `guard_streams` (plain mode, validate, list, search, test, paths, graph,
  the CLI's error messages), Rich output through `safe_console`, diagnostics
  through `Diagnostic.format`, and reports through `report_text`. A reviewer then
  sees that something was there, and nothing reaches the terminal. The `\\uXXXX`
  form is also JSON's escape for the same character, so JSON output stays valid
  and means exactly what it meant.

Markdown reports escape guide text with `md_inline`, `md_quote`, `md_code` and
`md_fence`, so a title cannot fake a section, embed HTML or open a code block.

No imports beyond `re` at the top: the loader uses this module on every start.
"""

from __future__ import annotations

import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

#: C0 controls but tab and newline, DEL, C1 controls, the bidirectional
#: embeddings, overrides and isolates (Trojan Source), and the Unicode line and
#: paragraph separators.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_LINE = re.compile(f"[{_CONTROLS}\t\n]")

# Whole sequences, so that `strip` leaves no `]0;title` behind: CSI, OSC (ended by
# BEL or ST), DCS / SOS / PM / APC strings (neither taken past the end of a line),
# two-byte escapes, 8-bit CSI and OSC.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c\n]*(?:\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
)


def strip(text: str) -> tuple[str, bool]:
    """The text without escape sequences and control characters (tab and newline
    stay), and whether anything was removed. `\\r\\n` becomes `\\n` first."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not _UNSAFE.search(text):
        return text, False
    cleaned = _UNSAFE.sub("", _SEQUENCES.sub("", text))
    return cleaned, cleaned != text


def _visible(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def shown(text: str) -> str:
    """The text with every control character written out as `\\uXXXX` (tab and
    newline stay): safe for a terminal, and still valid JSON if it was JSON."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_visible, text)


def one_line(text: str) -> str:
    """`shown`, and tabs and newlines written out too: for a value that must stay on
    its line (a file name, an id, a message in a one-line diagnostic)."""
    if not _UNSAFE_LINE.search(text):
        return text
    return _UNSAFE_LINE.sub(_visible, text)


# --- the output boundary of the CLI -----------------------------------------------


class SafeStream:
    """A text stream that writes through `shown`: what a command prints cannot
    drive the terminal, whatever it quotes. Everything else is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self.unguarded = stream

    def write(self, text: str) -> int:
        self.unguarded.write(shown(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unguarded, name)


def unguarded(stream: Any) -> Any:
    """The stream under a `SafeStream` (for Rich, whose own styles must pass)."""
    return getattr(stream, "unguarded", stream) if isinstance(stream, SafeStream) else stream


class guard_streams:
    """While active, `sys.stdout` and `sys.stderr` write through `shown`. Textual
    writes to `sys.__stdout__` / `sys.__stderr__` itself, so the TUI is unaffected."""

    def __enter__(self) -> guard_streams:
        self.saved = (sys.stdout, sys.stderr)
        if sys.stdout is not None and not isinstance(sys.stdout, SafeStream):
            sys.stdout = SafeStream(sys.stdout)  # type: ignore[assignment]
        if sys.stderr is not None and not isinstance(sys.stderr, SafeStream):
            sys.stderr = SafeStream(sys.stderr)  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stdout, sys.stderr = self.saved


_SAFE_CONSOLE: Any = None


def safe_console(stderr: bool = False, **options: Any) -> Any:
    """A Rich console whose text passes through `shown`, segment by segment, while
    Rich's own colours and styles pass as they are (it writes under the guard)."""
    global _SAFE_CONSOLE
    if _SAFE_CONSOLE is None:
        from rich.console import Console
        from rich.segment import Segment

        class SafeConsole(Console):
            def render(self, renderable: Any, options: Any = None) -> Any:
                for segment in super().render(renderable, options):
                    if segment.control is None and _UNSAFE.search(segment.text):
                        yield Segment(shown(segment.text), segment.style)
                    else:
                        yield segment

        _SAFE_CONSOLE = SafeConsole
    stream = sys.stderr if stderr else sys.stdout
    return _SAFE_CONSOLE(file=unguarded(stream), **options)


def report_text(text: str) -> str:
    """A whole report (Markdown or JSON) as it is written to its file: someone will
    `cat` it in a terminal."""
    return shown(text)


# --- Markdown -------------------------------------------------------------------

# Every character that can start inline Markdown or HTML: emphasis, code, links and
# images, raw HTML and entities, table cells, strikethrough, headings.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#!|~&])")
# What makes a line a list item, a setext underline or an ordered list.
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_NBSP = "\u00a0"


def _md_escape(line: str) -> str:
    line = _MD_INLINE.sub(r"\\\1", line)
    m = _MD_LINE_START.match(line)
    if m:
        if m.group(1)[0].isdigit():
            digits = m.group(1)
            line = digits + "\\" + line[len(digits) :]
        else:
            line = "\\" + line
    return line


def md_inline(text: str) -> str:
    """Guide text inside a Markdown line (a heading, a list item, a table cell): one
    line, every Markdown and HTML character escaped, so it reads as written."""
    flat = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return _md_escape(flat)


def md_quote(text: str) -> list[str]:
    """Multi-line guide text as a Markdown block quote, line by line, escaped as in
    `md_inline`. Leading spaces become no-break spaces: no line turns into an
    indented code block (where the escapes would show) and indentation still reads."""
    out: list[str] = []
    for line in text.splitlines():
        body = line.lstrip(" \t")
        if not body:
            out.append(">")
            continue
        indent = _NBSP * (len(line) - len(body))
        out.append("> " + indent + _md_escape(body))
    return out


def _longest_run(text: str, char: str) -> int:
    best = run = 0
    for ch in text:
        run = run + 1 if ch == char else 0
        best = max(best, run)
    return best


def md_code(text: str) -> str:
    """An inline code span that no backtick inside can close, on one line."""
    flat = text.replace("\r\n", "\n").replace("\n", "\u2424")
    ticks = "`" * (_longest_run(flat, "`") + 1)
    if flat.startswith(("`", " ")) or flat.endswith(("`", " ")):
        return f"{ticks} {flat} {ticks}"
    return f"{ticks}{flat}{ticks}"


def md_fence(text: str, info: str = "") -> str:
    """A fenced code block longer than any backtick run inside, so the text (a
    command's output) cannot close it and run on as Markdown."""
    ticks = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{ticks}{info}\n{text.rstrip()}\n{ticks}"
