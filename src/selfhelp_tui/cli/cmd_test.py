"""`selfhelp test PATH...`: run the `tests:` of guides through the real engine,
and say which edges (each choice, each check result, each branch case) no test
takes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _, ngettext
from ..i18n.fmt import number
from ..record import field, record
from .context import Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.testing import Edge, TestResult
    from ..guides.model import Guide


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("test", parents=[common], help=_("run the tests written in guides"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=_("a guide file or a folder of guides"))
    p.add_argument("--junit", metavar="FILE", help=_("also write JUnit XML for CI systems"))
    p.add_argument(
        "--fail-under",
        metavar="PERCENT",
        type=percent,
        help=_("fail when the tests take fewer than PERCENT of the guides' edges"),
    )
    p.set_defaults(func=run)


def percent(value: str) -> float:
    try:
        number_ = float(value.rstrip("%"))
    except ValueError:
        number_ = -1.0
    if not 0 <= number_ <= 100:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a percentage from 0 to 100").format(value=value)
        )
    return number_


@record
class Coverage:
    """Which edges of one guide its tests take."""

    guide_id: str
    #: Every edge: (edge, what takes it, where it leads).
    edges: list[tuple[Edge, str, str]] = field(default_factory=list)
    taken: set[Edge] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.edges)

    @property
    def covered(self) -> int:
        return sum(1 for edge, _label, _target in self.edges if edge in self.taken)

    @property
    def missed(self) -> list[tuple[Edge, str, str]]:
        return [e for e in self.edges if e[0] not in self.taken]


def coverage_of(guide: Guide, results: list[TestResult]) -> Coverage:
    from ..engine.testing import guide_edges

    taken = {edge for r in results for edge in r.edges}
    return Coverage(guide.id, guide_edges(guide), taken)


def ratio(covered: int, total: int) -> float:
    return 100.0 if total == 0 else 100.0 * covered / total


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..engine.testing import run_tests
    from ..guides.diagnostics import display_path
    from ..guides.library import LoadMode, Source, load_library

    sources = [Source(Path(p), p) for p in args.paths]
    # Every guide is walked: keep each as read rather than read it twice. Links may
    # lead into the bundled guides and every --guides folder.
    lib = load_library(
        sources, override=False, mode=LoadMode(keep_guides=True, search=False), refs=ctx.sources()
    )
    for d in lib.diagnostics():
        if d.is_error:
            print(d.format(), file=sys.stderr)
    others = None

    def resolve(guide_id: str) -> Guide | None:
        nonlocal others
        found = lib.get(guide_id)
        if found is None:
            if others is None:
                others = load_library(ctx.sources(), mode=LoadMode(warnings=False, search=False))
            found = others.get(guide_id)
        return found

    results: list[TestResult] = []
    coverages: list[Coverage] = []
    for guide in sorted(lib.guides.values(), key=lambda g: g.id):
        own = run_tests(guide, resolve)
        for r in own:
            results.append(r)
            mark = "PASS" if r.passed else "FAIL"
            print(f"{mark} {guide.id}: {r.name}  [{' > '.join(r.path)}]")
            if not r.passed:
                where = ""
                if r.pos is not None and guide.path is not None:
                    where = f"{display_path(guide.path)}:{r.pos.line}:{r.pos.column}: "
                print(f"     {where}{r.message}")
        coverages.append(coverage_of(guide, own))
    failed = sum(not r.passed for r in results)
    broken = len(lib.failures)
    covered = sum(c.covered for c in coverages)
    total = sum(c.total for c in coverages)
    print_coverage(coverages)
    print(
        _("{passed} passed, {failed} failed").format(passed=len(results) - failed, failed=failed)
        + (_(" ({n} guide files could not be loaded)").format(n=broken) if broken else "")
    )
    if args.junit:
        write_junit(results, Path(args.junit), coverages)
    if failed or broken:
        return 1
    if args.fail_under is not None and ratio(covered, total) < args.fail_under:
        print(
            _("Edge coverage {got}% is under the required {want}%").format(
                got=_percent(covered, total), want=_percent_of(args.fail_under)
            ),
            file=sys.stderr,
        )
        return 1
    return 0


def _percent(covered: int, total: int) -> str:
    return _percent_of(ratio(covered, total))


def _percent_of(value: float) -> str:
    """One decimal where it says something: 97.3, 100 (never 100 for 99.96)."""
    shown = round(value, 1)
    if shown == 100 and value < 100:
        shown = 99.9
    return number(shown, 0 if shown.is_integer() else 1)


def print_coverage(coverages: list[Coverage]) -> None:
    """Per guide: edges taken of all, and which were not (as the guide names them)."""
    print(_("Edge coverage (each choice, check result and branch case):"))
    for c in coverages:
        print(
            "  "
            + ngettext(
                "{guide}: {covered} of {total} edge ({percent}%)",
                "{guide}: {covered} of {total} edges ({percent}%)",
                c.total,
            ).format(
                guide=c.guide_id,
                covered=number(c.covered),
                total=number(c.total),
                percent=_percent(c.covered, c.total),
            )
        )
        for (node_id, _index), label, target in c.missed:
            print("    " + _("not taken: {node} → {label} → {target}").format(
                node=node_id, label=f'"{label}"', target=target
            ))  # fmt: skip
    covered = sum(c.covered for c in coverages)
    total = sum(c.total for c in coverages)
    print(
        "  "
        + _("total: {covered} of {total} ({percent}%)").format(
            covered=number(covered), total=number(total), percent=_percent(covered, total)
        )
    )


def write_junit(
    results: list[TestResult], path: Path, coverages: list[Coverage] | None = None
) -> None:
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", tests=str(len(results)),
                        failures=str(sum(not r.passed for r in results)))  # fmt: skip
    by_guide: dict[str, list[TestResult]] = {}
    for r in results:
        by_guide.setdefault(r.guide_id, []).append(r)
    cover = {c.guide_id: c for c in coverages or []}
    for guide_id in sorted({*by_guide, *cover}):
        items = by_guide.get(guide_id, [])
        suite = ET.SubElement(suites, "testsuite", name=guide_id, tests=str(len(items)),
                              failures=str(sum(not r.passed for r in items)))  # fmt: skip
        c = cover.get(guide_id)
        if c is not None:
            props = ET.SubElement(suite, "properties")
            for name, value in (
                ("coverage.edges.covered", c.covered),
                ("coverage.edges.total", c.total),
                ("coverage.edges.percent", _percent(c.covered, c.total)),
            ):
                ET.SubElement(props, "property", name=name, value=str(value))
            missed = [f'{n} -> "{label}" -> {target}' for (n, _i), label, target in c.missed]
            ET.SubElement(suite, "system-out").text = "\n".join(
                [f"edges not taken: {len(missed)}", *missed]
            )
        for r in items:
            case = ET.SubElement(suite, "testcase", classname=guide_id, name=r.name)
            ET.SubElement(case, "system-out").text = " > ".join(r.path)
            if not r.passed:
                ET.SubElement(case, "failure", message=r.message).text = r.message
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
