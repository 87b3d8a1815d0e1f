"""A node's text, drawn by one widget in one frame.

Textual's Markdown widget mounts one widget per block on every update, parses in a
thread and guesses the language of every unlabelled code block (tens of
milliseconds each), so a step took several frames. `NodeText` is still a
`Markdown` (its source, its links), but lays the blocks out itself with Textual's
own styles for Markdown. Guide text is never read as markup: it becomes Content
spans, and control characters are removed first.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len
from textual.await_complete import AwaitComplete
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.highlight import highlight
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Markdown

from ...guides.text import CONTINUES, clean_text


@cache
def _parser() -> MarkdownIt:
    """One parser for every node (making one costs about a millisecond)."""
    return MarkdownIt("gfm-like")


_SPACES = re.compile(r"\s+")
_INLINE_STYLES = {"em_open": ".em", "strong_open": ".strong", "s_open": ".s"}
_BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")
_EMPTY = Content("")


@dataclass
class _Block:
    """A block of a node's text: paragraph, heading, fence, list, item, quote, table..."""

    kind: str
    content: Content = _EMPTY
    children: list[_Block] = field(default_factory=list)
    #: A heading's level; the first number of an ordered list.
    level: int = 0
    code: str = ""
    lang: str = ""


def _inline(token: Token) -> Content:
    """Inline Markdown as Content: the text exactly as written, styled by component
    classes (never parsed as markup)."""
    parts: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[str | Style, int]] = []
    position = 0

    def add(text: str) -> None:
        nonlocal position
        parts.append(text)
        position += len(text)

    for child in token.children or ():
        kind = child.type
        if kind == "text":
            add(_SPACES.sub(" ", child.content))
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline":
            start = position
            add(child.content)
            spans.append(Span(start, position, ".code_inline"))
        elif kind in _INLINE_STYLES:
            opened.append((_INLINE_STYLES[kind], position))
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            opened.append((Style.from_meta({"@click": f"link({href!r})"}), position))
        elif kind == "image":  # its description, a link to it
            start = position
            add("🖼  " + (f"({child.attrs.get('alt')})" if child.attrs.get("alt") else ""))
            add("".join(grandchild.content for grandchild in child.children or ()))
            href = str(child.attrs.get("src", ""))
            spans.append(Span(start, position, Style.from_meta({"@click": f"link({href!r})"})))
        elif kind.endswith("_close") and opened:
            style, start = opened.pop()
            spans.append(Span(start, position, style))
    return Content("".join(parts), spans, strip_control_codes=False)


@lru_cache(maxsize=256)
def parse_blocks(markdown: str) -> tuple[_Block, ...]:
    """The blocks of a node's text (control characters removed first); kept for the
    nodes seen last, as a walk often comes back (never changed once made)."""
    root = _Block("root")
    stack = [root]
    for token in _parser().parse(clean_text(markdown)[0]):
        kind = token.type
        if kind.endswith("_open"):
            block = _Block(kind[: -len("_open")])
            if block.kind == "heading":
                block.level = int(token.tag[1:])
            elif block.kind == "ordered_list":
                start = token.attrGet("start")
                block.level = int(start) if isinstance(start, (int, str)) else 1
            stack[-1].children.append(block)
            stack.append(block)
        elif kind.endswith("_close"):
            if len(stack) > 1:
                stack.pop()
        elif kind == "inline":
            stack[-1].content = _inline(token)
        elif kind in ("fence", "code_block"):
            lang = token.info.split()[0] if token.info.strip() else ""
            stack[-1].children.append(_Block("fence", code=token.content.rstrip(), lang=lang))
        elif kind == "hr":
            stack[-1].children.append(_Block("hr"))
        # HTML is left out (as Textual's Markdown does), never interpreted.
    return tuple(root.children)


def _first_text(blocks: Iterable[_Block]) -> Content | None:
    for block in blocks:
        if block.kind == "fence" and block.code.strip():
            line = next(ln for ln in block.code.splitlines() if ln.strip())
            return Content.styled(line.strip(), ".code_inline")
        if block.content.plain.strip():
            return block.content
        found = _first_text(block.children)
        if found is not None:
            return found
    return None


