"""One run of `validate` reports every problem a guide has (issue 18, part 1).

A 15-node guide with the usual mistakes of a new writer: the errors in its keys
and values and the problems across its nodes (an unknown node with a did-you-mean,
a duplicate label, a loop with no exit, an unknown fact, unreachable nodes) are all
reported in the first run; what only follows from an error is grouped under it; and
fixing exactly what was reported brings up nothing new.
"""

from __future__ import annotations

import json
from pathlib import Path

from selfhelp_tui.cli import main
from selfhelp_tui.guides import load_guide

from .conftest import FIXTURES

WRITERS = FIXTURES / "writers"
GUIDE = WRITERS / "wifi-drops.yaml"

#: Every problem of the guide, as (line, severity, code, line of the error it
#: follows from, for a knock-on).
FIRST_RUN = {
    (3, "error", "wrong-type", None),  # format: "1"
    (7, "error", "unknown-key", None),  # sumary
    (12, "error", "unknown-type", None),  # qustion
    (15, "error", "wrong-type", None),  # label: Yes
    (19, "warning", "unreachable-node", 15),  # only through the dropped "Yes"
    (22, "error", "unknown-node", None),  # chek-again, did you mean check-again
    (23, "warning", "unreachable-node", 15),
    (31, "error", "duplicate-label", None),
    (33, "error", "no-way-out", None),  # move-closer <-> move-back
    (33, "warning", "unreachable-node", 15),
    (37, "error", "no-way-out", None),
    (37, "warning", "unreachable-node", 15),
    (44, "error", "unknown-fact", None),  # sytem
    (49, "error", "wrong-type", None),  # caution: 12
    (60, "error", "unknown-key", None),  # a step with a result
    (62, "warning", "unreachable-node", None),  # channel
    (63, "error", "missing-key", None),  # channel has no text
    (65, "warning", "unreachable-node", 15),
    (71, "error", "bad-value", None),  # resolvd
    (73, "error", "unknown-key", None),  # an outcome with a next
    (74, "warning", "unreachable-node", None),  # old-router
    (78, "warning", "unreachable-node", None),  # firmware
    (82, "warning", "unreachable-node", None),  # interference
    (86, "warning", "unreachable-node", None),  # done
    (92, "error", "unknown-node", None),  # a test's path through chek-again
}

#: What a writer changes for each error of the first run (and nothing else).
FIXES = [
    ('format: "1"', "format: 1"),
    ("sumary:", "summary:"),
    ("type: qustion", "type: question"),
    ("- label: Yes\n", '- label: "Yes"\n'),
    ("next: chek-again", "next: check-again"),
    ('- label: "no"', '- label: "Not any more"'),
    ("    text: Take it back to where you use it.\n    next: move-closer",
     "    text: Take it back to where you use it.\n    next: fixed"),
    ("{sytem: linux}", "{os: linux}"),
    ("caution: 12", "caution: Close your other programs first."),
    ("    result: resolved\n    next: fixed\n  channel:", "    # fixed\n    next: fixed\n  channel:"),
    ("  channel:\n    type: step\n", "  channel:\n    type: step\n    text: Pick another channel.\n"),
    ("result: resolvd", "result: resolved"),
    ("    next: start\n", "    # fixed\n"),
    ("restart-router, chek-again]", "restart-router, check-again]"),
]  # fmt: skip


def _load(path: Path):  # type: ignore[no-untyped-def]
    return load_guide(path, walk_tests=True)  # as validate reads it


def _run(path: Path) -> set[tuple[int, str, str, int | None]]:
    result = _load(path)
    return {
        (d.line, d.severity.value, d.code, d.cause[1] if d.cause else None)
        for d in result.diagnostics
    }


def test_the_first_run_reports_every_mistake() -> None:
    assert _run(GUIDE) == FIRST_RUN
    codes = {code for _line, _sev, code, _cause in FIRST_RUN}
    # The problems across nodes that used to appear only once the rest was clean:
    assert {"unknown-node", "duplicate-label", "no-way-out", "unknown-fact"} <= codes
    assert sum(1 for f in FIRST_RUN if f[2] == "unreachable-node" and f[3] is None) >= 3


