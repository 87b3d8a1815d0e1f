"""`selfhelp fmt`: a guide written back in canonical key order and layout.

The order is the format's own (the specs in model.py): `format`, `id`, `version`,
`kind`, `title`... at the top; `type` first in a node, then its keys as the docs
list them; `label`, `next`, `set` in a choice. The layout is the one of the docs:
two spaces per level, a list indented under its key, `- ` and `key: ` with one
space, no trailing spaces, no runs of blank lines, one newline at the end.

It works on the lines of the file, not on a re-emitted YAML tree, so nothing it
does not mean to change changes:
- reordering moves whole lines: each key takes along the comment lines written
  directly above it and every line of its value, so no comment is lost or parted
  from what it is about;
- re-indenting moves a key and its whole value by the same number of columns,
  so text blocks keep their inner indentation, and comments go with the line
  they are aligned with;
- values are never rewritten: quotes, block scalars (`|`, `>`), flow collections
  (`{...}`, `[...]`, whose keys are ordered when they fit on one line) and the
  spacing of end-of-line comments stay as written.
A round-trip YAML library (ruamel.yaml) would re-emit every value and attach a
comment to the key before it, so it would move comments away when it reorders;
it would also be a new dependency. Each pass is checked: the result must hold
exactly the same data as the input, or the file is left alone (`FormatError`).
"""

from __future__ import annotations

import itertools
import re

import yaml

from ..i18n import _
from ..record import field, record
from .model import guide_spec
from .spec import ListOf, MapOf, Record, Spec, Tagged

#: Columns per level of nesting.
INDENT = 2


class FormatError(Exception):
    """The file cannot be formatted safely (not YAML, not a mapping, or a layout
    the formatter does not know how to change without changing the data)."""


def format_text(text: str) -> str:
    """The guide's text in canonical form (the same text when it already is)."""
    data = _load(text)
    if _ODD_BREAK.search(text):
        # PyYAML counts these as line breaks and Python's lines do too, but a lone
        # CR would come back as CRLF and U+2028 inside a value would split it.
        raise FormatError(
            _(
                "the file has line breaks other than LF and CRLF "
                "(a lone CR, U+0085, U+2028 or U+2029)"
            )
        )
    try:
        out = _relayout(_reorder(text))
        same = _same_data(yaml.safe_load(out), data) and _comments(out) == _comments(text)
    except yaml.YAMLError:
        same = False
    if not same:  # e.g. an alias moved before its anchor
        raise FormatError(_("formatting would change what the file says; it is left as written"))
    return out


#: Line breaks other than LF and CRLF (YAML 1.1 reads all of them as breaks).
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def _same_data(a: object, b: object) -> bool:
    """The same data, types included (Python says `1 == True == 1.0`); a stack, not
    recursion, and each pair of containers compared once (aliases may repeat them)."""
    todo = [(a, b)]
    seen: set[tuple[int, int]] = set()
    while todo:
        x, y = todo.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            assert isinstance(y, dict)
            if (id(x), id(y)) in seen:
                continue
            seen.add((id(x), id(y)))
            if len(x) != len(y):
                return False
            keys_y = {(type(k), k): k for k in y}
            if any((type(k), k) not in keys_y for k in x):
                return False
            todo.extend((x[k], y[keys_y[(type(k), k)]]) for k in x)
        elif isinstance(x, list):
            assert isinstance(y, list)
            if (id(x), id(y)) in seen:
                continue
            seen.add((id(x), id(y)))
            if len(x) != len(y):
                return False
            todo.extend(zip(x, y, strict=True))
        elif x != y and not (x != x and y != y):  # NaN is itself here
            return False
    return True


