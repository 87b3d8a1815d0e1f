"""`selfhelp feedback report --html FILE`: one page a writer opens offline, with
each guide's tree coloured by where readers stop (the worst node marked and named
above it) and the report's tables.

Self-contained: inline CSS and SVG, no script, no external resource, and a
Content-Security-Policy that would block one anyway. Everything from a guide or a
record (titles, node ids, texts) is HTML-escaped: guide files are untrusted.
The tree is laid out here (layers by distance from the start, no recursion), so
the page needs no Graphviz.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..i18n import _, current_language
from .graph_overlay import (
    HIDDEN_FILL,
    GuideFigures,
    colour,
    figures_for,
    note,
    pick_version,
    worst_line,
)
from .report import OUTCOME_COLUMNS, Report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ..guides.model import Guide, Node

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 250, 66, 26, 58, 24

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #212121; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; }
.worst-line { font-size: 1.1rem; font-weight: 600; color: #b71c1c; }
.quiet { color: #616161; }
.tree { overflow: auto; border: 1px solid #e0e0e0; border-radius: 6px; margin: .8rem 0; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; }
th, td { border-bottom: 1px solid #e0e0e0; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.worst td { background: #ffebee; font-weight: 600; }
.legend span { display: inline-block; width: 1.1em; height: 1.1em; vertical-align: -.2em;
               border: 1px solid #9e9e9e; margin: 0 .3em 0 1em; }
svg text { font: 12px system-ui, sans-serif; fill: #212121; }
svg .id { font-weight: 700; } svg .fig { font-size: 11px; }
svg .box { stroke: #757575; stroke-width: 1.2; }
svg .worst .box { stroke: #b71c1c; stroke-width: 5; }
svg .badge { fill: #b71c1c; font-weight: 700; }
svg .edge { stroke: #9e9e9e; stroke-width: 1.3; fill: none; }
svg .label { font-size: 10px; fill: #616161; }
"""


def write_html(path: Path, report: Report, min_count: int, guides: Mapping[str, Any]) -> None:
    """Write the page (atomically). `guides`: the guides of the report the library
    has, by id (their trees are drawn; the others get tables only)."""
    from ..config import write_atomic

    write_atomic(path, render(report, min_count, guides).encode("utf-8"))


def render(report: Report, min_count: int, guides: Mapping[str, Any]) -> str:
    g_hidden, n_hidden = report.hidden(min_count)
    parts = [
        "<!doctype html>",
        f'<html lang="{escape(current_language() or "en")}"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(_('Where readers stop'))}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(_('Where readers stop'))}</h1>",
        "<p class=quiet>"
        + escape(
            _(
                "{n} records. Rows built from fewer than {k} sessions are hidden: "
                "{g} guide rows, {nodes} node rows."
            ).format(n=report.records, k=min_count, g=g_hidden, nodes=n_hidden)
        )
        + "</p>",
        _legend(min_count),
    ]
    skipped = sum(report.skipped.values())
    if skipped or report.problems:
        parts.append(
            "<p class=worst-line>"
            + escape(_("{n} lines were skipped as not outcome records.").format(n=skipped))
            + "</p>"
        )
        parts += [f"<p>{escape(p)}</p>" for p in report.problems]
    rows = report.guide_rows(min_count)
    if not rows:
        parts.append("<p>" + escape(_("No guide has enough sessions to be shown.")) + "</p>")
    for key, row in enumerate(rows):
        parts.append(_guide_section(report, row, min_count, guides.get(row["guide_id"]), key))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _legend(min_count: int) -> str:
    items = [
        (colour(0.0), _("nobody left")),
        (colour(0.25), _("a quarter left")),
        (colour(0.5), _("half or more left")),
        (HIDDEN_FILL, _("fewer than {k} readers").format(k=min_count)),
    ]
    return (
        "<p class=legend>"
        + "".join(f'<span style="background:{fill}"></span>{escape(text)}' for fill, text in items)
        + "</p>"
    )


