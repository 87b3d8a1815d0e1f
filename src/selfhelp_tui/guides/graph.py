"""A picture of a guide: a tree in the terminal, or Mermaid / Graphviz DOT text.

Labels come from guide text, which is untrusted: the terminal tree uses Rich
`Text` (never markup), and Mermaid and DOT labels are escaped for their syntax.

Each way out of a node is one edge, labelled with what takes it (a choice's
label, `pass` / `fail` / `fallback: LABEL` at a check, a branch case's `when` or
`default`); ways that lead to the same node are drawn as one edge with both
labels. Nothing here recurses on the guide's depth: a guide may be a chain of any
length.

Overlays (the feedback view, feedback/graph_overlay.py) pass `extra`: node id ->
`NodeExtra`, a line under the node's label, a fill colour and a mark on the node
to look at first. The renderers know nothing else about what they mean.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from rich.text import Text
from rich.tree import Tree

from ..record import record
from .model import BranchNode, CheckNode, Guide, Node, OutcomeNode, QuestionNode
from .text import markdown_to_plain

RESULT_STYLES = {
    "resolved": "green",
    "completed": "green",
    "unresolved": "yellow",
    "escalate": "red",
}

#: Deepest nesting of the terminal tree; deeper parts continue as sections of
#: their own at the end (each level takes four columns).
MAX_TREE_DEPTH = 16


@record(frozen=True)
class NodeExtra:
    """More to draw on one node, from outside the guide (the feedback overlay,
    feedback/graph_overlay.py): a line under its label, a fill colour, and a mark
    on the node to look at first."""

    note: str = ""
    fill: str | None = None
    mark: bool = False


Extras = Mapping[str, NodeExtra]

#: The outline of the node to look at first (`NodeExtra.mark`).
MARK_COLOUR = "#b71c1c"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _probe_call(node: CheckNode) -> str:
    params = ", ".join(f"{k}={' '.join(map(str, v)) if isinstance(v, list) else v}"
                       for k, v in node.params.items())  # fmt: skip
    return f"{node.probe}({params})"


def _summary(node: Node, width: int = 60) -> str:
    """What the node says, or for a check or branch without text, what it does."""
    text = node.title or " ".join(markdown_to_plain(node.text).split())
    if isinstance(node, CheckNode):
        text = f"{_probe_call(node)}: {text}" if text else _probe_call(node)
    elif isinstance(node, BranchNode) and not text:
        facts = sorted({name for case in node.cases for name, _value in case.when})
        text = "by " + ", ".join(facts) if facts else "default only"
    return _clip(text, width)


def edges(node: Node) -> list[tuple[str, str]]:
    """(label, target) for each distinct way out of a node, in order; ways to the
    same target are one edge with their labels joined."""
    by_target: dict[str, list[str]] = {}
    for link, label in zip(node.links(), node.link_labels(), strict=True):
        labels = by_target.setdefault(link.target, [])
        if isinstance(node, QuestionNode | CheckNode | BranchNode) and label not in labels:
            labels.append(label)
    return [(" / ".join(labels), target) for target, labels in by_target.items()]


def _kind(node: Node) -> str:
    if isinstance(node, CheckNode):
        return f"check {node.probe}"
    return node.type


def to_tree(guide: Guide, extra: Extras | None = None) -> Tree:
    """The guide as a tree from its start. A node shown before appears again as
    `↩ id (see above)`; the nodes of a chain (one way on each) are listed under its
    first node rather than nested ever deeper."""
    extra = extra or {}
    root = Tree(Text(f"{guide.title} [{guide.id}]", style="bold"))
    shown: set[str] = set()
    #: (container, node id, edge label, depth, whether the container is a chain).
    todo: list[tuple[Tree, str, str, int, bool]] = [(root, guide.start, "", 1, False)]
    later: list[str] = []
    while todo or later:
        if not todo:
            node_id = later.pop(0)
            if node_id in shown:
                continue
            section = root.add(Text(f"{node_id} (continued)", style="bold magenta"))
            todo.append((section, node_id, "", 2, False))
        container, node_id, via, depth, in_chain = todo.pop()
        prefix = Text(f"{via} → " if via else "", style="dim")
        if node_id not in guide.nodes:
            container.add(prefix + Text(f"{node_id} (another guide)", style="cyan"))
            continue
        if node_id in shown:
            container.add(
                prefix + Text(f"↩ {node_id}", style="magenta") + Text(" (see above)", style="dim")
            )
            continue
        node = guide.nodes[node_id]
        more = extra.get(node_id)
        if depth > MAX_TREE_DEPTH:
            container.add(prefix + Text(f"… {node_id} (continued below)", style="magenta"))
            later.append(node_id)
            continue
        shown.add(node_id)
        label = prefix + Text(node_id, style="bold")
        if isinstance(node, OutcomeNode):
            label += Text(f" [{node.result}]", style=RESULT_STYLES.get(node.result, ""))
        else:
            label += Text(f" ({_kind(node)})", style="cyan" if node.is_auto else "dim")
        label += Text(f"  {_summary(node)}")
        if more is not None and more.note:
            label += Text(f"  [{more.note}]", style="bold red" if more.mark else "dim")
        here = container.add(label)
        ways = edges(node)
        if len(ways) == 1:
            edge_label, target = ways[0]
            if in_chain:
                todo.append((container, target, edge_label, depth, True))
            else:
                todo.append((here, target, edge_label, depth + 1, True))
        else:
            for edge_label, target in reversed(ways):
                todo.append((here, target, edge_label, depth + 1, False))
    return root


def _mermaid_text(text: str) -> str:
    # Mermaid reads "..." labels; entity codes keep quotes and brackets literal.
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def _mermaid_id(node_id: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in node_id)


#: Mermaid's shape for each kind of node: (open, close).
_MERMAID_SHAPES = {
    "question": ("{", "}"),  # a rhombus
    "check": ("{{", "}}"),  # a hexagon
    "branch": ("[/", "\\]"),  # a trapezoid
    "outcome": ("([", "])"),  # a stadium
}


def to_mermaid(guide: Guide, extra: Extras | None = None) -> str:
    extra = extra or {}
    lines = ["flowchart TD"]
    styles = []
    for node_id, node in guide.nodes.items():
        text = f"{node_id}: {_summary(node, 40)}"
        if node.type in ("check", "branch"):
            text = f"{node_id} ({node.type}): {_summary(node, 40)}"
        label = _mermaid_text(text)
        mid = _mermaid_id(node_id)
        more = extra.get(node_id)
        if more is not None:
            if more.note:
                label += "<br/>" + _mermaid_text(more.note)
            style = [f"fill:{more.fill}"] if more.fill else []
            if more.mark:
                style += [f"stroke:{MARK_COLOUR}", "stroke-width:5px"]
            if style:
                styles.append(f"    style {mid} {','.join(style)}")
        left, right = _MERMAID_SHAPES.get(node.type, ("[", "]"))
        suffix = f":::{node.result}" if isinstance(node, OutcomeNode) else ""
        lines.append(f'    {mid}{left}"{label}"{right}{suffix}')
    externals: set[str] = set()
    for node_id, node in guide.nodes.items():
        for edge_label, target in edges(node):
            tid = _mermaid_id(target)
            if target not in guide.nodes and target not in externals:
                externals.add(target)
                lines.append(f'    {tid}[["{_mermaid_text(target)}"]]')
            arrow = f'-->|"{_mermaid_text(edge_label)}"|' if edge_label else "-->"
            lines.append(f"    {_mermaid_id(node_id)} {arrow} {tid}")
    for result, colour in (("resolved", "#2e7d32"), ("completed", "#2e7d32"),
                           ("unresolved", "#f9a825"), ("escalate", "#c62828")):  # fmt: skip
        lines.append(f"    classDef {result} stroke:{colour},stroke-width:3px")
    return "\n".join(lines + styles) + "\n"


def _dot(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a valid DOT double-quoted string


#: Graphviz's shape and style for each kind of node.
_DOT_SHAPES = {
    "question": ("diamond", []),
    "step": ("box", []),
    "check": ("hexagon", ["bold"]),
    "branch": ("octagon", ["dashed"]),
    "outcome": ("box", ["rounded"]),
}


def to_dot(guide: Guide, extra: Extras | None = None) -> str:
    extra = extra or {}
    colours = {"resolved": "darkgreen", "completed": "darkgreen",
               "unresolved": "orange", "escalate": "red"}  # fmt: skip
    lines = [f"digraph {_dot(guide.id)} {{", "    rankdir=TB;"]
    lines.append("    node [fontname=Helvetica];")
    for node_id, node in guide.nodes.items():
        head = f"{node_id} ({_kind(node)})" if node.type in ("check", "branch") else node_id
        text = f"{head}\n{_summary(node, 40)}"
        more = extra.get(node_id)
        if more is not None and more.note:
            text += f"\n{more.note}"
        shape, styles = _DOT_SHAPES.get(node.type, ("box", []))
        attrs = {"label": _dot(text), "shape": shape}
        styles = list(styles)
        if isinstance(node, OutcomeNode):
            attrs["color"] = colours.get(node.result, "black")
            attrs["penwidth"] = "2"
        if more is not None and more.fill:
            styles.append("filled")
            attrs["fillcolor"] = _dot(more.fill)
        if more is not None and more.mark:
            styles.append("bold")
            attrs["color"], attrs["penwidth"] = _dot(MARK_COLOUR), "5"
        if styles:
            attrs["style"] = _dot(",".join(dict.fromkeys(styles)))
        lines.append(f"    {_dot(node_id)} [{', '.join(f'{k}={v}' for k, v in attrs.items())}];")
    externals: set[str] = set()
    for node_id, node in guide.nodes.items():
        for edge_label, target in edges(node):
            if target not in guide.nodes and target not in externals:
                externals.add(target)
                lines.append(f"    {_dot(target)} [shape=folder];")
            attrs = f" [label={_dot(edge_label)}]" if edge_label else ""
            lines.append(f"    {_dot(node_id)} -> {_dot(target)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"