def _comments(text: str) -> list[str]:
    """Every comment of a YAML text, in sorted order: each `#` outside the file's
    tokens (its keys, values and punctuation) starts one, up to the end of its line."""
    import bisect

    starts: list[int] = []
    ends: list[int] = []
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        start, end = token.start_mark.index, token.end_mark.index
        if end > start:
            starts.append(start)
            ends.append(end)
    found: list[str] = []
    after = 0  # where the last comment ended: a `#` before that is inside it
    for match in re.finditer("#", text):
        at = match.start()
        i = bisect.bisect_right(starts, at) - 1
        if at < after or (i >= 0 and at < ends[i]):
            continue  # inside a comment, a key, a value or a tag
        after = len(text)
        for brk in ("\n", "\r"):
            if (end := text.find(brk, at)) >= 0:
                after = min(after, end)
        found.append(text[at:after].rstrip(" \t"))
    return sorted(found)


def _load(text: str) -> object:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FormatError(str(exc).splitlines()[0]) from None
    if not isinstance(root, yaml.MappingNode):
        raise FormatError(_("the file is not a mapping of keys"))
    return data


def _compose(text: str) -> yaml.MappingNode:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.MappingNode)  # _load said so
    return root


def _split(line: str) -> tuple[str, str]:
    """A line and its ending ("\\n", "\\r\\n" or none)."""
    if line.endswith("\r\n"):
        return line[:-2], "\r\n"
    if line.endswith("\n"):
        return line[:-1], "\n"
    return line, ""


def _lead(body: str) -> int:
    return len(body) - len(body.lstrip(" "))


# --- 1. key order ------------------------------------------------------------------


@record
class _Move:
    """A permutation of the lines of one block mapping (0-based, `end` exclusive)."""

    depth: int
    start: int
    end: int
    blocks: list[tuple[int, int]]  # in the new order
    #: The `- ` of a sequence item on its first key's line: (width, text).
    dash: tuple[int, str] | None
    #: The block that was first (the one whose first line holds the dash).
    first: tuple[int, int] = (0, 0)


@record
class _Flow:
    """A one-line flow mapping whose pairs are reordered: `{text: x, type: step}`."""

    depth: int
    line: int
    start: int  # columns of its pairs' text, from the first key to the last value
    end: int
    pairs: list[tuple[int, int]]  # column spans of each pair, in the new order


def _order(spec: Record, keys: list[str]) -> list[int]:
    """Indices of `keys` in canonical order. A key the format does not know stays
    right after the known key written before it."""
    rank: dict[str, float] = {f.name: i for i, f in enumerate(spec.fields)}
    for i, name in enumerate(spec.passthrough):
        rank.setdefault(name, -len(spec.passthrough) + i)  # `type` first
    ranks: list[float] = []
    last = -len(spec.passthrough) - 1.0
    for key in keys:
        if key in rank:
            last = rank[key]
            ranks.append(last)
        else:
            ranks.append(last + 0.5)
    return sorted(range(len(keys)), key=lambda i: (ranks[i], i))


def _record_for(spec: Spec, node: yaml.MappingNode) -> Record | None:
    if isinstance(spec, Record):
        return spec
    if isinstance(spec, Tagged):
        for key, value in node.value:
            if key.value == spec.key and isinstance(value, yaml.ScalarNode):
                return spec.variants.get(value.value)
    return None


def _reorder(text: str) -> str:
    root = _compose(text)
    lines = text.splitlines(keepends=True)
    moves, flows = _plan(root, lines, _scalar_lines(root))
    # Innermost first: a move keeps the number of lines, so the places of the
    # mappings around it stay right; flows right to left on a line.
    for flow in sorted(flows, key=lambda f: (-f.depth, f.line, -f.start)):
        _apply_flow(lines, flow)
    for move in sorted(moves, key=lambda m: -m.depth):
        _apply_move(lines, move)
    return "".join(lines)


