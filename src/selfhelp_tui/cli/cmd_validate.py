"""`selfhelp validate PATH...`: compiler-grade diagnostics for guide files.

Exit 0 when there is no error (and, with --strict, no warning), 1 otherwise,
2 on a usage error (argparse's own exit code).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import __version__
from ..guides.diagnostics import Diagnostic
from ..guides.library import Source, load_library
from .context import Context

FORMATS = ("text", "json", "github", "sarif")


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check guide files and folders",
        description="Check guide files and folders and print FILE:LINE:COL diagnostics.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a guide file or a folder of guides")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    sources = [Source(Path(p), p) for p in args.paths]
    lib = load_library(sources, override=False)
    diags = lib.diagnostics()
    sys.stdout.write(render(diags, args.format))
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    files = len(lib.results)
    print(
        f"{files} file{'s' if files != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}",
        file=sys.stderr,
    )
    if errors or (args.strict and warnings):
        return 1
    return 0


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
