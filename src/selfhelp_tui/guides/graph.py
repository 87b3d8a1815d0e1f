"""A picture of a guide: a tree in the terminal, or Mermaid / Graphviz DOT text.

Labels come from guide text, which is untrusted: the terminal tree uses Rich
`Text` (never markup), and Mermaid and DOT labels are escaped for their syntax.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from rich.text import Text
from rich.tree import Tree

from ..record import record
from .model import Guide, Node, OutcomeNode, QuestionNode
from .text import markdown_to_plain


@record(frozen=True)
class NodeExtra:
    """More to draw on one node, from outside the guide (the feedback overlay,
    feedback/graph_overlay.py): a line under its label, a fill colour, and a mark
    on the node to look at first."""

    note: str = ""
    fill: str | None = None
    mark: bool = False


RESULT_STYLES = {
    "resolved": "green",
    "completed": "green",
    "unresolved": "yellow",
    "escalate": "red",
}


def _summary(node: Node, width: int = 60) -> str:
    text = node.title or " ".join(markdown_to_plain(node.text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _edges(node: Node) -> list[tuple[str, str]]:
    """(label, target) for each way out of a node."""
    if isinstance(node, QuestionNode):
        return [(c.label, c.next.target) for c in node.choices]
    return [("", link.target) for link in node.links()]


def to_tree(guide: Guide) -> Tree:
    root = Tree(Text(f"{guide.title} [{guide.id}]", style="bold"))
    shown: set[str] = set()

    def add(parent: Tree, node_id: str, via: str) -> None:
        prefix = Text(f"{via} → " if via else "", style="dim")
        if node_id not in guide.nodes:
            parent.add(prefix + Text(f"{node_id} (another guide)", style="cyan"))
            return
        node = guide.nodes[node_id]
        if node_id in shown:
            parent.add(
                prefix + Text(f"↩ {node_id}", style="magenta") + Text(" (see above)", style="dim")
            )
            return
        shown.add(node_id)
        label = prefix + Text(node_id, style="bold")
        if isinstance(node, OutcomeNode):
            label += Text(f" [{node.result}]", style=RESULT_STYLES.get(node.result, ""))
        else:
            label += Text(f" ({node.type})", style="dim")
        label += Text(f"  {_summary(node)}")
        branch = parent.add(label)
        for edge_label, target in _edges(node):
            add(branch, target, edge_label)

    add(root, guide.start, "")
    return root


def _mermaid_text(text: str) -> str:
    # Mermaid reads "..." labels; entity codes keep quotes and brackets literal.
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def _mermaid_id(node_id: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in node_id)


def to_mermaid(guide: Guide, extra: Mapping[str, NodeExtra] | None = None) -> str:
    lines = ["flowchart TD"]
    styles = []
    for node_id, node in guide.nodes.items():
        label = _mermaid_text(f"{node_id}: {_summary(node, 40)}")
        mid = _mermaid_id(node_id)
        more = (extra or {}).get(node_id)
        if more is not None:
            if more.note:
                label += "<br/>" + _mermaid_text(more.note)
            style = [f"fill:{more.fill}"] if more.fill else []
            if more.mark:
                style += ["stroke:#b71c1c", "stroke-width:5px"]
            if style:
                styles.append(f"    style {mid} {','.join(style)}")
        if isinstance(node, OutcomeNode):
            lines.append(f'    {mid}(["{label}"]):::{node.result}')
        elif isinstance(node, QuestionNode):
            lines.append(f'    {mid}{{"{label}"}}')
        else:
            lines.append(f'    {mid}["{label}"]')
    for node_id, node in guide.nodes.items():
        for edge_label, target in _edges(node):
            tid = _mermaid_id(target)
            if target not in guide.nodes:
                lines.append(f'    {tid}[["{_mermaid_text(target)}"]]')
            arrow = f'-->|"{_mermaid_text(edge_label)}"|' if edge_label else "-->"
            lines.append(f"    {_mermaid_id(node_id)} {arrow} {tid}")
    for result, colour in (("resolved", "#2e7d32"), ("completed", "#2e7d32"),
                           ("unresolved", "#f9a825"), ("escalate", "#c62828")):  # fmt: skip
        lines.append(f"    classDef {result} stroke:{colour},stroke-width:3px")
    return "\n".join(lines + styles) + "\n"


def _dot(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a valid DOT double-quoted string


def _dot_extra(more: NodeExtra | None, rounded: bool = False) -> str:
    if more is None:
        return ", style=rounded" if rounded else ""
    styles = ["rounded"] if rounded else []
    out = ""
    if more.fill:
        styles.append("filled")
        out += f", fillcolor={_dot(more.fill)}"
    if more.mark:
        styles.append("bold")
        out += ', color="#b71c1c", penwidth=5'
    return (f", style={_dot(','.join(styles))}" if styles else "") + out


def to_dot(guide: Guide, extra: Mapping[str, NodeExtra] | None = None) -> str:
    colours = {"resolved": "darkgreen", "completed": "darkgreen",
               "unresolved": "orange", "escalate": "red"}  # fmt: skip
    lines = [f"digraph {_dot(guide.id)} {{", "    rankdir=TB;"]
    lines.append("    node [fontname=Helvetica];")
    for node_id, node in guide.nodes.items():
        more = (extra or {}).get(node_id)
        note = f"\n{more.note}" if more is not None and more.note else ""
        label = _dot(f"{node_id}\n{_summary(node, 40)}{note}")
        if isinstance(node, OutcomeNode):
            colour = colours.get(node.result, "black")
            style = f"shape=box, color={colour}, penwidth=2" + _dot_extra(more, rounded=True)
            lines.append(f"    {_dot(node_id)} [label={label}, {style}];")
        elif isinstance(node, QuestionNode):
            lines.append(f"    {_dot(node_id)} [label={label}, shape=diamond{_dot_extra(more)}];")
        else:
            lines.append(f"    {_dot(node_id)} [label={label}, shape=box{_dot_extra(more)}];")
    for node_id, node in guide.nodes.items():
        for edge_label, target in _edges(node):
            if target not in guide.nodes:
                lines.append(f"    {_dot(target)} [shape=folder];")
            attrs = f" [label={_dot(edge_label)}]" if edge_label else ""
            lines.append(f"    {_dot(node_id)} -> {_dot(target)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"
