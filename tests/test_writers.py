"""The writers' toolchain: schema, graph, guide tests, paths, output formats."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import yaml

from selfhelp_tui.cli import main
from selfhelp_tui.cli.cmd_schema import guide_schema, render
from selfhelp_tui.engine.testing import path_report
from selfhelp_tui.guides import graph, load_guide

from .conftest import BAD, BUNDLED, LIBRARY, ROOT, selfhelp_cmd

BUNDLED_FILES = sorted(BUNDLED.glob("*.yaml"))
GOOD_FILES = BUNDLED_FILES + sorted(LIBRARY.glob("*.yaml"))


def as_json(path: Path) -> object:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))


def test_shipped_schema_is_the_generated_one() -> None:
    assert (ROOT / "schema" / "guide.schema.json").read_text(encoding="utf-8") == render()


def test_schema_command_prints_valid_draft_2020_12(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


def _descriptions_everywhere(node: object, where: str = "") -> list[str]:
    missing = []
    if isinstance(node, dict):
        if "properties" in node:
            for key, sub in node["properties"].items():
                if isinstance(sub, dict) and sub and not sub.get("description"):
                    missing.append(f"{where}/{key}")
        for key, sub in node.items():
            if key not in ("if", "not"):  # conditions restate keys described elsewhere
                missing += _descriptions_everywhere(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            missing += _descriptions_everywhere(sub, f"{where}[{i}]")
    return missing


def test_every_key_in_the_schema_has_a_description() -> None:
    assert _descriptions_everywhere(guide_schema()) == []


@pytest.mark.parametrize("path", GOOD_FILES, ids=lambda p: p.name)
def test_schema_accepts_every_good_guide(path: Path) -> None:
    jsonschema.validate(as_json(path), guide_schema())


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.name)
def test_graph_renders_all_formats(path: Path) -> None:
    guide = load_guide(path).guide
    assert guide is not None
    mermaid = graph.to_mermaid(guide)
    dot = graph.to_dot(guide)
    assert mermaid.startswith("flowchart TD")
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(graph.to_tree(guide))
    text = console.export_text()
    for node_id in guide.nodes:
        if node_id != "_completed":
            assert f'"{node_id}"' in dot
            assert node_id in text
    assert text.count("(see above)") >= 0


def test_graph_text_shows_loops_as_references_back(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["graph", str(LIBRARY / "printer.yaml")]) == 0
    out = capsys.readouterr().out
    assert "↩ power (see above)" in out
    assert "call-support [escalate]" in out


def test_graph_escapes_guide_text(write_guide) -> None:  # type: ignore[no-untyped-def]
    path = write_guide(
        "q.yaml",
        "format: 1\nid: q\nkind: troubleshooter\ntitle: t\nsummary: s\nsymptoms: [s]\n"
        "start: a\nnodes:\n  a: {type: step, text: 'say \"hi\" [b]<x>', next: b}\n"
        "  b: {type: outcome, result: resolved, text: ok}\n",
    )
    guide = load_guide(path).guide
    assert guide is not None
    assert "#quot;hi#quot;" in graph.to_mermaid(guide)
    assert '\\"hi\\"' in graph.to_dot(guide)


def test_selfhelp_test_passes_on_bundled_guides_and_writes_junit(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    junit = tmp_path / "junit.xml"
    proc = subprocess.run([*selfhelp_cmd(), "test", str(BUNDLED), "--junit", str(junit)],
                          capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().splitlines()[-1].endswith("passed, 0 failed")
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("failures") == "0"
    assert int(root.get("tests", "0")) == sum(
        len(load_guide(p).guide.tests)
        for p in BUNDLED_FILES  # type: ignore[union-attr]
    )


def test_selfhelp_test_reports_a_failing_test(write_guide, capsys) -> None:  # type: ignore[no-untyped-def]
    text = (
        (LIBRARY / "printer.yaml")
        .read_text()
        .replace("answers: [1, 2]\n    outcome: escalate", "answers: [1, 2]\n    outcome: resolved")
    )
    path = write_guide("printer.yaml", text)
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL printer: nothing queued  [power > queue > call-support]" in out
    assert "expected outcome 'resolved', ended at outcome 'escalate'" in out


def test_tests_keyed_by_node_ids_survive_reordered_choices(write_guide, capsys) -> None:  # type: ignore[no-untyped-def]
    text = (LIBRARY / "printer.yaml").read_text()
    text = text.replace(
        "tests:\n",
        "tests:\n  - name: by path\n    path: [power, queue, cancel-jobs, works, fixed]\n"
        "    outcome: resolved\n",
    )
    swapped = text.replace(
        '      - label: "Yes, jobs are waiting"\n        next: cancel-jobs\n'
        '      - label: "No jobs are listed"\n        next: call-support\n',
        '      - label: "No jobs are listed"\n        next: call-support\n'
        '      - label: "Yes, jobs are waiting"\n        next: cancel-jobs\n',
    )
    assert swapped != text
    path = write_guide("printer.yaml", swapped)
    assert main(["test", str(path)]) == 1  # the answer-number tests break...
    out = capsys.readouterr().out
    assert "PASS printer: by path" in out  # ...the path-keyed one does not


def test_paths_reports_no_untested_node_on_bundled_guides() -> None:
    """Every node of every bundled guide is walked by one of its tests. A deep guide
    has too many paths to list (every check with a fallback multiplies them), so its
    report is made of random walks: the figures must add up either way."""
    for path in BUNDLED_FILES:
        guide = load_guide(path).guide
        assert guide is not None
        report = path_report(guide)
        assert report.untested == [], guide.id
        # A deep troubleshooter has more paths than `paths` lists; it walks a seeded
        # sample instead, and every walk ends somewhere.
        if report.exhaustive:
            assert sum(report.outcomes.values()) == len(report.paths or [])
        else:
            assert sum(report.outcomes.values()) == report.runs, guide.id
            assert "unfinished" not in report.outcomes, guide.id


def test_paths_falls_back_to_seeded_random_walks(capsys) -> None:  # type: ignore[no-untyped-def]
    args = [
        "paths",
        "disk-full",
        "--limit",
        "5",
        "--runs",
        "200",
        "--seed",
        "7",
        "--format",
        "json",
    ]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == first  # seeded: repeatable
    assert first["exhaustive"] is False and first["runs"] == 200
    assert sum(first["outcomes"].values()) == 200
    assert set(first["coverage"]) >= {"root-space", "fixed"}


def test_validate_github_and_sarif_formats(capsys) -> None:  # type: ignore[no-untyped-def]
    bad = str(BAD / "bad-next.yaml")
    assert main(["validate", "--format", "github", bad]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("::error file=") and ",line=19,col=15,title=unknown-node::" in line
    assert main(["validate", "--format", "sarif", bad]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "unknown-node" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 19, "startColumn": 15}


def _emitted_codes() -> set[str]:
    """The code argument of every rep.error / rep.warning / Diagnostic(...) /
    _TooBig(...) call in src/, and of the loader's `skip = (code, why)` tuples."""
    import ast

    where = {"error": 1, "warning": 1, "Diagnostic": 4, "_TooBig": 2}
    codes: set[str] = set()
    for path in (ROOT / "src" / "selfhelp_tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                index = where.get(name)
                if index is not None and len(node.args) > index:
                    arg = node.args[index]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        codes.add(arg.value)
            elif (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "skip" for t in node.targets)
                and isinstance(node.value, ast.Tuple)
            ):
                codes.add(node.value.elts[0].value)  # type: ignore[attr-defined]
    return codes


