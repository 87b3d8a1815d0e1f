"""`selfhelp graph GUIDE`: the tree of a guide, as text, Mermaid or Graphviz DOT."""

from __future__ import annotations

import argparse
import sys

from ..i18n import _
from .context import Context, guide_from_arg


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("graph", parents=[common], help=_("draw a guide's tree"))
    p.add_argument("guide", metavar="GUIDE", help=_("a guide id or a guide file"))
    p.add_argument("--format", choices=("text", "mermaid", "dot"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..guides import graph

    guide = guide_from_arg(ctx, args.guide)
    if guide is None:
        return 1 if args.guide.endswith((".yaml", ".yml")) else 2
    if args.format == "mermaid":
        sys.stdout.write(graph.to_mermaid(guide))
    elif args.format == "dot":
        sys.stdout.write(graph.to_dot(guide))
    else:
        from ..sanitize import safe_console

        safe_console(highlight=False).print(graph.to_tree(guide))
    return 0
