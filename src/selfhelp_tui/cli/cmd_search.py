"""`selfhelp search WORDS`: the home screen's ranked results, in the shell."""

from __future__ import annotations

import argparse
import json

from ..i18n import _
from .context import Context


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("search", parents=[common], help=_("find guides by what you see"))
    p.add_argument(
        "words",
        nargs="+",
        metavar="WORD",
        help=_("words of the problem, in any order; or #TAG for the guides with a tag"),
    )
    p.add_argument("--limit", type=int, default=10, help=_("most results to print"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..guides.search import Hit, SearchIndex, find_tags, tag_groups

    query = " ".join(args.words).strip()
    if query.startswith("#") and len(query) > 1:  # by tag, as on the home screen
        groups = find_tags(tag_groups(ctx.library.search_cards()), query[1:])
        found = {g.id: g for group in groups for g in group.guides}
        hits = [Hit(g, 1.0) for g in found.values()][: args.limit]
    else:
        hits = SearchIndex(ctx.library.search_cards()).search(query, args.limit)
    if args.format == "json":
        print(json.dumps(
            [{"id": h.guide.id, "title": h.guide.title, "score": round(h.score, 2),
              "matched": sorted(h.matched), "source": h.guide.origin} for h in hits],
            indent=2, ensure_ascii=False,
        ))  # fmt: skip
        return 0 if hits else 1
    if not hits:
        print(_("No guide matches; try other words, or `selfhelp list`."))
        return 1
    from rich.text import Text

    from ..sanitize import safe_console
    from .cmd_list import source_of

    console = safe_console(highlight=False)
    for h in hits:
        line = Text(f"{h.guide.id:<28} ")
        line.append_text(highlight(h.guide.title, h.matched))
        line.append(f"  ({source_of(ctx.library, h.guide)})", style="dim")
        console.print(line)
    return 0


def highlight(text: str, matched: set[str]):  # type: ignore[no-untyped-def]
    """The text with the matched words in bold (a Rich Text, never markup)."""
    from rich.text import Text

    from ..guides.search import match_spans

    out = Text(text)
    for start, end in match_spans(text, matched):
        out.stylize("bold underline", start, end)
    return out
