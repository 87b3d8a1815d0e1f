"""`selfhelp graph GUIDE`: the tree of a guide, as text, Mermaid or Graphviz DOT;
with `--feedback`, coloured by where readers stop (feedback/graph_overlay.py)."""

from __future__ import annotations

import argparse
import sys

from ..i18n import _
from .context import Context, error, guide_from_arg, min_count_arg


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("graph", parents=[common], help=_("draw a guide's tree"))
    p.add_argument("guide", metavar="GUIDE", help=_("a guide id or a guide file"))
    p.add_argument("--format", choices=("text", "mermaid", "dot"), default="text")
    p.add_argument(
        "--feedback",
        nargs="*",
        metavar="EXPORT",
        help=_(
            "draw each node's readers, drop-offs and unclear marks, from the local log "
            "or from exported files"
        ),
    )
    p.add_argument(
        "--min-count",
        type=min_count_arg,
        default=None,
        metavar="K",
        help=_("hide figures built from fewer than K sessions (default: 5)"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..guides import graph

    guide = guide_from_arg(ctx, args.guide)
    if guide is None:
        return 1 if args.guide.endswith((".yaml", ".yml")) else 2
    extra, figs = None, None
    if args.feedback is not None:
        from ..feedback import graph_overlay
        from ..feedback.report import DEFAULT_MIN_COUNT
        from ..feedback.store import StoreError
        from .cmd_feedback import build_report

        try:
            built = build_report(ctx, args.feedback)
        except StoreError as exc:
            error(_("the outcome log: {reason}").format(reason=exc))
            return 1
        finally:
            for notice in ctx.feedback_store.notices:
                print(notice, file=sys.stderr)
        if isinstance(built, int):
            return built
        k = args.min_count or DEFAULT_MIN_COUNT
        version = graph_overlay.pick_version(built, guide.id, guide.version)
        if version is None:
            print(_("No records of guide {id}.").format(id=guide.id), file=sys.stderr)
            version = guide.version
        elif version != guide.version:
            print(_("Figures of version {v}; the tree is of version {now}.").format(
                v=version, now=guide.version), file=sys.stderr)  # fmt: skip
        figs = graph_overlay.figures_for(built, guide.id, version, k)
        extra = graph_overlay.overlay(figs, guide)
        print(graph_overlay.worst_line(figs), file=sys.stderr)
    if args.format == "mermaid":
        sys.stdout.write(graph.to_mermaid(guide, extra))
    elif args.format == "dot":
        sys.stdout.write(graph.to_dot(guide, extra))
    else:
        from ..sanitize import safe_console

        console = safe_console(highlight=False)
        console.print(graph.to_tree(guide))
        if figs is not None:
            _print_figures(console, figs)
    return 0


def _print_figures(console, figs) -> None:  # type: ignore[no-untyped-def]
    """The nodes, worst first, under the tree (text format)."""
    from rich.text import Text

    from ..feedback.graph_overlay import note

    ranked = sorted(figs.nodes.items(), key=lambda item: (item[1].hidden, -item[1].drop, item[0]))
    for node_id, n in ranked:
        mark = "▲ " if node_id == figs.worst else "  "
        style = "bold red" if node_id == figs.worst else ""
        console.print(Text(f"{mark}{node_id}: {note(n, figs.min_count)}", style=style))