def _guide_section(
    report: Report, row: dict[str, Any], min_count: int, guide: Guide | None, key: int
) -> str:
    guide_id, version = row["guide_id"], row["version"]
    figs = figures_for(report, guide_id, version, min_count)
    title = (
        f"{guide.title} ({guide_id}, v{version})" if guide is not None else f"{guide_id} v{version}"
    )
    out = [f'<section class=guide data-guide="{escape(guide_id)}">', f"<h2>{escape(title)}</h2>"]
    out.append(f"<p class=worst-line>{escape(worst_line(figs))}</p>")
    if guide is None:
        out.append(
            "<p class=quiet>"
            + escape(_("This guide is not in the library here: its tree cannot be drawn."))
            + "</p>"
        )
    else:
        drawn = pick_version(report, guide_id, guide.version)
        if drawn == version and version != guide.version:
            out.append(
                "<p class=quiet>"
                + escape(
                    _("Figures of version {v}; the tree is of version {now}.").format(
                        v=version, now=guide.version
                    )
                )
                + "</p>"
            )
        if drawn == version:
            out.append(f"<div class=tree>{svg_tree(guide, figs, key)}</div>")
    out.append(_guide_table(row))
    out.append(_node_table(report, guide_id, version, min_count, figs))
    out.append("</section>")
    return "\n".join(out)


def _guide_table(row: dict[str, Any]) -> str:
    heads = [_("sessions"), *(_o(o) for o in OUTCOME_COLUMNS), _("median s"), _("rating")]
    median, rating = row["median_duration_s"], row["mean_rating"]
    cells = [
        str(row["sessions"]),
        *(f"{row[f'pct_{o}']:.0f}%" for o in OUTCOME_COLUMNS),
        "-" if median is None else f"{median:g}",
        "-" if rating is None else f"{rating:.1f}",
    ]
    return (
        "<table class=guide-table><tr>"
        + "".join(f"<th>{escape(h)}</th>" for h in heads)
        + "</tr><tr>"
        + "".join(f"<td>{escape(c)}</td>" for c in cells)
        + "</tr></table>"
    )


def _o(outcome: str) -> str:
    return {
        "resolved": _("resolved"),
        "unresolved": _("unresolved"),
        "escalate": _("escalated"),
        "completed": _("completed"),
        "abandoned": _("abandoned"),
    }[outcome]


def _node_table(
    report: Report, guide_id: str, version: int, min_count: int, figs: GuideFigures
) -> str:
    heads = [
        _("node"),
        _("readers"),
        _("visits"),
        _("ended here"),
        _("gave up here"),
        _("marked unclear"),
    ]
    rows = [
        r
        for r in report.node_rows(min_count)
        if (r["guide_id"], r["version"]) == (guide_id, version)
    ]
    rows.sort(key=lambda r: (-figs.nodes[r["node"]].drop, r["node"]))
    out = [
        "<table class=node-table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr>"
    ]
    for r in rows:
        n = figs.nodes[r["node"]]
        cells = [
            r["node"],
            str(r["sessions"]),
            str(r["visits"]),
            str(r["ended_here"]),
            f"{r['abandoned_here']} ({round(100 * n.drop)}%)",
            str(r["flagged_unclear"]),
        ]
        cls = ' class="worst"' if r["node"] == figs.worst else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


# --- the tree, in SVG ------------------------------------------------------------------


def _ways_out(node: Node) -> list[tuple[str, str]]:
    """(label, target) of each way out (choices carry their label)."""
    from ..guides.model import QuestionNode

    if isinstance(node, QuestionNode):
        return [(c.label, c.next.target) for c in node.choices]
    return [("", link.target) for link in node.links()]


