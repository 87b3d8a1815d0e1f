"""What every bundled guide promises a technician (issue 16): troubleshooters that
look at the machine instead of asking, branch where systems differ, warn before
what can do harm, and hand over to the guide that fits; and a README that says
what each one covers."""

from __future__ import annotations

import re

import pytest

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source
from selfhelp_tui.guides.model import BUILTIN_FACTS, BranchNode, CheckNode

from .conftest import BUNDLED, ROOT

LIBRARY = load_library([Source(BUNDLED, "bundled")])
TROUBLESHOOTERS = sorted(g for g, i in LIBRARY.infos.items() if i.kind == "troubleshooter")
#: A probe that only tells the OS apart is a branch in disguise, not a look at the machine.
NOT_A_MACHINE_CHECK = {"os"}


def test_the_library_has_the_guides_technicians_meet() -> None:
    assert len(TROUBLESHOOTERS) >= 8  # the five of the first round and three more at least
    tutorials = [g for g, i in LIBRARY.infos.items() if i.kind == "tutorial"]
    assert len(tutorials) >= 3


@pytest.mark.parametrize("guide_id", TROUBLESHOOTERS)
def test_a_troubleshooter_looks_at_the_machine_at_least_three_times(guide_id: str) -> None:
    guide = LIBRARY.get(guide_id)
    checks = [
        n for n in guide.nodes.values()
        if isinstance(n, CheckNode) and n.probe not in NOT_A_MACHINE_CHECK
    ]  # fmt: skip
    assert len(checks) >= 3, [n.id for n in checks]


@pytest.mark.parametrize("guide_id", TROUBLESHOOTERS)
def test_a_troubleshooter_branches_warns_and_hands_over(guide_id: str) -> None:
    guide = LIBRARY.get(guide_id)
    facts = {
        name
        for node in guide.nodes.values()
        if isinstance(node, BranchNode)
        for case in node.cases
        for name, _value in case.when
    }
    assert facts & set(BUILTIN_FACTS), "no branch on the OS, distribution, package manager or init"
    assert any(getattr(n, "caution", None) for n in guide.nodes.values()), "no caution"
    others = {
        link.target.split("#")[0].removeprefix("guide:")
        for node in guide.nodes.values()
        for link in node.links()
        if link.is_external
    } - {guide_id}
    assert others, "links to no other guide"
    assert others <= set(LIBRARY.infos), others - set(LIBRARY.infos)


def _readme_guides() -> dict[str, str]:
    """The README's list of bundled guides: id -> what it covers."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Bundled guides", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^- \*\*`([a-z0-9-]+)`\*\*[^:]*: (.+)$", section, re.M))


def test_the_readme_lists_every_bundled_guide_with_what_it_covers() -> None:
    listed = _readme_guides()
    assert set(listed) == set(LIBRARY.infos)
    assert all(len(what.split()) >= 8 for what in listed.values()), listed


def test_the_bundled_guides_tests_take_every_edge(cli_env) -> None:  # type: ignore[no-untyped-def]
    """Every way out of every node of every bundled guide is walked by one of its
    tests (git-push-rejected's branch for a system that is none of the three was
    not)."""
    import subprocess

    from .conftest import selfhelp_cmd

    proc = subprocess.run(
        [*selfhelp_cmd(), "test", str(BUNDLED), "--fail-under", "100"],
        capture_output=True, text=True, env=cli_env, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "total: " in proc.stdout and "(100%)" in proc.stdout.split("total: ")[1]
