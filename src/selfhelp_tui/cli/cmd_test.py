"""`selfhelp test PATH...`: run the `tests:` of guides through the real engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from .context import Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.testing import TestResult


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("test", parents=[common], help=_("run the tests written in guides"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=_("a guide file or a folder of guides"))
    p.add_argument("--junit", metavar="FILE", help=_("also write JUnit XML for CI systems"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..engine.testing import run_tests
    from ..guides.library import LoadMode, Source, load_library

    sources = [Source(Path(p), p) for p in args.paths]
    # Every guide is walked: keep each as read rather than read it twice.
    lib = load_library(sources, override=False, mode=LoadMode(keep_guides=True))
    for d in lib.diagnostics():
        if d.is_error:
            print(d.format(), file=sys.stderr)
    results: list[TestResult] = []
    for guide in sorted(lib.guides.values(), key=lambda g: g.id):
        for r in run_tests(guide, lib.get):
            results.append(r)
            mark = "PASS" if r.passed else "FAIL"
            print(f"{mark} {guide.id}: {r.name}  [{' > '.join(r.path)}]")
            if not r.passed:
                print(f"     {r.message}")
    failed = sum(not r.passed for r in results)
    broken = len(lib.failures)
    print(
        _("{passed} passed, {failed} failed").format(passed=len(results) - failed, failed=failed)
        + (_(" ({n} guide files could not be loaded)").format(n=broken) if broken else "")
    )
    if args.junit:
        write_junit(results, Path(args.junit))
    return 1 if failed or broken else 0


def write_junit(results: list[TestResult], path: Path) -> None:
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", tests=str(len(results)),
                        failures=str(sum(not r.passed for r in results)))  # fmt: skip
    by_guide: dict[str, list[TestResult]] = {}
    for r in results:
        by_guide.setdefault(r.guide_id, []).append(r)
    for guide_id, items in by_guide.items():
        suite = ET.SubElement(suites, "testsuite", name=guide_id, tests=str(len(items)),
                              failures=str(sum(not r.passed for r in items)))  # fmt: skip
        for r in items:
            case = ET.SubElement(suite, "testcase", classname=guide_id, name=r.name)
            ET.SubElement(case, "system-out").text = " > ".join(r.path)
            if not r.passed:
                ET.SubElement(case, "failure", message=r.message).text = r.message
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
