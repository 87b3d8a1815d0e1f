"""Tests and links are checked like the rest (issue 18, part 3), and `selfhelp
test` says where a test went wrong and which edges no test takes (part 5)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from selfhelp_tui.cli import main

from .conftest import BAD, BUNDLED, FIXTURES, selfhelp_cmd

WRITERS = FIXTURES / "writers"
TYPOS = WRITERS / "test-typos.yaml"


def _validate_json(capsys, *args: str) -> tuple[int, list[dict]]:  # type: ignore[no-untyped-def,type-arg]
    code = main(["validate", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_validate_checks_the_tests_paths_and_answers(capsys) -> None:  # type: ignore[no-untyped-def]
    code, items = _validate_json(capsys, str(TYPOS))
    assert code == 1
    got = [(i["line"], i["column"], i["code"]) for i in items]
    assert got == [
        (40, 25, "unknown-node"),  # path: [power-light, imput, fixed]
        (43, 25, "bad-test-path"),  # no choice of power-light leads to fixed
        (46, 22, "bad-test-answer"),  # "Stil black"
        (49, 15, "bad-test-answer"),  # 3 of 2 choices
        (52, 24, "bad-test-answer"),  # an answer after the outcome
    ]
    messages = [i["message"] for i in items]
    assert "did you mean 'input'?" in messages[0]
    assert "no choice of 'power-light' leads to 'fixed'" in messages[1]
    assert "did you mean 'Still black'?" in messages[2]
    assert "there is no choice 3 here (1-2)" in messages[3]
    assert "after the walk has ended at 'fixed'" in messages[4]


def test_a_wrong_test_does_not_keep_the_guide_from_readers_or_from_selfhelp_test(
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    from selfhelp_tui.guides import load_guide

    assert load_guide(TYPOS).ok  # the app and `selfhelp test` read it
    assert main(["test", str(TYPOS)]) == 1
    out = capsys.readouterr().out
    # Each failure says where in the file, as validate does.
    assert "FAIL test-typos: a label with a typo" in out
    assert (
        f"{TYPOS.relative_to(Path.cwd()) if TYPOS.is_relative_to(Path.cwd()) else TYPOS}:46:22: at 'input'"
        in out
    )
    assert ":40:25: at 'power-light': no choice of 'power-light' leads to 'imput'" in out
    assert "PASS test-typos: this one is right" in out


def test_selfhelp_test_reports_edge_coverage_and_fails_under(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    junit = tmp_path / "junit.xml"
    printer = FIXTURES / "library" / "printer.yaml"  # four tests, every way out taken
    assert main(["test", "--no-bundled", str(printer), "--junit", str(junit)]) == 0
    out = capsys.readouterr().out
    assert "printer: 8 of 8 edges (100%)" in out
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props == {
        "coverage.edges.covered": "8",
        "coverage.edges.total": "8",
        "coverage.edges.percent": "100",
    }

    guide = tmp_path / "g.yaml"
    guide.write_text(
        (WRITERS / "test-typos.yaml").read_text(encoding="utf-8").split("tests:")[0]
        + "tests:\n  - name: one way\n    answers: [1, 2]\n    outcome: escalate\n",
        encoding="utf-8",
    )
    assert main(["test", str(guide), "--fail-under", "40"]) == 0
    out = capsys.readouterr().out
    assert "test-typos: 2 of 5 edges (40%)" in out  # power-light "Yes", input "Still black"
    assert 'not taken: power-light → "No" → plug-in' in out
    assert 'not taken: plug-in → "next" → fixed' in out
    assert 'not taken: input → "Yes, now" → fixed' in out
    assert main(["test", str(guide), "--fail-under", "41"]) == 1
    err = capsys.readouterr().err
    assert "Edge coverage 40% is under the required 41%" in err


def test_check_results_are_edges_of_their_own(write_guide, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_guide(
        "c.yaml",
        "format: 1\nid: c\nkind: troubleshooter\ntitle: t\nsummary: s\nsymptoms: [s]\n"
        "start: probe\nnodes:\n"
        "  probe:\n    type: check\n    probe: os\n    with: {is: linux}\n"
        "    pass: ok\n    fail: ok\n"
        "    fallback:\n      text: Linux?\n      choices:\n"
        '        - {label: "Yes", next: ok}\n        - {label: "No", next: ok}\n'
        "  ok: {type: outcome, result: resolved, text: fine}\n"
        "tests:\n  - {name: passes, answers: [pass], outcome: resolved}\n",
    )
    assert main(["test", str(path)]) == 0
    out = capsys.readouterr().out
    assert "c: 1 of 4 edges (25%)" in out
    for label in ("fail", "fallback: Yes", "fallback: No"):
        assert f'not taken: probe → "{label}" → ok' in out


LINKING = (
    "format: 1\nid: my-printer\nkind: troubleshooter\ntitle: My printer\n"
    "summary: s\nsymptoms: [s]\nstart: a\nnodes:\n"
    "  a:\n    type: question\n    text: Which?\n    choices:\n"
    '      - {{label: "CUPS", next: "{target}"}}\n'
    '      - {{label: "Mine", next: done}}\n'
    "  done: {{type: outcome, result: resolved, text: ok}}\n"
)


def test_a_link_to_a_bundled_guide_resolves_when_a_writer_validates_their_file(
    write_guide,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    path = write_guide("mine.yaml", LINKING.format(target="guide:printer-cups#printer-listed"))
    code, items = _validate_json(capsys, str(path))
    assert (code, items) == (0, [])
    # Without the bundled guides there is nothing to link to.
    code, items = _validate_json(capsys, "--no-bundled", str(path))
    assert code == 1 and [i["code"] for i in items] == ["unknown-guide"]


def test_guide_ids_and_node_ids_of_other_guides_get_did_you_mean(write_guide, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_guide("mine.yaml", LINKING.format(target="guide:printer-cup"))
    code, items = _validate_json(capsys, str(path))
    assert code == 1
    (item,) = items
    assert item["code"] == "unknown-guide" and "did you mean 'printer-cups'?" in item["message"]
    path.write_text(LINKING.format(target="guide:printer-cups#printer-listd"), encoding="utf-8")
    code, items = _validate_json(capsys, str(path))
    (item,) = items
    assert item["code"] == "unknown-node" and "did you mean 'printer-listed'?" in item["message"]


def test_guides_folders_are_read_for_links_not_ignored(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "pack"
    other.mkdir()
    (other / "cables.yaml").write_text(
        "format: 1\nid: cables\nkind: troubleshooter\ntitle: Cables\nsummary: s\n"
        "symptoms: [s]\nstart: end\nnodes:\n  end: {type: outcome, result: resolved, text: ok}\n",
        encoding="utf-8",
    )
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "mine.yaml").write_text(LINKING.format(target="guide:cables"), encoding="utf-8")
    code, items = _validate_json(capsys, "--no-bundled", str(mine))
    assert code == 1 and items[0]["code"] == "unknown-guide"
    code, items = _validate_json(capsys, "--no-bundled", "--guides", str(other), str(mine))
    assert (code, items) == (0, [])
    # The folder's own problems are not reported: it was read for links only.
    (other / "cables.yaml").write_text(
        (other / "cables.yaml").read_text(encoding="utf-8").replace("summary: s\n", ""),
        encoding="utf-8",
    )
    code, items = _validate_json(capsys, "--no-bundled", "--guides", str(other), str(mine))
    assert (code, items) == (0, [])
    # And `selfhelp test` follows such a link.
    (mine / "mine.yaml").write_text(
        LINKING.format(target="guide:cables")
        + "tests:\n  - {name: into cables, answers: [1], outcome: resolved}\n",
        encoding="utf-8",
    )
    assert main(["test", "--no-bundled", "--guides", str(other), str(mine)]) == 0
    assert "PASS my-printer: into cables  [a > cables#end]" in capsys.readouterr().out


def test_a_link_to_a_guide_with_errors_is_a_knock_on_of_its_first_error(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cables.yaml").write_text(
        "format: 1\nid: cables\nkind: troubleshooter\ntitle: Cables\nsummary: s\n"
        "symptoms: [s]\nstart: end\nnodes:\n  end: {type: outcome, result: resolvd, text: ok}\n",
        encoding="utf-8",
    )
    (tmp_path / "mine.yaml").write_text(LINKING.format(target="guide:cables"), encoding="utf-8")
    code, items = _validate_json(capsys, "--no-bundled", str(tmp_path))
    assert code == 1
    (error,) = items  # the link's problem is listed under the other file's error
    assert error["code"] == "bad-value" and error["file"].endswith("cables.yaml")
    (knock_on,) = error["related"]
    assert knock_on["code"] == "unknown-guide" and knock_on["file"].endswith("mine.yaml")
    assert "has errors of its own" in knock_on["message"]


def test_the_bundled_guides_links_to_each_other_resolve_as_a_subprocess(cli_env) -> None:  # type: ignore[no-untyped-def]
    """Each bundled guide validated alone: its `guide:` links find the others."""
    for path in sorted(BUNDLED.glob("*.yaml")):
        proc = subprocess.run([*selfhelp_cmd(), "validate", str(path)],
                              capture_output=True, text=True, env=cli_env, timeout=120)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert " error: " not in proc.stdout and "unknown-guide" not in proc.stdout


# --- a key indented wrongly says so (issue 18, part 4) ------------------------------

NODE = "format: 1\nid: g\nkind: troubleshooter\ntitle: t\nstart: a\nnodes:\n  a:\n"


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        ("    type: step\n     text: x\n    next: b\n", "'text' is indented 5 spaces, but 'type' on line 8 above it 4"),
        ('    type: "step"\n     text: x\n', "'text' is indented 5 spaces, but 'type' on line 8 above it 4"),
        ("    type: step\n    text: x\n   next: b\n", "'next' is indented 3 spaces, but 'text' on line 9 above it 4"),
        ("    type: question\n    choices:\n      - label: x\n         next: b\n",
         "'next' is indented 9 spaces, but 'label' on line 10 above it 8"),
        ("    type: question\n    choices:\n      - label: x\n       next: b\n",
         "'next' is indented 7 spaces, but 'label' on line 10 above it 8"),
        # Text in a block is not a key: the key before the block is the one to match.
        ("    type: step\n    text: |\n      Note: this\n     next: b\n",
         "'next' is indented 5 spaces, but 'text' on line 9 above it 4"),
    ],
    ids=["over", "over after a quote", "under", "over in a list", "under in a list", "after text"],
)  # fmt: skip
def test_a_key_indented_wrongly_gets_a_hint_that_says_how(
    write_guide, body: str, hint: str
) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.guides import load_guide

    (d,) = load_guide(write_guide("g.yaml", NODE + body)).diagnostics
    assert d.code == "yaml-syntax"
    assert d.hint is not None and d.hint.startswith(hint), d.hint
    assert d.hint.endswith("the keys of one mapping start in the same column")


def test_no_indentation_hint_where_the_indentation_is_right(write_guide) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.guides import load_guide

    # Back out to a parent's column, then a different mistake on that line.
    body = "    type: question\n    choices:\n      - label: x\n        next: b\n  b: x: y\n"
    (d,) = load_guide(write_guide("g.yaml", NODE + body)).diagnostics
    assert d.code == "yaml-syntax" and d.hint is None


def test_the_indentation_hint_in_validate(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run([*selfhelp_cmd(), "validate", "--no-bundled", str(BAD / "bad-indent.yaml")],
                          capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 1
    assert (
        "bad-indent.yaml:12:10: error: YAML syntax error: mapping values are not allowed in this "
        "context ('text' is indented 5 spaces, but 'type' on line 11 above it 4: the keys of one "
        "mapping start in the same column) [yaml-syntax]"
    ) in proc.stdout
