"""Safe YAML reading that keeps every value's line and column.

Guide files are untrusted. We only *compose* the YAML (build the node graph with
the safe loader, C-accelerated when available) and convert the nodes ourselves:
no constructor that can build Python objects ever runs, unknown tags are
rejected, duplicate keys are reported (PyYAML accepts them silently), and alias
expansion and nesting depth are bounded so an "alias bomb" costs nothing.
"""

from __future__ import annotations

import codecs
import re

import yaml

from ..i18n import _, ngettext
from .diagnostics import Diagnostic, Pos, Reporter, Severity
from .yvalues import YMap, YScalar, YSeq, YValue

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

try:  # pragma: no cover - which one is present depends on the PyYAML build
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

#: Largest guide file we read, in bytes. Real guides are a few kB.
MAX_FILE_BYTES = 1024 * 1024
#: Deepest nesting of mappings and lists we follow.
MAX_DEPTH = 64
#: Most YAML nodes one file may expand to (aliases counted at every use).
MAX_NODES = 200_000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {
    _TAG + "str": "str",
    _TAG + "int": "int",
    _TAG + "float": "float",
    _TAG + "bool": "bool",
    _TAG + "null": "null",
    _TAG + "timestamp": "timestamp",
}


_tuple_new = tuple.__new__


def _pos(mark: Any) -> Pos:
    # Made for every key and value of every file: without NamedTuple's own __new__.
    return _tuple_new(Pos, (mark.line + 1, mark.column + 1))  # type: ignore[no-any-return]


#: The safe loader's implicit scalar types, by the first character of the value (as
#: PyYAML keys them), each list ending with the ones that may start with anything.
_RESOLVERS = {
    first: tuple(resolvers) + tuple(_SafeLoader.yaml_implicit_resolvers.get(None, []))
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    if first is not None
}
_ANY_FIRST = tuple(_SafeLoader.yaml_implicit_resolvers.get(None, []))


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader with a leaner tag resolver: the parser asks it about every
    scalar, and PyYAML's own builds a list and checks path resolvers each time
    (guides use none). The answers are the same."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], _ANY_FIRST):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return self.DEFAULT_SCALAR_TAG  # type: ignore[no-any-return]
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG  # type: ignore[no-any-return]
        return self.DEFAULT_MAPPING_TAG  # type: ignore[no-any-return]


def _too_deep() -> str:
    return ngettext(
        "values are nested more than {limit} level deep",
        "values are nested more than {limit} levels deep",
        MAX_DEPTH,
    ).format(limit=MAX_DEPTH)


class _TooBig(Exception):
    def __init__(self, pos: Pos, message: str, code: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.code = code


_bool_constructor = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.ScalarNode, rep: Reporter) -> YScalar:
    pos = _pos(node.start_mark)
    kind = _SCALAR_TAGS.get(node.tag)
    if kind == "str":  # most values: text
        return YScalar(pos, node.value, kind, node.value)
    if kind is None:
        _bad_tag(node, rep)
        return YScalar(pos, None, "tagged", node.value)
    value: Any
    try:
        if kind == "int":
            value = _bool_constructor.construct_yaml_int(node)
        elif kind == "float":
            value = _bool_constructor.construct_yaml_float(node)
        elif kind == "bool":
            value = _bool_constructor.construct_yaml_bool(node)
        elif kind == "null":
            value = None
        else:
            value = node.value
    except (ValueError, yaml.YAMLError):
        kind, value = "str", node.value
    return YScalar(pos, value, kind, node.value)


def _bad_tag(node: yaml.Node, rep: Reporter) -> None:
    tag = (node.tag or "?").replace(_TAG, "!!")
    if tag.startswith(_TAG + "python/") or "python" in tag:
        rep.error(
            _pos(node.start_mark),
            "unsafe-tag",
            _(
                "the YAML tag '{tag}' is not allowed: guide files cannot create program objects"
            ).format(tag=tag),
        )
    else:
        rep.error(
            _pos(node.start_mark),
            "unknown-tag",
            _("the YAML tag '{tag}' is not supported in guide files").format(tag=tag),
            _("remove the tag"),
        )


