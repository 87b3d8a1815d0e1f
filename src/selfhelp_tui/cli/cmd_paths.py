"""`selfhelp paths GUIDE`: every path through a guide, and what no test visits."""

from __future__ import annotations

import argparse
import json

from ..i18n import _
from .context import Context, guide_from_arg


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("paths", parents=[common], help=_("enumerate the paths through a guide"))
    p.add_argument("guide", metavar="GUIDE", help=_("a guide id or a guide file"))
    p.add_argument("--limit", type=int, default=10_000,
                   help=_("most paths to list before switching to random walks"))  # fmt: skip
    p.add_argument("--runs", type=int, default=1000, help=_("random walks when there are too many"))
    p.add_argument("--seed", type=int, default=0, help=_("seed of the random walks"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--list", action="store_true", help=_("print every path"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    guide = guide_from_arg(ctx, args.guide)
    if guide is None:
        return 2
    from ..engine.testing import path_report

    rep = path_report(guide, limit=args.limit, runs=args.runs, seed=args.seed)
    if args.format == "json":
        print(json.dumps({
            "guide": guide.id,
            "exhaustive": rep.exhaustive,
            "paths": len(rep.paths) if rep.paths is not None else None,
            "runs": rep.runs or None,
            "seed": rep.seed,
            "outcomes": dict(rep.outcomes),
            "longest": rep.longest,
            "untested": rep.untested,
            "coverage": rep.coverage or None,
        }, indent=2))  # fmt: skip
        return 0
    if rep.paths is not None:
        print(f"{guide.id}: {len(rep.paths)} distinct paths (each loop walked at most once)")
        if args.list:
            for p in rep.paths:
                print("  " + " > ".join(p))
    else:
        print(f"{guide.id}: more than {args.limit} paths; {rep.runs} random walks, seed {rep.seed}")
        never = [n for n, c in rep.coverage.items() if c == 0]
        print(f"  nodes never reached by the random walks: {', '.join(never) or 'none'}")
    for outcome, count in sorted(rep.outcomes.items()):
        print(f"  {outcome}: {count}")
    print(f"  longest ({len(rep.longest)} nodes): {' > '.join(rep.longest)}")
    print(f"  untested nodes: {', '.join(rep.untested) if rep.untested else 'none'}")
    return 0
