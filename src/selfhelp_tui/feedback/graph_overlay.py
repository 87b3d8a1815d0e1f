"""The report drawn on a guide's tree: each node's readers, how many left there,
how many marked it unclear, coloured by drop-off, the worst node marked.

k-anonymous like the report: a node reached by fewer than K readers shows no
figures, and a guide (version) with fewer than K sessions shows none at all.
`selfhelp graph GUIDE --feedback` and the HTML report both draw from `figures_for`.
"""

from __future__ import annotations

import itertools

from ..i18n import _
from ..record import field, record
from .report import Report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..guides.graph import NodeExtra
    from ..guides.model import Guide

#: Drop-off at which a node is drawn fully red.
RED_AT = 0.5
HIDDEN_FILL = "#e0e0e0"


@record(frozen=True)
class NodeFigures:
    visits: int
    sessions: int
    ended: int
    abandoned: int
    flagged: int
    #: Fewer than K readers reached it: nothing of it is shown.
    hidden: bool

    @property
    def drop(self) -> float:
        """Of the readers who reached the node, the share who gave up there."""
        return self.abandoned / self.sessions if self.sessions else 0.0

    @property
    def unclear(self) -> float:
        return self.flagged / self.sessions if self.sessions else 0.0


@record
class GuideFigures:
    guide_id: str
    version: int
    sessions: int
    min_count: int
    nodes: dict[str, NodeFigures] = field(default_factory=dict)
    #: The node to look at first (None: nobody left anywhere, or all hidden).
    worst: str | None = None
    #: The guide itself has fewer than K sessions: nothing is drawn.
    hidden: bool = False

    @property
    def hidden_nodes(self) -> int:
        return sum(1 for n in self.nodes.values() if n.hidden)


def pick_version(report: Report, guide_id: str, version: int) -> int | None:
    """The guide's own version when the records have it, else the newest they have."""
    have = sorted(v for g, v in report.guides if g == guide_id)
    if not have:
        return None
    return version if version in have else have[-1]


def figures_for(report: Report, guide_id: str, version: int, min_count: int) -> GuideFigures:
    stats = report.guides.get((guide_id, version))
    sessions = stats.sessions if stats is not None else 0
    out = GuideFigures(guide_id, version, sessions, min_count, hidden=sessions < min_count)
    for node_id, n in report.guide_nodes.get((guide_id, version), {}).items():
        hidden = out.hidden or n.sessions < min_count
        out.nodes[node_id] = NodeFigures(
            n.visits, n.sessions, n.ended, n.abandoned, n.flagged, hidden
        )
    shown = [(node_id, n) for node_id, n in out.nodes.items() if not n.hidden]
    # The worst: the most readers lost, by share, then by number; else the most
    # often marked unclear. A node nobody left or flagged is nobody's worst.
    ranked = sorted(
        ((n.drop, n.abandoned, n.unclear, node_id) for node_id, n in shown if n.abandoned),
        reverse=True,
    ) or sorted(
        ((n.unclear, n.flagged, 0.0, node_id) for node_id, n in shown if n.flagged),
        reverse=True,
    )
    out.worst = ranked[0][3] if ranked else None
    return out


def colour(drop: float) -> str:
    """Pale green (nobody left) through yellow to red (RED_AT or more left)."""
    t = min(max(drop / RED_AT, 0.0), 1.0)
    stops = ((0.0, (0xE8, 0xF5, 0xE9)), (0.5, (0xFF, 0xE0, 0x82)), (1.0, (0xE5, 0x73, 0x73)))
    for (t0, c0), (t1, c1) in itertools.pairwise(stops):
        if t <= t1:
            k = (t - t0) / (t1 - t0)
            return "#" + "".join(
                f"{round(a + (b - a) * k):02x}" for a, b in zip(c0, c1, strict=True)
            )
    return "#e57373"  # pragma: no cover


def note(n: NodeFigures, min_count: int) -> str:
    """The figures of one node, in a line."""
    if n.hidden:
        return _("fewer than {k} readers").format(k=min_count)
    text = _("{n} readers, {left} left here ({pct}%)").format(
        n=n.sessions, left=n.abandoned, pct=round(100 * n.drop)
    )
    if n.flagged:
        text += ", " + _("{n} unclear").format(n=n.flagged)
    return text


def worst_line(figs: GuideFigures) -> str:
    """One sentence naming the node to look at first."""
    if figs.hidden:
        return _("Fewer than {k} sessions of this guide: nothing is shown.").format(
            k=figs.min_count
        )
    if figs.worst is None:
        return _("Nobody gave up in this guide, and no step was marked unclear.")
    n = figs.nodes[figs.worst]
    if n.abandoned:
        return _(
            "Worst node: {node}: {left} of the {n} readers who reached it gave up there ({pct}%)."
        ).format(node=figs.worst, left=n.abandoned, n=n.sessions, pct=round(100 * n.drop))
    return _(
        "Worst node: {node}: {flagged} of the {n} readers who reached it marked it unclear."
    ).format(node=figs.worst, flagged=n.flagged, n=n.sessions)


def overlay(figs: GuideFigures, guide: Guide) -> dict[str, NodeExtra]:
    """What graph.to_dot / to_mermaid draw on each node of the guide."""
    from ..guides.graph import NodeExtra

    out: dict[str, NodeExtra] = {}
    for node_id in guide.nodes:
        n = figs.nodes.get(node_id)
        if figs.hidden:
            out[node_id] = NodeExtra(fill=HIDDEN_FILL)
        elif n is None:
            out[node_id] = NodeExtra(note=_("no readers"), fill="#ffffff")
        else:
            fill = HIDDEN_FILL if n.hidden else colour(n.drop)
            out[node_id] = NodeExtra(note(n, figs.min_count), fill, node_id == figs.worst)
    return out