def _plan(
    root: yaml.Node, lines: list[str], text_lines: set[int]
) -> tuple[list[_Move], list[_Flow]]:
    """Every reordering the file needs, found by walking the YAML with the specs
    (a stack, not recursion: a guide's nodes are many)."""
    moves: list[_Move] = []
    flows: list[_Flow] = []
    todo: list[tuple[yaml.Node, Spec, int]] = [(root, guide_spec(), 0)]
    seen: set[int] = set()
    while todo:
        node, spec, depth = todo.pop()
        if id(node) in seen:
            continue  # an alias: its lines are where its anchor is, ordered there
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode) and isinstance(spec, ListOf):
            todo.extend((item, spec.item, depth + 1) for item in node.value)
            continue
        if not isinstance(node, yaml.MappingNode):
            continue
        if isinstance(spec, MapOf):
            todo.extend((value, spec.value, depth + 1) for _key, value in node.value)
            continue
        rec = _record_for(spec, node)
        if rec is None:
            continue
        keys = [k.value if isinstance(k, yaml.ScalarNode) else "" for k, _v in node.value]
        fields = {f.name: f.spec for f in rec.fields}
        for key, value in node.value:
            sub = fields.get(key.value) if isinstance(key, yaml.ScalarNode) else None
            if sub is not None and not _alias(value, key.end_mark):
                todo.append((value, sub, depth + 1))
        order = _order(rec, keys)
        if order == list(range(len(keys))):
            continue
        if node.flow_style:
            flow = _flow(node, order, depth)
            if flow is not None:
                flows.append(flow)
        else:
            move = _block(node, order, depth, lines, text_lines, node is not root)
            if move is not None:
                moves.append(move)
    return moves, flows


def _flow(node: yaml.MappingNode, order: list[int], depth: int) -> _Flow | None:
    if node.start_mark.line != node.end_mark.line:
        return None  # over several lines: left as written
    if any(not isinstance(v, yaml.ScalarNode) for _k, v in node.value):
        return None  # nested collections: left as written
    spans = [(k.start_mark.column, v.end_mark.column) for k, v in node.value]
    return _Flow(depth, node.start_mark.line, spans[0][0], spans[-1][1], [spans[i] for i in order])


def _block(
    node: yaml.MappingNode,
    order: list[int],
    depth: int,
    lines: list[str],
    text_lines: set[int],
    nested: bool,
) -> _Move | None:
    key_lines = [k.start_mark.line for k, _v in node.value]
    if len(set(key_lines)) != len(key_lines):
        return None  # two keys on one line: not a plain block mapping
    # Lines after the last value (comments about what follows) stay where they are.
    end = min(last_line(node) + 1, len(lines))
    column = node.value[0][0].start_mark.column

    def comment(number: int) -> bool:
        """A comment line of this mapping (not text inside a value)."""
        line = lines[number]
        return (
            number not in text_lines
            and line.lstrip().startswith("#")
            and len(line) - len(line.lstrip()) >= column
        )

    def start_of(here: int, floor: int) -> int:
        """A key's first line: the comments right above it go with it."""
        while here - 1 > floor and comment(here - 1):
            here -= 1
        return here

    # The first key's comments too, unless they head the file (a modeline), or
    # the key shares its line with a sequence item's dash.
    before = lines[key_lines[0]][:column]
    dash = (len(before), before) if before.strip() else None
    starts = [start_of(key_lines[0], -1) if nested and dash is None else key_lines[0]]
    for prev, here in itertools.pairwise(key_lines):
        starts.append(start_of(here, prev))
    bounds = list(zip(starts, [*starts[1:], end], strict=True))
    return _Move(depth, starts[0], end, [bounds[i] for i in order], dash, bounds[0])


