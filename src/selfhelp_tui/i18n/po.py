"""Reading and writing gettext PO files, with the line of every entry.

One small parser serves the interface catalogs (loaded at run time, see
`catalog.py`) and the guide translations (checked by `selfhelp validate`, which
needs each entry's line for FILE:LINE:COL diagnostics). It reads what Poedit,
Weblate, Crowdin and msgmerge write: contexts, plurals, multi-line strings,
comments of every kind, fuzzy flags, previous strings (`#|`) and obsolete
entries (`#~`). Files are UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..record import field, record

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*)$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPES.update({'"': '"', "\\": "\\", "'": "'", "?": "?"})


class PoError(ValueError):
    """A PO file that cannot be read; carries the 1-based line and column."""

    def __init__(self, message: str, line: int, column: int = 1) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


@record
class PoEntry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    #: msgstr[N] of a plural entry, by N.
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    #: `# ...` lines: the translator's own notes.
    comments: list[str] = field(default_factory=list)
    #: `#. ...` lines: notes from the tool that made the file (kept by every editor).
    extracted: list[str] = field(default_factory=list)
    #: `#: ...` lines: where the source string was found.
    references: list[str] = field(default_factory=list)
    #: `#, ...` flags, such as fuzzy or python-brace-format.
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    obsolete: bool = False
    #: The line of the entry's first keyword (msgctxt or msgid); 0 for new entries.
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def set_fuzzy(self, fuzzy: bool) -> None:
        if fuzzy and not self.fuzzy:
            self.flags.insert(0, "fuzzy")
        elif not fuzzy:
            self.flags = [f for f in self.flags if f != "fuzzy"]
            self.previous_msgctxt = self.previous_msgid = None

    @property
    def has_translation(self) -> bool:
        """Every form has text (fuzzy or not)."""
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def translated(self) -> bool:
        """Usable: translated and not marked fuzzy (needs review)."""
        return self.has_translation and not self.fuzzy

    def extracted_value(self, name: str) -> str | None:
        """`#. name: value` -> value (the guide translations keep the source hash so)."""
        prefix = name + ":"
        for line in self.extracted:
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        return None

    def set_extracted_value(self, name: str, value: str) -> None:
        line = f"{name}: {value}"
        for i, old in enumerate(self.extracted):
            if old.startswith(name + ":"):
                self.extracted[i] = line
                return
        self.extracted.append(line)


@record
class PoFile:
    entries: list[PoEntry] = field(default_factory=list)
    #: The header entry's `Key: value` lines, in order.
    headers: dict[str, str] = field(default_factory=dict)
    #: Comment lines above the header (`# ...`), without the `# `.
    header_comments: list[str] = field(default_factory=list)
    #: Flags of the header entry (`#, fuzzy` on a fresh template).
    header_flags: list[str] = field(default_factory=list)

    def live(self) -> Iterator[PoEntry]:
        """Entries that are not obsolete."""
        return (e for e in self.entries if not e.obsolete)

    def find(self, msgctxt: str | None, msgid: str | None = None) -> PoEntry | None:
        for entry in self.live():
            if entry.msgctxt == msgctxt and (msgid is None or entry.msgid == msgid):
                return entry
        return None

    @property
    def language(self) -> str:
        return self.headers.get("Language", "")


# --- reading ----------------------------------------------------------------


def unquote(text: str, line: int, column: int) -> str:
    """A C string literal as PO writes it -> its value. `column` is where it starts."""
    if not text.startswith('"'):
        raise PoError("expected a string in double quotes", line, column)
    end = text.rfind('"')
    if end > 0 and "\\" not in text and '"' not in text[1:end] and not text[end + 1 :].strip(" \t"):
        return text[1:end]  # most strings: no escapes, nothing after (read at every start)
    out: list[str] = []
    i = 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            rest = text[i + 1 :]
            if rest.strip(" \t"):
                raise PoError(
                    'unexpected text after the string (write \\" for a quote inside it)',
                    line,
                    column + i + 1 + (len(rest) - len(rest.lstrip(" \t"))),
                )
            return "".join(out)
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if not nxt:
            break
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        octal = re.match(r"[0-7]{1,3}", text[i + 1 :])
        hexa = re.match(r"x([0-9A-Fa-f]{1,2})", text[i + 1 :])
        if octal:
            out.append(chr(int(octal.group(0), 8)))
            i += 1 + len(octal.group(0))
        elif hexa:
            out.append(chr(int(hexa.group(1), 16)))
            i += 1 + len(hexa.group(0))
        else:
            raise PoError(f"unknown escape \\{nxt}", line, column + i)
    raise PoError("the string is not closed: a double quote is missing at its end", line, column)


def parse_headers(text: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip():
            headers[name.strip()] = value.strip()
    return headers


class _Builder:
    """Collects the lines of one entry."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.entry = PoEntry("")
        self.seen: dict[str, int] = {}  # keyword -> line
        self.current: tuple[str, int | None] | None = None
        self.parts: dict[tuple[str, int | None], list[str]] = {}
        self.started = False  # a keyword was seen
        self.has_comments = False

    def keyword(self, name: str, index: int | None, value: str, line: int) -> None:
        key = (name, index)
        if key in self.parts:
            raise PoError(f"{name if index is None else f'msgstr[{index}]'} given twice", line)
        if name == "msgid" and "msgid" not in self.seen and not self.started:
            self.entry.line = line
        if name == "msgctxt":
            if self.started:
                raise PoError("msgctxt must come before msgid", line)
            self.entry.line = line
        self.started = True
        self.seen.setdefault(name, line)
        self.current = key
        self.parts[key] = [value]

    def continuation(self, value: str, line: int) -> None:
        if self.current is None:
            raise PoError("a string continues, but no msgid or msgstr came before it", line)
        self.parts[self.current].append(value)

    def finish(self, obsolete: bool) -> PoEntry | None:
        if not self.started:
            return None
        entry = self.entry
        get = self.parts.get
        if ("msgid", None) not in self.parts:
            raise PoError("an entry has no msgid", entry.line or min(self.seen.values()))
        entry.msgid = "".join(get(("msgid", None), []))
        if ("msgctxt", None) in self.parts:
            entry.msgctxt = "".join(self.parts[("msgctxt", None)])
        if ("msgid_plural", None) in self.parts:
            entry.msgid_plural = "".join(self.parts[("msgid_plural", None)])
            entry.msgstr_plural = {
                idx: "".join(val)
                for (name, idx), val in sorted(
                    self.parts.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
                )
                if name == "msgstr" and idx is not None
            }
            if not entry.msgstr_plural:
                raise PoError("a plural entry needs msgstr[0], msgstr[1], ...", entry.line)
        else:
            if any(name == "msgstr" and idx is not None for name, idx in self.parts):
                raise PoError("msgstr[N] belongs to entries with a msgid_plural", entry.line)
            if ("msgstr", None) not in self.parts:
                raise PoError("an entry has no msgstr", entry.line)
            entry.msgstr = "".join(self.parts[("msgstr", None)])
        entry.obsolete = obsolete
        return entry