def test_the_did_you_mean_hints_are_there_in_the_first_run() -> None:
    messages = {(d.line, d.code): d.full_message() for d in _load(GUIDE).diagnostics}
    assert "did you mean 'check-again'?" in messages[(22, "unknown-node")]
    assert "did you mean 'question'?" in messages[(12, "unknown-type")]
    assert "did you mean 'summary'?" in messages[(7, "unknown-key")]
    assert "'next' belongs in step nodes" in messages[(73, "unknown-key")]
    assert "did you mean 'text'" not in messages[(73, "unknown-key")]
    assert "write it without quotes" in messages[(3, "wrong-type")]
    assert "is 1, but" not in messages[(3, "wrong-type")]


def test_fixing_what_was_reported_brings_up_nothing_new(tmp_path: Path) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for old, new in FIXES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    fixed = tmp_path / "wifi-drops.yaml"
    fixed.write_text(text, encoding="utf-8")
    # Only what the first run said and was not fixed: the warnings of their own
    # (compared by message: the fixes moved some lines).
    first = {(d.code, d.full_message()) for d in _load(GUIDE).diagnostics if d.cause is None}
    second = _load(fixed)
    assert {d.severity.value for d in second.diagnostics} == {"warning"}
    assert {(d.code, d.full_message()) for d in second.diagnostics} <= first
    assert len(second.diagnostics) == len([f for f in FIRST_RUN if f[1] == "warning" and not f[3]])
    assert second.ok


def test_knock_ons_are_grouped_under_their_error_in_every_format(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", "--no-bundled", str(GUIDE)]) == 1
    lines = capsys.readouterr().out.splitlines()
    label = next(i for i, line in enumerate(lines) if ":15:16: error:" in line)
    # Text: right after the error, in file order after it.
    assert [line.split(":")[1] for line in lines[label + 1 : label + 6]] == [
        "19", "23", "33", "37", "65"
    ]  # fmt: skip
    assert all("only through node 'start'" in line for line in lines[label + 1 : label + 6])

    assert main(["validate", "--no-bundled", "--format", "json", str(GUIDE)]) == 1
    items = json.loads(capsys.readouterr().out)
    (error,) = [i for i in items if i["line"] == 15]
    assert [k["line"] for k in error["related"]] == [19, 23, 33, 37, 65]
    assert not any(i["line"] == 19 for i in items)  # not on its own too

    assert main(["validate", "--no-bundled", "--format", "sarif", str(GUIDE)]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    (error,) = [
        r for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 15
    ]
    related = error["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [19, 23, 33, 37, 65]
    assert all("[unreachable-node]" in r["message"]["text"] for r in related)
    assert len(results) == len([f for f in FIRST_RUN if f[3] is None])

    assert main(["validate", "--no-bundled", "--format", "github", str(GUIDE)]) == 1
    annotations = capsys.readouterr().out.splitlines()
    assert len(annotations) == len([f for f in FIRST_RUN if f[3] is None])
    (label_note,) = [a for a in annotations if ",line=15," in a]
    assert label_note.count("%0A") == 5


def test_a_broken_node_still_exists_for_the_links_to_it(write_guide) -> None:  # type: ignore[no-untyped-def]
    path = write_guide(
        "g.yaml",
        "format: 1\nid: g\nkind: troubleshooter\ntitle: t\nsummary: s\nsymptoms: [s]\n"
        "start: a\nnodes:\n"
        "  a: {type: step, text: go, next: b}\n"
        "  b: {type: outcom, result: resolved, text: done}\n",
    )
    got = [(d.line, d.code) for d in load_guide(path).diagnostics]
    assert got == [(10, "unknown-type")]  # not: unknown-node b, no-way-out a


def test_a_newer_format_is_said_once_and_nothing_else(write_guide) -> None:  # type: ignore[no-untyped-def]
    path = write_guide("g.yaml", "format: 2\nid: g\nkind: spaceship\nwarp: 9\n")
    (only,) = load_guide(path).diagnostics
    assert only.code == "unsupported-format" and "format 2" in only.message
