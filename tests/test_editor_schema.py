"""The JSON Schema knows node types (issue 18, part 2).

1. A standard validator (jsonschema, Draft 2020-12 as the schema declares) run over
   the hostile and the writers' corpus catches every structural error `validate`
   reports, at the same place; what only `validate` can see is listed in
   docs/guide-format.md.
2. The real yaml-language-server, driven over its stdio LSP protocol, flags
   `type: outcom`, completes the value of `type:` with the five types, offers in a
   node only its own type's keys, and explains `type` on hover.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from selfhelp_tui.cli.cmd_schema import guide_schema
from selfhelp_tui.guides import load_guide
from selfhelp_tui.guides.model import NODE_TYPES

from .conftest import BAD, FIXTURES, ROOT

WRITERS = FIXTURES / "writers"

#: What `validate` checks that is in a JSON Schema's reach: the shape of the file.
STRUCTURAL = {
    "not-a-guide", "unsupported-format", "unknown-key", "missing-key", "wrong-kind-key",
    "wrong-type", "bad-value", "bad-id", "out-of-range", "too-few-items", "unknown-type",
}  # fmt: skip

#: Files a schema check cannot be given: not UTF-8 (no YAML at all), alias bombs
#: and deep nesting (PyYAML's own loader, which gives the schema its data, would
#: expand them), and merge keys (PyYAML applies them; selfhelp refuses them).
NOT_COMPARED = {
    "utf16.yaml", "invalid-utf8.yaml", "nul-byte.yaml", "billion-laughs.yaml",
    "deep-nesting.yaml", "merge-key.yaml",
}  # fmt: skip
CORPUS = [
    p
    for p in sorted(BAD.glob("*.yaml")) + sorted(WRITERS.glob("*.yaml"))
    if p.name not in NOT_COMPARED
]

Path_ = tuple[object, ...]


def _paths_by_position(text: str) -> dict[tuple[int, int], Path_]:
    """(line, column), 1-based, of every key and value -> its JSON path (the
    shortest, where a mapping and its first key start at the same place)."""
    out: dict[tuple[int, int], Path_] = {}
    stack: list[tuple[yaml.Node, Path_]] = [(yaml.compose(text, Loader=yaml.SafeLoader), ())]
    while stack:
        node, path = stack.pop()
        if node is None:
            continue
        where = (node.start_mark.line + 1, node.start_mark.column + 1)
        if where not in out or len(path) < len(out[where]):
            out[where] = path
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, key.value)
                kwhere = (key.start_mark.line + 1, key.start_mark.column + 1)
                if kwhere not in out or len(here) < len(out[kwhere]):
                    out[kwhere] = here
                stack.append((value, here))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    return out


def _error_paths(errors: list[jsonschema.ValidationError]) -> list[Path_]:
    out: list[Path_] = []
    todo = list(errors)
    while todo:
        e = todo.pop()
        out.append(tuple(e.absolute_path))
        todo.extend(e.context or [])
    return out


def _as_json(text: str) -> object:
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def _in_node_of_unknown_type(data: object, path: Path_) -> bool:
    """Inside a node whose `type` is not one of the five: validate checks its
    other keys as the type it most likely is, a schema cannot guess."""
    if len(path) < 2 or path[0] != "nodes" or not isinstance(data, dict):
        return False
    node = (data.get("nodes") or {}).get(path[1]) if isinstance(data.get("nodes"), dict) else None
    return isinstance(node, dict) and node.get("type") not in NODE_TYPES


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_structural_error_of_validate_is_caught_by_the_schema(path: Path) -> None:
    result = load_guide(path, walk_tests=True)
    text = path.read_text(encoding="utf-8")
    try:
        data = _as_json(text)
    except yaml.YAMLError:
        # Not YAML (or YAML that selfhelp refuses, such as a custom tag): nothing
        # for a schema to say, and nothing structural from validate either.
        assert not {d.code for d in result.errors} & STRUCTURAL - {"wrong-type"}
        return
    errors = list(jsonschema.Draft202012Validator(guide_schema()).iter_errors(data))
    found = _error_paths(errors)
    where = _paths_by_position(text)
    for d in result.diagnostics:
        if d.code not in STRUCTURAL or d.cause is not None:
            continue
        here = where.get((d.line, d.column))
        assert here is not None, f"no YAML value at {d.line}:{d.column}"
        if _in_node_of_unknown_type(data, here):
            continue
        near = [e for e in found if here[: len(e)] == e and len(here) - len(e) <= 1]
        assert near, (
            f"{d.format()}\n  at {list(here)}: the schema says only "
            f"{[(list(p), e.message[:60]) for p, e in zip(_error_paths(errors), errors, strict=False)]}"
        )
    if result.ok:
        assert errors == [], [e.message for e in errors]


def test_the_schema_catches_the_mistakes_of_the_issue(write_guide) -> None:  # type: ignore[no-untyped-def]
    text = (
        "format: 1\nid: s\nkind: troubleshooter\ntitle: t\nsummary: s\nsymptoms: [s]\n"
        "start: a\nnodes:\n"
        "  a: {type: qustion, text: q, choices: [{label: Yes, next: b}]}\n"
        "  b: {type: step, text: s, next: c, result: resolved}\n"
        "  c: {type: outcome, result: resolved, text: ok, next: a}\n"
        "  d:\n    type: question\n    text: q\n    choices:\n      - label: Yes\n        next: c\n"
    )
    errors = list(jsonschema.Draft202012Validator(guide_schema()).iter_errors(_as_json(text)))
    paths = {tuple(e.absolute_path) for e in errors}
    assert ("nodes", "a", "type") in paths  # qustion
    assert ("nodes", "b") in paths  # a step with result
    assert ("nodes", "c") in paths  # an outcome with next
    assert ("nodes", "d", "choices", 0, "label") in paths  # unquoted Yes (YAML 1.1)


def test_what_only_validate_sees_is_documented() -> None:
    """Every code outside the schema's reach is in the documented list."""
    from selfhelp_tui.guides.codes import RULES

    doc = (ROOT / "docs" / "guide-format.md").read_text(encoding="utf-8")
    section = doc.split("## What the editor's schema checks", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z]+(?:-[a-z]+)+|[a-z]+)`", section))
    assert set(RULES) - STRUCTURAL <= listed


# --- the real yaml-language-server ------------------------------------------------

#: Where .ci/run installs the language server (git-ignored).
NODE_PREFIX = ROOT / ".ci" / "node"
YLS_VERSION = "1.25.0"  # the last release that runs on Node 20


def _yaml_language_server() -> list[str]:
    main_js = NODE_PREFIX / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (.ci/run installs it with npm)")
    if not main_js.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot install yaml-language-server")
        proc = subprocess.run(
            [npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund",
             f"yaml-language-server@{YLS_VERSION}"],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    return [node, str(main_js), "--stdio"]


@pytest.fixture(scope="module")
def yls(tmp_path_factory):  # type: ignore[no-untyped-def]
    from .lsp_client import LspClient

    command = _yaml_language_server()
    root = tmp_path_factory.mktemp("editor")
    settings = {
        "yaml": {
            "validate": True,
            "completion": True,
            "hover": True,
            "schemaStore": {"enable": False},
            # selfhelp reads YAML 1.1 (unquoted yes/no are booleans): so should the editor.
            "yamlVersion": "1.1",
        }
    }
    client = LspClient(command, root, settings)
    yield client, root
    client.close()


SCHEMA_URI = (ROOT / "schema" / "guide.schema.json").as_uri()
DOC = f"""\
# yaml-language-server: $schema={SCHEMA_URI}
format: 1
id: demo
kind: troubleshooter
title: Demo
summary: s
symptoms: [s]
start: a
nodes:
  a:
    type: outcom
    result: resolved
    text: done
  b:
    type: step
    text: go
    next: a
    result: resolved
  c:
    type: question
    text: q
    choices:
      - label: Yes
        next: a
  d:
    type: step
{" " * 4}
"""  # the last line: the cursor's place inside `d`, indented


def test_yaml_language_server_flags_completes_and_explains_node_types(yls) -> None:  # type: ignore[no-untyped-def]
    client, root = yls
    uri = client.open(root / "demo.yaml", DOC)
    lines = DOC.split("\n")
    diagnostics = client.diagnostics(uri)
    by_line = {}
    for d in diagnostics:
        by_line.setdefault(d["range"]["start"]["line"], []).append(d["message"])
    outcom = lines.index("    type: outcom")
    assert any("question" in m and "outcome" in m for m in by_line.get(outcom, [])), by_line
    assert any("result" in m for m in by_line.get(lines.index("    result: resolved", 14), []))
    label = lines.index("      - label: Yes")
    assert any("string" in m.lower() for m in by_line.get(label, [])), by_line

    values = client.completion(uri, outcom, len("    type: "))
    assert {"question", "step", "check", "branch", "outcome"} <= {i["label"] for i in values}

    empty = len(lines) - 2  # the blank line inside step `d`
    keys = {i["label"] for i in client.completion(uri, empty, 4)}
    assert {"text", "caution", "next"} <= keys
    assert not keys & {"choices", "result", "probe", "cases", "default", "fallback"}, keys

    hover = client.hover(uri, lines.index("    type: step"), 6)
    assert "What kind of node this is" in hover and "outcome" in hover


def test_ci_installs_the_language_server() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"yaml-language-server@{YLS_VERSION}" in ci and str(NODE_PREFIX.relative_to(ROOT)) in ci
    assert ".ci/node/" in (ROOT / ".gitignore").read_text(encoding="utf-8")