def last_line(node: yaml.Node) -> int:
    """The last line (0-based) that holds part of a node. A block collection's own
    end is where the next token starts, past any comment lines after it."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    end = node.end_mark
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def _apply_flow(lines: list[str], flow: _Flow) -> None:
    line = lines[flow.line]
    body = ", ".join(line[a:b] for a, b in flow.pairs)
    lines[flow.line] = line[: flow.start] + body + line[flow.end :]


def _apply_move(lines: list[str], move: _Move) -> None:
    blocks = [lines[a:b] for a, b in move.blocks]
    ending = "\r\n" if lines[move.start].endswith("\r\n") else "\n"
    for block in blocks:
        if block and not block[-1].endswith("\n"):
            block[-1] += ending
    if move.dash is not None:
        width, dash = move.dash
        # The old first key gives up the item's dash; the new first one takes it,
        # and the comments above that key go above the item.
        old = blocks[move.blocks.index(move.first)]
        old[0] = " " * width + old[0][width:]
        first = blocks[0]
        key = next(i for i, line in enumerate(first) if not line.lstrip().startswith("#"))
        outside = " " * _lead(dash)
        for i in range(key):
            first[i] = outside + first[i].lstrip(" ")
        first[key] = dash + first[key][width:]
    lines[move.start : move.end] = [line for block in blocks for line in block]


def _scalar_lines(root: yaml.Node) -> set[int]:
    """Lines inside multi-line values after their first (0-based)."""
    out: set[int] = set()
    todo = [root]
    seen: set[int] = set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            # A block scalar ends at the start of the line after it (column 0).
            out.update(range(node.start_mark.line + 1, last_line(node) + 1))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                todo.extend((key, value))
    return out


# --- 2. layout ---------------------------------------------------------------------


class _Unusual(Exception):
    """YAML the layout pass does not re-indent (explicit `? ` keys, a key over
    several lines...): the file keeps its layout, only its key order changes."""


@record
class _Head:
    """A line where an entry of a block collection starts (a key, or a `- `)."""

    #: The column of what starts the line, before and after; the shift of its lead.
    old: int
    new: int
    #: The shift of the lines that continue this entry (its value's lines). On a
    #: `- key:` line that is the mapping's, not the list's.
    cont: int
    inner: int = -1  # the column of the innermost collection starting on the line
    #: (start, end, replacement) column edits: `-   x` -> `- x`, `key:   x` -> `key: x`.
    edits: list[tuple[int, int, str]] = field(default_factory=list)


@record
class _Text:
    """A multi-line value: its lines after the first are content, not layout."""

    first: int
    last: int
    #: Block scalars (`|`, `>`): the column of their content; else -1.
    indent: int
    #: A block scalar that says its indentation (`|2`): it moves with its key.
    explicit: bool = False


_COLON_GAP = re.compile(r"[ \t]*:[ \t]+")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")


def _relayout(text: str) -> str:
    root = _compose(text)
    raw = text.splitlines(keepends=True)
    bodies, endings = zip(*(_split(line) for line in raw), strict=True) if raw else ((), ())
    bodies, endings = list(bodies), list(endings)
    try:
        heads = _heads(root, bodies)
    except _Unusual:
        heads = None
    texts, flows = _values(root, bodies)
    content: dict[int, _Text] = {}
    for t in texts:
        for n in range(t.first, t.last + 1):
            content[n] = t
    out: list[str | None] = []  # None: a comment line, placed once its neighbours are
    old_lead: dict[int, int] = {}
    new_lead: dict[int, int] = {}
    cont = 0
    for n, body in enumerate(bodies):
        head = heads.get(n) if heads is not None else None
        if head is not None:
            for start, end, new in sorted(head.edits, reverse=True):
                body = body[:start] + new + body[end:]
            old_lead[n], new_lead[n] = head.old, head.new
            body = " " * head.new + body.lstrip(" ")
            cont = head.cont if heads is not None else 0
            out.append(body.rstrip(" \t"))
            continue
        shift = cont if heads is not None else 0
        text_value = content.get(n)
        if text_value is not None:
            owner = heads.get(text_value.first - 1) if heads is not None else None
            if owner is not None and text_value.indent >= 0 and not text_value.explicit:
                # A text block starts one level in from its key (or its `- `).
                shift = owner.inner + owner.cont + INDENT - text_value.indent
            out.append(_shift_content(body, shift, text_value))
            continue
        stripped = body.strip()
        if not stripped:
            out.append("")
        elif stripped.startswith("#") and n not in flows:
            out.append(None)
        elif body.startswith(("---", "...", "%")):
            out.append(body.rstrip(" \t"))
        else:  # a value on the line below its key, a line of a flow collection
            lead = _lead(body)
            old_lead[n], new_lead[n] = lead, max(0, lead + shift)
            out.append((" " * new_lead[n] + body[lead:]).rstrip(" \t"))
    for n, line in enumerate(out):
        if line is None:
            out[n] = _place_comment(n, bodies, old_lead, new_lead, heads)
    # Runs of blank lines become one, outside text; none at the start or the end.
    kept: list[int] = []
    for n, line in enumerate(out):
        run = not kept or (out[kept[-1]] == "" and kept[-1] not in content)
        if line == "" and n not in content and run:
            continue
        kept.append(n)
    while kept and out[kept[-1]] == "" and kept[-1] not in content:
        kept.pop()
    ending = endings[0] if endings and endings[0] else "\n"
    return "".join(f"{out[n]}{endings[n] or ending}" for n in kept)


def _shift_content(body: str, shift: int, value: _Text) -> str:
    """A line inside a multi-line value, moved with its key. In a block scalar,
    the spaces beyond the content's column are text and stay; a line of spaces
    only within the content's column is an empty line."""
    lead = _lead(body)
    if value.indent < 0:  # a quoted or plain value over lines: its spaces fold away
        if not body.strip():
            return ""
        return " " * max(0, lead + shift) + body[lead:]
    if lead < value.indent and not body.strip(" "):
        return ""
    return " " * max(0, lead + shift) + body[lead:]


