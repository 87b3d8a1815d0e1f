"""`selfhelp list`: the library as a table, without starting the TUI."""

from __future__ import annotations

import argparse
import json
import sys

from ..i18n import _, ngettext
from ..sanitize import safe_console
from ..texts import kind_title, origin_label
from .context import Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..guides.index import GuideInfo
    from ..guides.library import Library


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("list", parents=[common], help=_("print the guides in the library"))
    p.add_argument("--format", choices=("table", "json"), default="table", help=_("output format"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    lib = ctx.library
    guides = lib.sorted_guides()
    if args.format == "json":
        out = {
            "guides": [
                {**g.describe(), "file": g.file, "replaces": lib.replaced.get(g.id)} for g in guides
            ],
            "failed": [
                {"file": str(r.path), "errors": [d.format() for d in r.errors]}
                for r in lib.failures
            ],
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    from rich.table import Table
    from rich.text import Text

    console = safe_console(highlight=False, soft_wrap=False)
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for col in (_("id"), _("kind"), _("title"), _("source")):
        table.add_column(col, overflow="fold")
    for g in guides:
        table.add_row(Text(g.id), Text(kind_title(g.kind)), Text(g.title), Text(source_of(lib, g)))
    console.print(table)
    err = safe_console(stderr=True, highlight=False)
    for g in guides:
        if lib.replaced.get(g.id) == "bundled":
            err.print(
                Text(
                    _(
                        "warning: '{id}' from {source} replaces the bundled guide of that id "
                        "(allowed by override_bundled in config.yaml)"
                    ).format(id=g.id, source=g.origin)
                )
            )
    if lib.failures:
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


def source_of(lib: Library, guide: GuideInfo) -> str:
    """Where a guide comes from, and whose guide of the same id it replaces."""
    replaced = lib.replaced.get(guide.id)
    if replaced is None:
        return origin_label(guide.origin)
    return _("{source} (replaces {other})").format(
        source=origin_label(guide.origin), other=origin_label(replaced)
    )
