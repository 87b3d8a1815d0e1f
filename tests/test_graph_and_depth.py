"""Graphs that say what each edge is (issue 18, part 4), and no command that
recurses on a guide's depth: a valid straight chain of 10,000 nodes goes through
every writer's command."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from selfhelp_tui.guides import graph, load_guide

from .conftest import selfhelp_cmd

CHECKS_AND_BRANCHES = """\
format: 1
id: routes
kind: troubleshooter
title: Routes
summary: s
symptoms: [s]
start: by-os
nodes:
  by-os:
    type: branch
    cases:
      - when: {os: linux, printer: usb}
        next: probe
    default: ask
  probe:
    type: check
    probe: command_exists
    with: {command: lpstat}
    pass: ok
    fail: ask
    fallback:
      text: Is lpstat installed?
      choices:
        - {label: "Yes", next: ok}
        - {label: "No", next: ask}
  ask:
    type: question
    text: Is it plugged in?
    choices:
      - {label: "Yes", next: ok, set: {printer: usb}}
      - {label: "No", next: ok}
  ok: {type: outcome, result: resolved, text: fine}
"""


@pytest.fixture
def routes(write_guide):  # type: ignore[no-untyped-def]
    guide = load_guide(write_guide("routes.yaml", CHECKS_AND_BRANCHES)).guide
    assert guide is not None
    return guide


def test_dot_labels_check_and_branch_edges_and_draws_each_once(routes) -> None:  # type: ignore[no-untyped-def]
    dot = graph.to_dot(routes)
    edges = re.findall(r'^    "([^"]+)" -> "([^"]+)"(?: \[label=("[^"]*")\])?;$', dot, re.M)
    pairs = [(a, b) for a, b, _label in edges]
    assert len(pairs) == len(set(pairs))  # each way drawn once
    labels = {(a, b): label.strip('"') for a, b, label in edges}
    assert labels[("probe", "ok")] == "pass / fallback: Yes"
    assert labels[("probe", "ask")] == "fail / fallback: No"
    assert labels[("by-os", "probe")] == "os=linux, printer=usb"
    assert labels[("by-os", "ask")] == "default"
    assert labels[("ask", "ok")] == "Yes / No"
    # Checks and branches look like neither steps nor questions, and say what they do.
    assert re.search(
        r'"probe" \[label="probe \(check command_exists\)\\ncommand_exists\(command=lpstat\)", shape=hexagon',
        dot,
    )
    assert re.search(r'"by-os" \[label="by-os \(branch\)\\nby os, printer", shape=octagon', dot)
    assert re.search(r'"ask" \[label="ask\\nIs it plugged in\?", shape=diamond\]', dot)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_graphviz_reads_the_dot_of_every_kind_of_node(routes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extra = {"ask": graph.NodeExtra("12 visits, 5 gave up", "#c62828", mark=True)}
    for dot in (graph.to_dot(routes), graph.to_dot(routes, extra)):
        proc = subprocess.run(
            ["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        assert proc.stdout.count('<g id="edge') == 5


def test_mermaid_shapes_and_edge_labels(routes) -> None:  # type: ignore[no-untyped-def]
    mermaid = graph.to_mermaid(routes)
    assert '    n_probe{{"probe (check): command_exists(command=lpstat)"}}' in mermaid
    assert '    n_by_os[/"by-os (branch): by os, printer"\\]' in mermaid
    assert '    n_ask{"ask: Is it plugged in?"}' in mermaid
    assert '    n_probe -->|"pass / fallback: Yes"| n_ok' in mermaid
    assert '    n_probe -->|"fail / fallback: No"| n_ask' in mermaid
    assert '    n_by_os -->|"os=linux, printer=usb"| n_probe' in mermaid
    arrows = [line for line in mermaid.splitlines() if "-->" in line]
    assert (
        len(arrows) == len({line.split("|")[0] + line.rsplit(" ", 1)[-1] for line in arrows}) == 5
    )


def test_text_tree_names_checks_branches_and_their_edges(routes) -> None:  # type: ignore[no-untyped-def]
    console = Console(record=True, width=200)
    console.print(graph.to_tree(routes))
    text = console.export_text()
    assert "by-os (branch)  by os, printer" in text
    assert (
        "os=linux, printer=usb → probe (check command_exists)  command_exists(command=lpstat)"
        in text
    )
    assert "pass / fallback: Yes → ok [resolved]" in text
    assert "fail / fallback: No → ask (question)" in text
    assert "default → ↩ ask (see above)" in text


def test_an_overlay_adds_a_note_a_fill_and_a_mark_to_a_node(routes) -> None:  # type: ignore[no-untyped-def]
    """The hook the feedback view draws with (feedback/graph_overlay.py), on every
    kind of node: a check keeps its bold outline and gets the fill."""
    extra = {
        "ask": graph.NodeExtra("12 visits, 5 gave up", "#c62828", mark=True),
        "probe": graph.NodeExtra("3 visits", "#ffcdd2"),
    }
    dot = graph.to_dot(routes, extra)
    assert re.search(
        r'"ask" \[label="ask\\nIs it plugged in\?\\n12 visits, 5 gave up", shape=diamond, '
        r'fillcolor="#c62828", color="#b71c1c", penwidth=5, style="filled,bold"\]',
        dot,
    ), dot
    assert re.search(r'"probe" \[label="probe \(check command_exists\)\\n[^"]*\\n3 visits", '
                     r'shape=hexagon, fillcolor="#ffcdd2", style="bold,filled"\]', dot), dot  # fmt: skip
    mermaid = graph.to_mermaid(routes, extra)
    assert '    n_ask{"ask: Is it plugged in?<br/>12 visits, 5 gave up"}' in mermaid
    assert "    style n_ask fill:#c62828,stroke:#b71c1c,stroke-width:5px" in mermaid
    assert "    style n_probe fill:#ffcdd2" in mermaid
    console = Console(record=True, width=200)
    console.print(graph.to_tree(routes, extra))
    assert "ask (question)  Is it plugged in?  [12 visits, 5 gave up]" in console.export_text()
    assert graph.to_dot(routes) != dot and "fillcolor" not in graph.to_dot(routes)


def test_deep_trees_continue_below_instead_of_nesting_forever(write_guide) -> None:  # type: ignore[no-untyped-def]
    # 40 questions, each leading on or out: nesting alone would be 160 columns.
    nodes = "".join(
        f"  q{i}:\n    type: question\n    text: Q{i}?\n    choices:\n"
        f'      - {{label: "On", next: q{i + 1}}}\n      - {{label: "Out", next: out}}\n'
        for i in range(40)
    )
    text = (
        "format: 1\nid: deep\nkind: troubleshooter\ntitle: Deep\nsummary: s\nsymptoms: [s]\n"
        f"start: q0\nnodes:\n{nodes}  q40: {{type: outcome, result: resolved, text: end}}\n"
        "  out: {type: outcome, result: unresolved, text: out}\n"
    )
    guide = load_guide(write_guide("deep.yaml", text)).guide
    assert guide is not None
    console = Console(record=True, width=100)
    console.print(graph.to_tree(guide))
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any("(continued below)" in line for line in lines)
    assert any("(continued)" in line for line in lines)
    shown = " ".join(lines)
    assert all(f"q{i} (question)" in shown for i in range(40))


def _chain(n: int) -> str:
    lines = ["format: 1", "id: long-chain", "kind: troubleshooter", "title: A long chain",
             "summary: One step after another.", "symptoms: [long]", "start: n0", "nodes:"]  # fmt: skip
    lines += [f"  n{i}: {{type: step, text: Step {i}., next: n{i + 1}}}" for i in range(n - 1)]
    lines += [f"  n{n - 1}: {{type: outcome, result: resolved, text: Done.}}", "tests:",
              "  - name: all the way", f"    answers: [{', '.join(['next'] * (n - 1))}]",
              "    outcome: resolved"]  # fmt: skip
    return "\n".join(lines) + "\n"


CHAIN_COMMANDS = [
    ["validate", "--strict", "{file}"],
    ["test", "{file}"],
    ["paths", "{file}"],
    ["paths", "{file}", "--format", "json"],
    ["graph", "{file}"],
    ["graph", "{file}", "--format", "dot"],
    ["graph", "{file}", "--format", "mermaid"],
    ["run", "long-chain", "--guides", "{dir}", "--answers", "{answers}"],
    ["i18n", "extract", "{file}", "--lang", "nb"],
    ["fmt", "--check", "{file}"],
]


@pytest.mark.parametrize(
    "command", CHAIN_COMMANDS, ids=lambda c: " ".join(c[:3]).replace("{file}", "")
)
def test_a_chain_of_10000_nodes_goes_through_every_command(
    tmp_path: Path, cli_env, command
) -> None:  # type: ignore[no-untyped-def]
    n = 10_000
    path = tmp_path / "long-chain.yaml"
    path.write_text(_chain(n), encoding="utf-8")
    args = [
        a.replace("{file}", str(path))
        .replace("{dir}", str(tmp_path))
        .replace("{answers}", ",".join(["next"] * (n - 1)))
        for a in command
    ]
    proc = subprocess.run([*selfhelp_cmd(), "--no-bundled", *args], capture_output=True,
                          text=True, env=cli_env, timeout=600)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "RecursionError" not in proc.stderr
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    if command[0] == "graph":
        assert f"n{n - 1}" in out and "n5000" in out
    if command[0] == "paths" and "--format" not in command:
        assert f"longest ({n} nodes)" in out
    if command[0] == "test":
        assert "1 passed, 0 failed" in out and "9,999 of 9,999 edges (100%)" in out
    if command[0] == "run":
        assert "Resolved" in out