def first_line(markdown: str) -> Content:
    """The first line of a node's text as it is drawn (inline code styled, not in
    backticks): a breadcrumb. Its spans name `.code_inline`, which the widget that
    shows it must have."""
    found = _first_text(parse_blocks(markdown))
    if found is None:
        return _EMPTY
    line = next((ln for ln in found.split("\n") if ln.plain.strip()), _EMPTY)
    return line


@lru_cache(maxsize=256)
def _code(text: str, lang: str) -> Content:
    """A code block's text, highlighted when its fence names the language. Never
    guessed, as Textual's Markdown does (tens of milliseconds a block); unnamed
    code looks as Textual's "text" lexer makes it, without looking one up."""
    if lang:
        return highlight(text, language=lang)
    return Content(text, strip_control_codes=False).stylize_before("$text")


def _full(line: Content, width: int, style: str) -> Content:
    """A line padded to `width` with `style` under all of it (a block's background)."""
    return line.pad_right(max(0, width - line.cell_length)).stylize_before(style)


@dataclass(frozen=True)
class _Where:
    """Where a block is, for the margins Textual's Markdown gives it."""

    #: Directly in the document (paragraphs are spaced only there).
    top: bool = True
    #: In a list (a list in a list is not spaced).
    in_list: bool = False
    #: How many bulleted lists it is in (each level has its bullet).
    bullets: int = 0


_TOP = _Where()


def _stack(blocks: Iterable[_Block], width: int, where: _Where = _TOP) -> list[Content]:
    """Blocks one under the other. Vertical margins collapse as Textual's do, and the
    first block's top and the last block's bottom margin stay inside, as in its
    Markdown."""
    lines: list[Content] = []
    gap = -1
    for block in blocks:
        body, top, bottom = _block(block, width, where)
        lines.extend([_EMPTY] * (top if gap < 0 else max(gap, top)))
        lines.extend(body)
        gap = bottom
    lines.extend([_EMPTY] * max(gap, 0))
    return lines