def _place_comment(
    n: int,
    bodies: list[str],
    old_lead: dict[int, int],
    new_lead: dict[int, int],
    heads: dict[int, _Head] | None,
) -> str:
    """A comment line goes with the line it is aligned with: the next one (it is
    about what follows) or the one above (a note at the end of a block); at
    column 0 it stays there."""
    body = bodies[n]
    column = _lead(body)
    text = body.strip()
    below = next((m for m in range(n + 1, len(bodies)) if m in old_lead), None)
    above = next((m for m in range(n - 1, -1, -1) if m in old_lead), None)
    if column == 0 or heads is None:
        new = column
    elif below is not None and column == old_lead[below]:
        new = new_lead[below]
    elif above is not None and column == old_lead[above]:
        new = new_lead[above]
    elif above is not None and heads.get(above) and heads[above].inner == column:
        new = new_lead[above] + (column - old_lead[above])
    elif below is not None:
        new = max(0, column + new_lead[below] - old_lead[below])
    else:
        new = column
    return " " * new + text


def _values(root: yaml.Node, bodies: list[str]) -> tuple[list[_Text], set[int]]:
    """The multi-line scalars, and the lines inside multi-line flow collections."""
    texts: list[_Text] = []
    flows: set[int] = set()
    todo = [root]
    seen: set[int] = set()
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        start, end = node.start_mark, node.end_mark
        if isinstance(node, yaml.ScalarNode):
            last = end.line if end.column > 0 or end.line == start.line else end.line - 1
            if last <= start.line:
                continue
            indent, explicit = -1, False
            if node.style in ("|", ">"):
                header = _BLOCK_HEADER.match(bodies[start.line], start.column)
                keep = header is not None and "+" in header.group()
                explicit = header is None or any(c.isdigit() for c in header.group())
                lines = range(start.line + 1, last + 1)
                filled = [m for m in lines if bodies[m].strip()]
                if not filled:
                    continue
                indent = _lead(bodies[filled[0]])
                if not keep:  # blank lines after the text are layout, not text
                    last = filled[-1]
            texts.append(_Text(start.line + 1, last, indent, explicit))
            continue
        if getattr(node, "flow_style", False) and end.line > start.line:
            flows.update(range(start.line + 1, end.line + 1))
        if isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                todo.extend((key, value))
    return texts, flows