def parse_po(text: str) -> PoFile:
    """Parse PO text; raises PoError with the line and column of the first problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    po = PoFile()
    b = _Builder()
    obsolete = False
    header_done = False
    seen_keys: dict[tuple[str | None, str], int] = {}

    def flush() -> None:
        nonlocal obsolete, header_done
        entry = b.finish(obsolete)
        if entry is not None:
            if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
                if header_done:
                    raise PoError('a second header entry (msgid "")', entry.line)
                po.headers = parse_headers(entry.msgstr)
                po.header_comments = entry.comments
                po.header_flags = entry.flags
            else:
                if not entry.obsolete:
                    if entry.key in seen_keys:
                        raise PoError(
                            "this msgctxt and msgid are already used at line "
                            f"{seen_keys[entry.key]}",
                            entry.line,
                        )
                    seen_keys[entry.key] = entry.line
                po.entries.append(entry)
            header_done = True
        b.reset()
        obsolete = False

    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(" \t\r")
        if not line:
            flush()
            continue
        is_obsolete = line.startswith("#~")
        if is_obsolete:
            line = line[2:].strip(" \t")
            if line.startswith("|"):  # previous string of an obsolete entry
                continue
            if b.started and not obsolete and not line.startswith('"'):
                flush()
            obsolete = True
            if not line:
                continue
        if line.startswith("#"):
            if b.started:
                flush()
            b.has_comments = True
            _comment(b.entry, line, lineno)
            continue
        m = _KEYWORD.match(line)
        if m:
            name = m.group(1)
            index = int(m.group(2)) if m.group(2) is not None else None
            if name.startswith("msgstr"):
                name = "msgstr"
            if (
                b.started
                and name in ("msgctxt", "msgid")
                and any(k[0] == "msgstr" for k in b.parts)
            ):
                flush()  # a new entry without a blank line between
                obsolete = is_obsolete
            column = raw.find('"') + 1
            b.keyword(name, index, unquote(m.group(3), lineno, column), lineno)
            continue
        if line.startswith('"'):
            b.continuation(unquote(line, lineno, raw.find('"') + 1), lineno)
            continue
        word = line.split()[0]
        raise PoError(f"unexpected '{word}': expected msgctxt, msgid, msgstr or a comment", lineno)
    flush()
    return po


def _comment(entry: PoEntry, line: str, lineno: int) -> None:
    kind = line[1:2]
    rest = line[2:].strip() if kind in ".:,|" else line[1:].removeprefix(" ")
    if kind == ".":
        entry.extracted.append(rest)
    elif kind == ":":
        entry.references.extend(rest.split())
    elif kind == ",":
        entry.flags.extend(f.strip() for f in rest.split(",") if f.strip())
    elif kind == "|":
        m = re.match(r"^(msgctxt|msgid)\s+(\".*\")$", rest)
        if m:
            value = unquote(m.group(2), lineno, line.find('"') + 1)
            if m.group(1) == "msgctxt":
                entry.previous_msgctxt = value
            else:
                entry.previous_msgid = value
        elif rest.startswith('"') and entry.previous_msgid is not None:
            entry.previous_msgid += unquote(rest, lineno, line.find('"') + 1)
    else:
        entry.comments.append(rest)


# --- writing ----------------------------------------------------------------


def quote(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{out}"'


def _string_lines(keyword: str, value: str, prefix: str = "") -> list[str]:
    """`keyword "value"`; text of several lines is split after each newline, the
    way msgmerge and Poedit write it, so diffs show one changed line."""
    pieces = value.split("\n")
    if len(pieces) <= 2 and (len(pieces) == 1 or pieces[1] == ""):
        return [f"{prefix}{keyword} {quote(value)}"]
    chunks = [p + "\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    return [f'{prefix}{keyword} ""'] + [f"{prefix}{quote(c)}" for c in chunks]


def format_entry(entry: PoEntry) -> list[str]:
    lines = [f"# {c}".rstrip() for c in entry.comments]
    lines += [f"#. {c}".rstrip() for c in entry.extracted]
    if entry.references:
        lines.append("#: " + " ".join(entry.references))
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.previous_msgctxt is not None:
        lines += _string_lines("msgctxt", entry.previous_msgctxt, "#| ")
    if entry.previous_msgid is not None:
        lines += _string_lines("msgid", entry.previous_msgid, "#| ")
    prefix = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        lines += _string_lines("msgctxt", entry.msgctxt, prefix)
    lines += _string_lines("msgid", entry.msgid, prefix)
    if entry.msgid_plural is not None:
        lines += _string_lines("msgid_plural", entry.msgid_plural, prefix)
        for idx in sorted(entry.msgstr_plural):
            lines += _string_lines(f"msgstr[{idx}]", entry.msgstr_plural[idx], prefix)
    else:
        lines += _string_lines("msgstr", entry.msgstr, prefix)
    return lines


def format_po(po: PoFile) -> str:
    lines = [f"# {c}".rstrip() for c in po.header_comments]
    if po.header_flags:
        lines.append("#, " + ", ".join(po.header_flags))
    lines += ['msgid ""', 'msgstr ""']
    lines += [quote(f"{k}: {v}\n") for k, v in po.headers.items()]
    blocks = ["\n".join(lines)]
    for entry in sorted(po.entries, key=lambda e: e.obsolete):
        blocks.append("\n".join(format_entry(entry)))
    return "\n\n".join(blocks) + "\n"


_BRACE = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}(?!\})")
_PERCENT = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[sdr]")


def iter_placeholders(text: str) -> Iterable[str]:
    """`{name}` of str.format and `%(name)s` / `%s` of %-formatting (argparse's
    own strings), as written."""
    yield from _BRACE.findall(text)
    yield from _PERCENT.findall(text)
