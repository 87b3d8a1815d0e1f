"""`selfhelp list`: the library as a table, without starting the TUI."""

from __future__ import annotations

import argparse
import json
import sys

from ..i18n import _, ngettext
from ..texts import kind_title, origin_label
from .context import Context


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("list", parents=[common], help=_("print the guides in the library"))
    p.add_argument("--format", choices=("table", "json"), default="table", help=_("output format"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    lib = ctx.library
    guides = lib.sorted_guides()
    if args.format == "json":
        out = {
            "guides": [g.describe() for g in guides],
            "failed": [
                {"file": str(r.path), "errors": [d.format() for d in r.errors]}
                for r in lib.failures
            ],
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for col in (_("id"), _("kind"), _("title"), _("source")):
        table.add_column(col, overflow="fold")
    for g in guides:
        table.add_row(
            Text(g.id), Text(kind_title(g.kind)), Text(g.title), Text(origin_label(g.origin))
        )
    console.print(table)
    if lib.failures:
        err = Console(stderr=True, highlight=False)
        n = len(lib.failures)
        err.print(
            Text(
                "\n"
                + ngettext(
                    "{n} guide file could not be loaded:",
                    "{n} guide files could not be loaded:",
                    n,
                ).format(n=n)
            )
        )
        for r in lib.failures:
            for d in r.errors:
                err.print(Text("  " + d.format()))
    if not guides:
        print(_("No guides found."), file=sys.stderr)
    return 0