def _heads(root: yaml.MappingNode, bodies: list[str]) -> dict[int, _Head]:
    """Where each entry of each block collection starts, and where it goes: the
    root's keys at column 0, each level `INDENT` further in."""
    heads: dict[int, _Head] = {}

    def register(line: int, old: int, new: int, inner_old: int, inner_new: int) -> _Head:
        head = heads.get(line)
        if head is None:
            head = heads[line] = _Head(old, new, inner_new - inner_old, inner_old)
        elif inner_old > head.inner:  # `- key:`: the key's mapping is the inner one
            head.cont, head.inner = inner_new - inner_old, inner_old
        return head

    todo: list[tuple[yaml.Node, int, int | None]] = [(root, 0, None)]
    seen: set[int] = set()
    while todo:
        node, want, on_line = todo.pop()
        if id(node) in seen:
            continue  # an alias: laid out where its anchor is
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            column = node.value[0][0].start_mark.column
            for key, value in node.value:
                line = key.start_mark.line
                if not isinstance(key, yaml.ScalarNode) or key.end_mark.line != line:
                    raise _Unusual
                if key.start_mark.column != column:
                    raise _Unusual
                starts = bodies[line][:column]
                if starts.strip() and line != on_line:
                    raise _Unusual  # `? key`, or a key after an anchor
                head = register(line, _lead(bodies[line]), want, column, want)
                if _alias(value, key.end_mark):
                    continue  # laid out where its anchor is
                _colon_gap(head, key, value, bodies[line])
                _child(todo, value, want, line)
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style:
            if any(_alias(item, node.start_mark) for item in node.value):
                raise _Unusual
            dashes = [_dash(item, bodies) for item in node.value]
            column = dashes[0][1]
            if any(c != column for _line, c in dashes):
                raise _Unusual
            for item, (line, _c) in zip(node.value, dashes, strict=True):
                if bodies[line][:column].strip() and line != on_line:
                    raise _Unusual
                head = register(line, _lead(bodies[line]), want, column, want)
                if item.start_mark.line == line:  # `-   x` -> `- x`
                    gap = bodies[line][column + 1 : item.start_mark.column]
                    if gap.strip(" \t"):
                        raise _Unusual
                    if gap != " ":
                        head.edits.append((column + 1, item.start_mark.column, " "))
                    _item(todo, item, want, line)
                else:
                    _child(todo, item, want, None)
    return heads


def _alias(value: yaml.Node, after: yaml.Mark) -> bool:
    """A value written as `*name`: the node is its anchor's, which is further up."""
    return (value.start_mark.line, value.start_mark.column) < (after.line, after.column)


def _colon_gap(head: _Head, key: yaml.ScalarNode, value: yaml.Node, body: str) -> None:
    """`key:   value` -> `key: value` (the value on the key's line, not empty)."""
    if value.start_mark.line != key.end_mark.line:
        return
    if isinstance(value, yaml.ScalarNode) and value.style is None and value.value == "":
        return  # `key:` with no value (and maybe a comment)
    gap = body[key.end_mark.column : value.start_mark.column]
    if _COLON_GAP.fullmatch(gap) and gap != ": ":
        head.edits.append((key.end_mark.column, value.start_mark.column, ": "))


def _child(
    todo: list[tuple[yaml.Node, int, int | None]], value: yaml.Node, want: int, line: int | None
) -> None:
    """A block collection that is a key's value, or a list item on the lines below
    its `-`: one level further in."""
    if isinstance(value, (yaml.MappingNode, yaml.SequenceNode)) and not value.flow_style:
        todo.append((value, want + INDENT, line))


def _item(
    todo: list[tuple[yaml.Node, int, int | None]], item: yaml.Node, want: int, line: int
) -> None:
    """A block collection on its `- ` line: it starts two columns after the dash."""
    if isinstance(item, (yaml.MappingNode, yaml.SequenceNode)) and not item.flow_style:
        first = item.value[0][0] if isinstance(item, yaml.MappingNode) else item
        if first.start_mark.column != item.start_mark.column:
            raise _Unusual  # an anchor or a tag before the first key
        todo.append((item, want + INDENT, line))


def _dash(item: yaml.Node, bodies: list[str]) -> tuple[int, int]:
    """The line and column of the `-` of a list item."""
    line, column = item.start_mark.line, item.start_mark.column
    before = bodies[line][:column].rstrip(" \t")
    if before.endswith("-") and (len(before) == 1 or before[-2] in " \t-"):
        return line, len(before) - 1
    for above in range(line - 1, -1, -1):  # `-` alone, the item on the lines below
        stripped = bodies[above].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "-" or stripped.startswith("- #"):
            return above, _lead(bodies[above])
        break
    raise _Unusual