def layers(guide: Guide) -> list[list[str]]:
    """Nodes by distance from the start (breadth first, no recursion); nodes the
    start does not reach come last, and targets in other guides after their source."""
    from collections import deque

    depth: dict[str, int] = {guide.start: 0}
    order = [guide.start]
    queue = deque([guide.start])
    while queue:
        here = queue.popleft()
        node = guide.nodes.get(here)
        if node is None:
            continue
        for _label, target in _ways_out(node):
            if target not in depth:
                depth[target] = depth[here] + 1
                order.append(target)
                queue.append(target)
    last = max(depth.values(), default=0) + 1
    for node_id in guide.nodes:
        if node_id not in depth:
            depth[node_id] = last
            order.append(node_id)
    out: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for node_id in order:
        out[depth[node_id]].append(node_id)
    return [layer for layer in out if layer]


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def svg_tree(guide: Guide, figs: GuideFigures, key: int = 0) -> str:
    """`key` tells the trees of one page apart (their arrow heads' ids)."""
    from ..guides.text import markdown_to_plain

    rows = layers(guide)
    widest = max(len(r) for r in rows)
    width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = PAD * 2 + len(rows) * BOX_H + (len(rows) - 1) * GAP_Y + 16
    where: dict[str, tuple[float, float]] = {}
    for r, row in enumerate(rows):
        span = len(row) * BOX_W + (len(row) - 1) * GAP_X
        left = (width - span) / 2
        for i, node_id in enumerate(row):
            where[node_id] = (left + i * (BOX_W + GAP_X), PAD + 16 + r * (BOX_H + GAP_Y))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(_("The guide as a tree, coloured by where readers stop"))}">',
        f'<defs><marker id="arrow{key}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#9e9e9e"/></marker></defs>',
    ]
    for node_id, node in guide.nodes.items():
        x0, y0 = where[node_id]
        for label, target in _ways_out(node):
            x1, y1 = where[target]
            out.append(_edge(x0, y0, x1, y1, label, key))
    for node_id, (x, y) in where.items():
        node = guide.nodes.get(node_id)
        n = figs.nodes.get(node_id)
        if node is None:  # a node of another guide
            summary, fill, fig = _("in another guide"), "#fafafa", ""
        else:
            summary = _short(node.title or markdown_to_plain(node.text), 38)
            if figs.hidden or (n is not None and n.hidden):
                fill = HIDDEN_FILL
            else:
                fill = "#ffffff" if n is None else colour(n.drop)
            fig = "" if figs.hidden else (note(n, figs.min_count) if n else _("no readers"))
        worst = node_id == figs.worst
        full = (node.title or markdown_to_plain(node.text)) if node is not None else node_id
        out.append(
            f'<g class="node{" worst" if worst else ""}" data-node="{escape(node_id)}">'
            f"<title>{escape(node_id)}: {escape(' '.join(full.split()))}</title>"
            f'<rect class="box" x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" '
            f'rx="{12 if node is not None and node.is_outcome else 3}" fill="{fill}"/>'
            f'<text x="{x + 8:.0f}" y="{y + 18:.0f}">'
            f'<tspan class="id">{escape(_short(node_id, 30))}</tspan>'
            f'<tspan x="{x + 8:.0f}" dy="17">{escape(summary)}</tspan>'
            f'<tspan class="fig" x="{x + 8:.0f}" dy="17">{escape(_short(fig, 44))}</tspan></text>'
            + (
                f'<text class="badge" x="{x:.0f}" y="{y - 6:.0f}">▲ {escape(_("worst"))}</text>'
                if worst
                else ""
            )
            + "</g>"
        )
    out.append("</svg>")
    return "".join(out)


def _edge(x0: float, y0: float, x1: float, y1: float, label: str, key: int) -> str:
    sx, sy = x0 + BOX_W / 2, y0 + BOX_H
    tx, ty = x1 + BOX_W / 2, y1
    if y1 > y0:  # downwards: a gentle curve
        mid = (sy + ty) / 2
        path = f"M{sx:.0f},{sy:.0f} C{sx:.0f},{mid:.0f} {tx:.0f},{mid:.0f} {tx:.0f},{ty:.0f}"
    elif y1 == y0 and x1 != x0:  # sideways, on one row: between the facing sides
        mid = y0 + BOX_H / 2
        sx, tx = (x0 + BOX_W, x1) if x1 > x0 else (x0, x1 + BOX_W)
        path = f"M{sx:.0f},{mid:.0f} L{tx:.0f},{mid:.0f}"
        sy = ty = mid
    else:  # back up (a loop), or to itself: around the right of both boxes
        side = max(x0, x1) + BOX_W + GAP_X / 2
        path = (
            f"M{x0 + BOX_W:.0f},{y0 + BOX_H / 2:.0f} C{side:.0f},{y0 + BOX_H / 2:.0f} "
            f"{side:.0f},{y1 + BOX_H / 2:.0f} {x1 + BOX_W:.0f},{y1 + BOX_H / 2:.0f}"
        )
    text = ""
    if label:
        lx, ly = (sx + tx) / 2, (sy + ty) / 2 if y1 > y0 else (y0 + y1 + BOX_H) / 2
        text = (
            f'<text class="label" x="{lx + 4:.0f}" y="{ly:.0f}">{escape(_short(label, 22))}</text>'
        )
    return f'<path class="edge" d="{path}" marker-end="url(#arrow{key})"/>{text}'