class _Converter:
    def __init__(self, rep: Reporter) -> None:
        self.rep = rep
        self.count = 0
        #: Nodes converted already (aliases point at them): the value and its size.
        self.done: dict[int, tuple[YValue, int]] = {}

    def convert(self, node: yaml.Node, depth: int = 0) -> YValue:
        if node.__class__ is yaml.ScalarNode and depth <= MAX_DEPTH:
            # Most nodes: a scalar is its own size, alias or not.
            self.count += 1
            if self.count <= MAX_NODES:
                return _scalar(node, self.rep)  # type: ignore[arg-type]
            self.count -= 1
        seen = self.done.get(id(node))
        if seen is not None:
            # An alias: reuse the value, but count its full size, so a "billion
            # laughs" file is refused at once instead of expanded.
            self._count(node, seen[1])
            return seen[0]
        before = self.count
        value = self._convert(node, depth)
        self.done[id(node)] = (value, self.count - before)
        return value

    def _count(self, node: yaml.Node, n: int) -> None:
        self.count += n
        if self.count > MAX_NODES:
            raise _TooBig(
                _pos(node.start_mark),
                ngettext(
                    "the file expands to more than {limit} value (an alias bomb?)",
                    "the file expands to more than {limit} values (an alias bomb?)",
                    MAX_NODES,
                ).format(limit=MAX_NODES),
                "too-many-values",
            )

    def _convert(self, node: yaml.Node, depth: int) -> YValue:
        self._count(node, 1)
        if depth > MAX_DEPTH:
            raise _TooBig(
                _pos(node.start_mark),
                _too_deep(),
                "too-deep",
            )
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, self.rep)
        if node.tag not in (_TAG + "seq", _TAG + "map") and not isinstance(node, yaml.ScalarNode):
            # Never look inside a value with a foreign tag: report it once, drop it.
            _bad_tag(node, self.rep)
            return YScalar(_pos(node.start_mark), None, "tagged", "")
        if isinstance(node, yaml.SequenceNode):
            return YSeq(_pos(node.start_mark), [self.convert(n, depth + 1) for n in node.value])
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YMap:
        result = YMap(_pos(node.start_mark), {})
        for key_node, value_node in node.value:
            key_pos = _pos(key_node.start_mark)
            if key_node.tag == _TAG + "merge":
                self.rep.error(
                    key_pos, "merge-key", _("YAML merge keys ('<<') are not supported in guides")
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.rep.error(
                    key_pos, "bad-key", _("a key must be a plain word, not a list or mapping")
                )
                continue
            if key_node.tag not in _SCALAR_TAGS:
                _bad_tag(key_node, self.rep)
            # Keys are names to writers: take them as written (`404:` is the id "404").
            key = str(key_node.value)
            if key in result.items:
                first = result.key_pos[key]
                self.rep.error(
                    key_pos,
                    "duplicate-key",
                    _("duplicate key '{key}' (first defined at line {line})").format(
                        key=key, line=first.line
                    ),
                )
                continue
            result.key_pos[key] = key_pos
            result.items[key] = self.convert(value_node, depth + 1)
        return result


def decode(data: bytes, rep: Reporter) -> str | None:
    """Bytes to text: UTF-8 only, with a clear error for anything else."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)):
        rep.error(
            Pos(1, 1),
            "bad-encoding",
            _("the file is UTF-16 or UTF-32; guide files must be UTF-8"),
            _("save the file as UTF-8"),
        )
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        rep.error(
            Pos(line, column),
            "bad-encoding",
            _("the file is not valid UTF-8 (byte 0x{byte})").format(byte=f"{data[exc.start]:02x}"),
            _("save the file as UTF-8"),
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        rep.error(Pos(line, 1), "bad-encoding", _("the file contains a NUL byte (is it binary?)"))
        return None
    return text


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    """Turn PyYAML's error into one diagnostic at the most useful place: where an
    unclosed quote or bracket opened, rather than where the file ended."""
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in problem and exc.context_mark is not None:
        mark = exc.context_mark
    pos = _pos(mark) if mark is not None else Pos(1, 1)
    if "expected a single document" in str(exc):
        return Diagnostic(
            file,
            pos.line,
            pos.column,
            Severity.ERROR,
            "several-documents",
            _("a guide file holds one YAML document, not several"),
        )
    # PyYAML's own words (context, problem) are English: only the frame is translated.
    detail = f"{exc.context + ', ' if exc.context else ''}{problem}"
    message = _("YAML syntax error: {problem}").format(problem=detail)
    hint = None
    lines = text.splitlines()
    if 0 < pos.line <= len(lines) and "\t" in lines[pos.line - 1][: pos.column + 1]:
        hint = _("indent with spaces, not tabs")
    elif "end of stream" in problem and exc.context and "quoted" in exc.context:
        hint = _("close the quote")
    elif any(words in problem for words in _INDENT_PROBLEMS):
        hint = _indent_hint(lines, pos.line - 1)
    return Diagnostic(file, pos.line, pos.column, Severity.ERROR, "yaml-syntax", message, hint)


#: What PyYAML and libyaml say where a key is indented wrongly.
_INDENT_PROBLEMS = (
    "mapping values are not allowed",
    "expected <block end>",
    "did not find expected key",
    "did not find expected '-' indicator",
)

#: A line that starts an entry of a block collection: `key:`, `- key:` or `- x`.
_ENTRY = re.compile(r"^( *)((?:- +)*)(?:([^\s#'\"\-?:][^#]*?|\"[^\"]*\"|'[^']*') *:(?: |$))?")


def _entry(line: str) -> tuple[int, str | None, str] | None:
    """(column of the first key or dash, the key, what follows the key's colon)
    of a line that starts an entry; None for other lines."""
    m = _ENTRY.match(line)
    if m is None or not line.strip() or line.lstrip().startswith("#"):
        return None
    indent, dashes, key = m.group(1), m.group(2), m.group(3)
    if key is None and not dashes:
        return None  # a value's second line
    column = len(indent) + len(dashes) if key is not None else len(indent)
    return column, key, line[m.end() :].split(" #", 1)[0].strip()


def _keys_before(lines: list[str], n: int) -> list[tuple[int, int, str, bool]]:
    """(line, column, key, whether a mapping opens under it) of the keys above
    line `n`, leaving out the text of block scalars (`|`, `>`)."""
    out: list[tuple[int, int, str, bool]] = []
    text_above = -1  # the column of the key whose block text is being read, or -1
    for k in range(n):
        line = lines[k]
        lead = len(line) - len(line.lstrip(" "))
        if text_above >= 0 and (not line.strip() or lead > text_above):
            continue
        text_above = -1
        e = _entry(line)
        if e is None or e[1] is None:
            continue
        column, key, rest = e
        if rest[:1] in ("|", ">"):
            text_above = column
        out.append((k, column, key, rest == ""))
    return out


def _indent_hint(lines: list[str], n: int) -> str | None:
    """Why a key breaks the YAML, when it is a matter of indentation: the keys of
    one mapping must start in one column, and the last key before it says which."""
    if not 0 <= n < len(lines):
        return None
    here = _entry(lines[n])
    if here is None or here[1] is None:
        return None
    column, key, _rest = here
    keys = _keys_before(lines, n)
    if not keys:
        return None
    line, other_column, other, opens = keys[-1]
    if column == other_column or (column > other_column and opens):
        return None  # a sibling, or the first key under its parent: not this
    if column < other_column:
        outer, parents = other_column, set()
        for _line, c, _key, _opens in reversed(keys):
            if c < outer:
                outer = c
                parents.add(c)
        if column in parents:
            return None  # back out to a parent's column: the indentation is right
    return ngettext(
        "'{key}' is indented {n} space, but '{other}' on line {line} above it {m}: "
        "the keys of one mapping start in the same column",
        "'{key}' is indented {n} spaces, but '{other}' on line {line} above it {m}: "
        "the keys of one mapping start in the same column",
        column,
    ).format(key=key, n=column, other=other, line=line + 1, m=other_column)


def parse(data: bytes, rep: Reporter) -> YValue | None:
    """Parse one YAML document; report problems to `rep` and return None on failure."""
    if len(data) > MAX_FILE_BYTES:
        rep.error(
            Pos(1, 1),
            "file-too-large",
            ngettext(
                "the file is {size} byte; guide files may be at most {limit} bytes",
                "the file is {size} bytes; guide files may be at most {limit} bytes",
                len(data),
            ).format(size=len(data), limit=MAX_FILE_BYTES),
            _("split it into several guides linked with 'guide:' targets"),
        )
        return None
    text = decode(data, rep)
    if text is None:
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        rep.items.append(_syntax_error(exc, text, rep.file))
        return None
    except yaml.reader.ReaderError as exc:
        # A raw control character (ESC, ...) where YAML allows none: say where.
        before = text[: max(0, exc.position)]
        pos = Pos(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        char = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "?")
        problem = f"unacceptable character #x{char:04x}: {exc.reason}"
        rep.error(pos, "yaml-syntax", _("YAML syntax error: {problem}").format(problem=problem))
        return None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())  # one line, as every diagnostic
        message = _("YAML syntax error: {problem}").format(problem=problem)
        rep.error(Pos(1, 1), "yaml-syntax", message)
        return None
    except RecursionError:
        rep.error(Pos(1, 1), "too-deep", _too_deep())
        return None
    if root is None:
        rep.error(
            Pos(1, 1), "empty-file", _("the file is empty"), _("a guide starts with 'format: 1'")
        )
        return None
    try:
        return _Converter(rep).convert(root)
    except _TooBig as exc:
        rep.error(exc.pos, exc.code, str(exc))
        return None
