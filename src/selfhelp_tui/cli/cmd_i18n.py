"""`selfhelp i18n extract GUIDE... --lang LANG`: start or update guide translations.

Writes `GUIDE.LANG.po` beside each guide file with every string to translate and
its source text, keeping the work already done (guides/translate.py says how).
"""

from __future__ import annotations

import argparse
import sys

from ..i18n import _
from .context import Context, add_common_options, error, guide_from_arg
from .language import Parser, lang_code


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    own = Parser(add_help=False)
    add_common_options(own, lang=False)  # --lang here is the translation's language
    p = sub.add_parser(
        "i18n",
        parents=[own],
        help=_("translate guides: make or update their translation files"),
        description=_("Tools for translating guides (see docs/i18n.md)."),
    )
    actions = p.add_subparsers(dest="i18n_action", metavar=_("ACTION"), required=True)
    ex = actions.add_parser(
        "extract",
        parents=[own],
        help=_("write or update GUIDE.LANG.po beside each guide, keeping existing work"),
        description=_(
            "Write (or update) the translation file of each guide into each language: "
            "every string to translate with its source text, translations already made "
            "kept, changed ones marked for review."
        ),
    )
    ex.add_argument(
        "targets",
        nargs="+",
        metavar="GUIDE",
        help=_("a guide file, or the id of a guide in the library"),
    )
    ex.add_argument(
        "--lang",
        dest="langs",
        metavar="LANG",
        type=lambda v: [lang_code(part) for part in v.split(",") if part.strip()],
        action="extend",
        help=_(
            "the language to translate into (repeatable or comma-separated; default: "
            "update every translation file the guide already has)"
        ),
    )
    ex.set_defaults(func=run_extract)


def run_extract(args: argparse.Namespace, ctx: Context) -> int:
    from ..guides.loader import display_path
    from ..guides.translate import extract, translation_files, translation_path
    from ..i18n.po import PoError

    status = 0
    for name in args.targets:
        guide = guide_from_arg(ctx, name)
        if guide is None or guide.path is None:
            status = 1
            continue
        langs = args.langs or list(translation_files(guide.path))
        if not langs:
            error(
                _("{file} has no translation yet: name a language with --lang").format(
                    file=display_path(guide.path)
                )
            )
            status = 1
        for lang in langs:
            if lang == guide.lang:
                error(
                    _("{file} is written in {lang}; translate it into another language").format(
                        file=display_path(guide.path), lang=lang
                    )
                )
                status = 1
                continue
            try:
                report = extract(guide, lang)
            except PoError as exc:
                path = display_path(translation_path(guide.path, lang))
                print(f"{path}:{exc.line}:{exc.column}: error: {exc.message}", file=sys.stderr)
                status = 1
                continue
            except OSError as exc:
                error(str(exc))
                status = 1
                continue
            summary = (
                _(
                    "wrote {file}: {total} strings, {done} translated, {stale} to review, "
                    "{todo} to do"
                )
                if report.created
                else _(
                    "updated {file}: {total} strings, {done} translated, {stale} to review, "
                    "{todo} to do"
                )
            )
            print(
                summary.format(
                    file=display_path(report.path),
                    total=report.total,
                    done=report.translated,
                    stale=report.stale,
                    todo=report.total - report.translated - report.stale,
                )
            )
    return status
