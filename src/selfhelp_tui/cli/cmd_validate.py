"""`selfhelp validate PATH...`: compiler-grade diagnostics for guide files.

Exit 0 when there is no error (and, with --strict, no warning), 1 otherwise,
2 on a usage error (argparse's own exit code).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import __version__
from ..guides.diagnostics import Diagnostic
from ..guides.library import Library, LoadMode, Source, load_library
from ..i18n import _, ngettext
from ..i18n.fmt import number
from .context import Context, add_common_options
from .language import Parser, lang_code

FORMATS = ("text", "json", "github", "sarif")


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    own = Parser(add_help=False)
    add_common_options(own, lang=False)  # --lang here names translations to check
    p = sub.add_parser(
        "validate",
        parents=[own],
        help=_("check guide files and folders"),
        description=_("Check guide files and folders and print FILE:LINE:COL diagnostics."),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=_("a guide file or a folder of guides"))
    p.add_argument("--format", choices=FORMATS, default="text", help=_("output format"))
    p.add_argument("--strict", action="store_true", help=_("fail on warnings too"))
    p.add_argument(
        "--lang",
        dest="langs",
        metavar="LANG",
        type=lang_list,
        action="extend",
        help=_(
            "check the translations into LANG only, and warn when a guide has none "
            "(repeatable or comma-separated; default: every translation file found)"
        ),
    )
    p.set_defaults(func=run)


def lang_list(value: str) -> list[str]:
    return [lang_code(part) for part in value.split(",") if part.strip()]


def run(args: argparse.Namespace, ctx: Context) -> int:
    sources = [Source(Path(p), p) for p in args.paths]
    langs = getattr(args, "langs", None)
    mode = LoadMode(translations=True, langs=tuple(langs) if langs else None, walk_tests=True)
    lib = load_library(sources, override=False, workers=os.cpu_count() or 1, mode=mode)
    # This process ends soon: keep the collector off the library's many objects.
    import gc

    gc.freeze()
    diags = sorted(
        lib.diagnostics() + orphan_translation_diagnostics(lib),
        key=Diagnostic.sort_key,
    )
    sys.stdout.write(render(diags, args.format))
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    files = len(lib.results)
    print(
        _("{files}: {errors}, {warnings}").format(
            files=ngettext("{n} file checked", "{n} files checked", files).format(n=number(files)),
            errors=ngettext("{n} error", "{n} errors", errors).format(n=number(errors)),
            warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=number(warnings)),
        ),
        file=sys.stderr,
    )
    if errors or (args.strict and warnings):
        return 1
    return 0


def orphan_translation_diagnostics(lib: Library) -> list[Diagnostic]:
    """Translation files with no guide beside them. (Stale, missing and misplaced
    translations of each guide are checked where the guide is read:
    `LoadMode.translations`.)"""
    from ..guides.translate import orphan_translations

    out: list[Diagnostic] = []
    for source, scan in lib.scans:
        if source.path.is_dir():
            out.extend(orphan_translations(scan.translations, scan.guides))
    return out


def render(diags: list[Diagnostic], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([_as_dict(d) for d in diags], indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(_github(d) + "\n" for d in diags)
    if fmt == "sarif":
        return json.dumps(_sarif(diags), indent=2, ensure_ascii=False) + "\n"
    return "".join(d.format() + "\n" for d in diags)


def _as_dict(d: Diagnostic) -> dict[str, object]:
    return {
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.full_message(),
    }


def _github_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(d: Diagnostic) -> str:
    return (
        f"::{d.severity.value} file={_github_escape(d.file, True)},line={d.line},"
        f"col={d.column},title={_github_escape(d.code, True)}::"
        f"{_github_escape(d.full_message())}"
    )


def _sarif(diags: list[Diagnostic]) -> dict[str, object]:
    codes = sorted({d.code for d in diags})
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "selfhelp validate",
                        "version": __version__,
                        "rules": [
                            {"id": code, "helpUri": f"docs/diagnostics.md#{code}"} for code in codes
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": d.code,
                        "ruleIndex": codes.index(d.code),
                        "level": d.severity.value,
                        "message": {"text": d.full_message()},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": Path(d.file).as_posix()},
                                    "region": {"startLine": d.line, "startColumn": d.column},
                                }
                            }
                        ],
                    }
                    for d in diags
                ],
            }
        ],
    }