def _block(block: _Block, width: int, where: _Where) -> tuple[list[Content], int, int]:
    """One block's lines at `width`, with its top and bottom margins."""
    kind = block.kind
    if kind == "paragraph":
        return block.content.wrap(width), 0, 1 if where.top else 0
    if kind == "heading":
        style = f".h{block.level}"
        lines = block.content.wrap(width)
        if block.level == 1:  # centred
            lines = [line.pad_left(max(0, width - line.cell_length) // 2) for line in lines]
        if block.level != 3:  # h3 is as wide as its text, the others fill the line
            lines = [_full(line, width, style) for line in lines]
        else:
            lines = [line.stylize_before(style) for line in lines]
        return lines, (2 if block.level <= 2 else 1), 1
    if kind == "fence":
        text = block.code.expandtabs(8)
        code = _code(text, block.lang)
        # Long lines run to the edge, as in Textual's Markdown, then go on below after
        # a mark (it cropped them there: a command must be seen whole, and one long
        # command must not look like two).
        inner, pieces, start = max(1, width - 2), [], 0
        mark = Content.styled(CONTINUES + " ", ".fence-continues")
        for line in text.split("\n"):
            part = code[start : start + len(line)]
            start += len(line) + 1
            first, *rest = part.fold(inner) if part.cell_length > inner else [part]
            pieces.append(first)
            if rest:
                more = Content("").join(rest)
                pieces.extend(mark + piece for piece in more.fold(max(1, inner - 2)))
        blank = _full(_EMPTY, width, ".fence")
        return [blank, *(_full(part.pad_left(2), width, ".fence") for part in pieces), blank], 1, 1
    if kind in ("bullet_list", "ordered_list"):
        lines = []
        items = [item for item in block.children if item.kind == "list_item"]
        numbers = range(block.level, block.level + len(items))
        bullets = where.bullets
        if kind == "ordered_list":
            size = max((len(f"{n}. ") for n in numbers), default=0)
            marks = [f"{n}. ".rjust(size + 1) for n in numbers]
        else:
            marks = [_BULLETS[bullets % len(_BULLETS)]] * len(items)
            bullets += 1
        inside = _Where(top=False, in_list=True, bullets=bullets)
        for mark, item in zip(marks, items, strict=True):
            inner = _stack(item.children, max(1, width - cell_len(mark)), inside) or [_EMPTY]
            lines.append(Content.styled(mark, ".bullet") + inner[0])
            lines.extend(line.pad_left(cell_len(mark)) for line in inner[1:])
        return lines, 0, 0 if where.in_list else 1
    if kind == "blockquote":
        inside = _Where(top=False, in_list=where.in_list, bullets=where.bullets)
        inner = _stack(block.children, max(1, width - 3), inside) or [_EMPTY]
        border = Content.styled("▌", ".quote-border")
        return [_full(border + line.pad_left(1), width, ".quote") for line in inner], 1, 1
    if kind == "hr":
        return [_EMPTY, Content.styled("─" * width, ".hr")], 0, 1
    if kind == "table":
        return [_full(line, width, ".table") for line in _table(block, width)], 0, 1
    return _stack(block.children, width, where) or block.content.wrap(width), 0, 0


def _widths(natural: list[int], room: int) -> list[int]:
    """Column widths in `room`, as Textual's Markdown tables have them: stretched in
    proportion when they fit, else the widest narrowed until they do."""
    total = sum(natural)
    if total <= room:
        ends = [room * sum(natural[: i + 1]) // total for i in range(len(natural))]
        return [end - start for start, end in zip([0, *ends], ends, strict=False)]
    cap = max(natural)
    while cap > 3 and sum(min(w, cap) for w in natural) > room:
        cap -= 1
    return [min(w, cap) for w in natural]


def _table(block: _Block, width: int) -> list[Content]:
    """A table in box lines: a rule under every row, headers at the bottom of their
    cells, each cell wrapped to its column."""
    rows = [row.children for section in block.children for row in section.children if row.children]
    if not rows:
        return []
    count = max(len(row) for row in rows)
    grid = [[*row, *[_Block("td")] * (count - len(row))] for row in rows]
    natural = [
        max(3, *(cell.content.cell_length + 2 for cell in column))
        for column in zip(*grid, strict=True)
    ]
    widths = _widths(natural, max(count * 3, width - count - 1))

    def rule(left: str, middle: str, right: str) -> Content:
        return Content.styled(left + middle.join("─" * w for w in widths) + right, ".table-line")

    bar = Content.styled("│", ".table-line")
    lines = [rule("┌", "┬", "┐")]
    for index, row in enumerate(grid):
        header = all(cell.kind == "th" for cell in row)
        cells = [cell.content.wrap(w - 2) or [_EMPTY] for cell, w in zip(row, widths, strict=True)]
        height = max(len(cell) for cell in cells)
        for cell in cells:  # headers sit at the bottom of their cells, others at the top
            cell[len(cell) if not header else 0 : 0] = [_EMPTY] * (height - len(cell))
        for y in range(height):
            parts = [
                (cell[y].stylize_before(".th") if header else cell[y]).pad(
                    1, w - 1 - cell[y].cell_length
                )
                for cell, w in zip(cells, widths, strict=True)
            ]
            lines.append(bar + bar.join(parts) + bar)
        lines.append(rule("├", "┼", "┤") if index < len(grid) - 1 else rule("└", "┴", "┘"))
    return lines


#: Styles of whole blocks. Textual's Markdown drew these blocks as widgets, their
#: translucent backgrounds laid over what is under them; so they are looked up
#: whole here (a span's style is partial: over nothing, white 30% comes out grey).
_BLOCK_STYLES = frozenset({".fence", ".quote", ".table", ".h1", ".h2", ".h3", ".h4", ".h5", ".h6"})


class _NodeVisual(Visual):
    """A node's blocks, laid out for the width they are drawn at."""

    def __init__(self, blocks: tuple[_Block, ...], owner: Widget | None = None) -> None:
        self._blocks = blocks
        self._owner = weakref.ref(owner) if owner is not None else None
        self._laid_out: tuple[int, Content, int] | None = None

    def content(self, width: int) -> tuple[Content, int]:
        """All lines as one Content, and how many there are."""
        if self._laid_out is None or self._laid_out[0] != width:
            lines = _stack(self._blocks, max(1, width)) if self._blocks else []
            self._laid_out = (width, Content("\n").join(lines), len(lines))
        return self._laid_out[1], self._laid_out[2]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        content, count = self.content(width)
        if not count:
            return []
        owner = self._owner() if self._owner is not None else None
        if owner is not None:
            get_style = options.get_style

            def block_style(name: str | Style) -> Style:
                if isinstance(name, str) and name in _BLOCK_STYLES:
                    whole = owner.get_visual_style(name[1:]).background
                    return dataclasses.replace(get_style(name), background=whole)
                return get_style(name)

            options = dataclasses.replace(options, get_style=block_style)
        strips = content.render_strips(width, height, style, options)
        # An empty line comes out as an empty segment, which Textual's own widgets
        # never write (it would only change the snapshots' SVG, not the screen).
        return [
            Strip([segment for segment in strip if segment.text], strip.cell_length)
            if any(not segment.text for segment in strip)
            else strip
            for strip in strips
        ]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.content(width)[1]


class NodeText(Markdown):
    """A node's text. Still a `Markdown` (its source, its links), but drawn by this one
    widget and updated at once, in the frame of the rest of the step: Textual's own
    mounts a widget per block, later, in batches."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "code_inline",
        "em",
        "strong",
        "s",
        "fence",
        "fence-continues",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "bullet",
        "quote",
        "quote-border",
        "hr",
        "th",
        "table",
        "table-line",
    }
    # The look of Textual's Markdown blocks, from the same theme variables.
    DEFAULT_CSS = """
    NodeText {
        width: 1fr;
        height: auto;
        & > .em { text-style: italic; }
        & > .strong { text-style: bold; }
        & > .s { text-style: strike; }
        &:dark > .code_inline { background: $warning 10%; color: $text-warning 95%; }
        &:light > .code_inline { background: $error 5%; color: $text-error 95%; }
        &:ansi > .code_inline { background: ansi_default; }
        & > .fence { background: black 10%; }
        &:light > .fence { background: white 30%; }
        &:ansi > .fence { background: transparent; }
        & > .fence-continues { color: $text-muted; text-style: bold; }
        & > .h1 {
            color: $markdown-h1-color;
            background: $markdown-h1-background;
            text-style: $markdown-h1-text-style;
        }
        & > .h2 {
            color: $markdown-h2-color;
            background: $markdown-h2-background;
            text-style: $markdown-h2-text-style;
        }
        & > .h3 {
            color: $markdown-h3-color;
            background: $markdown-h3-background;
            text-style: $markdown-h3-text-style;
        }
        & > .h4 {
            color: $markdown-h4-color;
            background: $markdown-h4-background;
            text-style: $markdown-h4-text-style;
        }
        & > .h5 {
            color: $markdown-h5-color;
            background: $markdown-h5-background;
            text-style: $markdown-h5-text-style;
        }
        & > .h6 {
            color: $markdown-h6-color;
            background: $markdown-h6-background;
            text-style: $markdown-h6-text-style;
        }
        & > .bullet { color: $text-primary; }
        &:light > .bullet { color: $text-secondary; }
        & > .quote { background: $boost; }
        & > .quote-border { color: $text-primary 50%; }
        &:light > .quote-border { color: $text-secondary; }
        & > .hr { color: $secondary; }
        & > .th { color: $primary; }
        &:light > .table { background: white 30%; }
        & > .table-line { color: $foreground 20%; }
    }
    """

    def __init__(
        self, markdown: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        # Markdown shows its initial text as it is mounted (with `update`, below).
        super().__init__(markdown, id=id, classes=classes)
        self._visual = _NodeVisual(())

    @property
    def is_container(self) -> bool:
        """Never: the blocks are drawn here (Markdown's CSS gives it a layout)."""
        return False

    @property
    def is_scrollable(self) -> bool:
        """Never: its parent scrolls it."""
        return False

    def update(self, markdown: str) -> AwaitComplete:
        """Show new Markdown now (the base class mounts blocks later, in batches)."""
        self._markdown = markdown
        self._table_of_contents = None
        self._visual = _NodeVisual(parse_blocks(markdown), self)
        self.refresh(layout=True)
        return AwaitComplete.nothing()

    def render(self) -> Visual:
        return self._visual

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """Selected text, as drawn (the base class only knows plain Content)."""
        return selection.extract(self._visual.content(self.content_size.width)[0].plain), "\n"

    def action_link(self, href: str) -> None:
        """A click on a link: Markdown's own handler opens it, as before."""
        self.post_message(Markdown.LinkClicked(self, href))