def test_every_diagnostic_code_is_documented() -> None:
    doc = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z-]+)`", doc, re.M))
    emitted = _emitted_codes()
    assert len(emitted) >= 40
    assert emitted - documented == set()
    # And each has its severity and description for SARIF and suppressions.
    from selfhelp_tui.guides.codes import RULES

    assert emitted - set(RULES) == set()


def test_inline_code_broken_across_a_line_is_a_warning_with_its_place(write_guide) -> None:  # type: ignore[no-untyped-def]
    """Six bundled guides had `sudo cp /etc/ssh/sshd_config` and the like cut across
    two lines: shown with backticks, not offered by `c`, and miscompared in every
    translation. validate says where; a span inside a code block is no span."""
    path = write_guide(
        "q.yaml",
        "format: 1\nid: q\nkind: troubleshooter\ntitle: t\nsummary: s\nsymptoms: [s]\n"
        "start: a\nnodes:\n"
        "  a:\n    type: step\n    text: |\n      Keep a copy (`sudo cp a\n      b`) first.\n\n"
        "      ```\n      echo `date\n      ```\n    next: b\n"
        "  b: {type: outcome, result: resolved, text: ok}\n",
    )
    proc = subprocess.run(
        [*selfhelp_cmd(), "validate", "--format", "json", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    found = [d for d in json.loads(proc.stdout) if d["code"] == "markdown-code-span-broken"]
    assert len(found) == 1, proc.stdout
    assert found[0]["line"] == 11 and "`sudo cp a` is shown" in found[0]["message"]
    fixed = path.read_text().replace("(`sudo cp a\n      b`)", "\n      (`sudo cp a b`)")
    path.write_text(fixed, encoding="utf-8")
    again = subprocess.run(
        [*selfhelp_cmd(), "validate", "--format", "json", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "markdown-code-span-broken" not in again.stdout
