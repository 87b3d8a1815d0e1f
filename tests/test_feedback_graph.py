"""Where readers give up, drawn on the tree (issue 18, section 6): `selfhelp graph
GUIDE --feedback` (DOT rendered by Graphviz, Mermaid checked line by line) and
`selfhelp feedback report --html` opened in real Chromium, offline, with guide
text that tries to inject HTML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import LIBRARY, selfhelp_cmd
from .test_feedback import fake_record

DOT = shutil.which("dot")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WORST_STROKE = "#b71c1c"

HOSTILE = r"""format: 1
id: hostile
version: 1
kind: troubleshooter
title: "</title><script>window.pwned = 1</script><img src=http://198.51.100.7/t.png>"
summary: "A guide whose text tries to break out of its page."
start: ask
nodes:
  ask:
    type: question
    text: "<b onmouseover=alert(1)>Ask</b> \"quoted\" ]; evil -> x [label= <iframe src=//198.51.100.7/>"
    choices:
      - label: "<script>window.pwned = 2</script>"
        next: deep
      - label: "Other"
        next: done
  deep:
    type: step
    text: "Step with `code` and <style>body{display:none}</style>"
    next: done
  done:
    type: outcome
    result: resolved
    text: "Fixed <svg onload=alert(3)>"
"""


def records(n: int = 40) -> list[dict]:  # type: ignore[type-arg]
    """printer walks: most reach 'queue'; of those who go on to 'cancel-jobs',
    most give up there (the worst node); a few reach 'switch-on' (hidden, k=5)."""
    out = []
    for i in range(n):
        rec = fake_record(i)
        if i < 3:
            rec["path"], rec["outcome"] = ["power", "switch-on"], "abandoned"
        elif i < 13:
            rec["path"], rec["outcome"] = ["power", "queue"], "abandoned" if i < 5 else "escalate"
        else:
            rec["path"] = ["power", "queue", "cancel-jobs"]
            rec["outcome"] = "abandoned" if i % 3 else "resolved"
        rec["flagged"] = ["queue"] if i % 10 == 0 else []
        out.append(rec)
    return out


def write_export(path: Path, recs: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return path


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*selfhelp_cmd(), *args], capture_output=True, text=True, env=env,
                          timeout=120)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    return proc


def graph(env: dict[str, str], fmt: str, export: Path | None, *extra: str) -> str:
    feedback = ["--feedback", str(export)] if export else ["--feedback"]
    return run(env, "graph", "printer", "--no-bundled", "--guides", str(LIBRARY), "--format", fmt,
               *feedback, *extra).stdout  # fmt: skip


# --- DOT, rendered ---------------------------------------------------------------------


@pytest.mark.skipif(DOT is None, reason="Graphviz is not installed (apt-get install graphviz); "
                    ".ci/run installs it")  # fmt: skip
def test_dot_with_feedback_renders_in_graphviz_with_the_worst_node_marked(
    tmp_path: Path, cli_env
) -> None:  # type: ignore[no-untyped-def]
    import xml.etree.ElementTree as ET

    dot = graph(cli_env, "dot", write_export(tmp_path / "e.ndjson", records()))
    rendered = subprocess.run([DOT, "-Tsvg"], input=dot, capture_output=True, text=True,
                              timeout=60, check=True).stdout  # fmt: skip
    ns = {"s": "http://www.w3.org/2000/svg"}
    nodes = {}
    for g in ET.fromstring(rendered).iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") == "node":
            shape = g.find("s:polygon", ns)
            if shape is None:  # rounded boxes are paths
                shape = g.find("s:path", ns)
            assert shape is not None
            texts = " ".join(t.text or "" for t in g.findall("s:text", ns))
            nodes[g.find("s:title", ns).text] = (shape.get("fill"), shape.get("stroke"), texts)
    assert set(nodes) == {"power", "switch-on", "queue", "cancel-jobs", "works", "fixed",
                          "call-support"}  # fmt: skip
    assert [n for n, (_f, stroke, _t) in nodes.items() if stroke == WORST_STROKE] == ["cancel-jobs"]
    assert "27 readers, 18 left here (67%)" in nodes["cancel-jobs"][2]
    assert "37 readers, 2 left here (5%), 4 unclear" in nodes["queue"][2]
    assert "fewer than 5 readers" in nodes["switch-on"][2]  # 3 readers: hidden
    assert nodes["switch-on"][0] == "#e0e0e0"
    # redder where more gave up
    red = {n: int(f[1:3], 16) - int(f[3:5], 16) for n, (f, _s, _t) in nodes.items() if f}
    assert red["cancel-jobs"] > red["queue"] > red["power"]  # 67%, 5%, 0% gave up


@pytest.mark.skipif(DOT is None, reason="Graphviz is not installed; .ci/run installs it")
def test_hostile_guide_text_stays_inside_its_dot_labels(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE)
    recs = []
    for i in range(6):
        rec = fake_record(i, guide="hostile")
        rec["guide_version"], rec["path"], rec["outcome"] = 1, ["ask", "deep"], "abandoned"
        recs.append(rec)
    export = write_export(tmp_path / "e.ndjson", recs)
    dot = run(cli_env, "graph", "hostile", "--no-bundled", "--guides", str(folder),
              "--format", "dot", "--feedback", str(export)).stdout  # fmt: skip
    plain = subprocess.run([DOT, "-Tplain"], input=dot, capture_output=True, text=True,
                           timeout=60, check=True).stdout  # fmt: skip
    drawn = [line.split()[1] for line in plain.splitlines() if line.startswith("node ")]
    assert sorted(drawn) == ["ask", "deep", "done"]  # no node injected by a label


# --- Mermaid, checked line by line -----------------------------------------------------

NODE = re.compile(
    r'^    (n_[A-Za-z0-9_]+)(\(\["|\{\{"|\{"|\[/"|\["|\[\[")((?:[^"]|#quot;)*)'
    r'("\]\)|"\}\}|"\}|"\\\]|"\]|"\]\])(:::\w+)?$'
)
EDGE = re.compile(r'^    (n_[A-Za-z0-9_]+) -->(\|"[^"]*"\|)? (n_[A-Za-z0-9_]+)$')
STYLE = re.compile(r"^    style (n_[A-Za-z0-9_]+) ((?:[a-z-]+:#?[0-9a-z]+,?)+)$")
CLASSDEF = re.compile(r"^    classDef \w+ [a-z-]+:#[0-9a-f]{6},stroke-width:\d+px$")


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str]], dict[str, str]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    styles: dict[str, str] = {}
    for line in lines[1:]:
        if m := NODE.match(line):
            opening, closing = m.group(2), m.group(4)
            pairs = {
                '(["': '"])',
                '{{"': '"}}',
                '{"': '"}',
                '[/"': '"\\]',
                '["': '"]',
                '[["': '"]]',
            }
            assert pairs[opening] == closing, line
            nodes[m.group(1)] = m.group(3)
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(3)))
        elif m := STYLE.match(line):
            styles[m.group(1)] = m.group(2)
        else:
            assert CLASSDEF.match(line), f"not a Mermaid line we write: {line!r}"
    for a, b in edges:
        assert a in nodes and b in nodes, (a, b)
    assert set(styles) <= set(nodes)
    return nodes, edges, styles


def test_mermaid_with_feedback_is_well_formed_and_marks_the_worst_node(
    tmp_path: Path, cli_env
) -> None:  # type: ignore[no-untyped-def]
    text = graph(cli_env, "mermaid", write_export(tmp_path / "e.ndjson", records()))
    nodes, edges, styles = parse_mermaid(text)
    assert len(nodes) == 7 and len(edges) == 8
    assert [n for n, s in styles.items() if f"stroke:{WORST_STROKE}" in s] == ["n_cancel_jobs"]
    assert "<br/>27 readers, 18 left here (67%)" in nodes["n_cancel_jobs"]
    assert "fewer than 5 readers" in nodes["n_switch_on"]
    assert all(s.startswith("fill:#") for s in styles.values())


def test_mermaid_escapes_hostile_text(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE)
    text = run(cli_env, "graph", "hostile", "--no-bundled", "--guides", str(folder),
               "--format", "mermaid", "--feedback").stdout  # fmt: skip
    nodes, _edges, _styles = parse_mermaid(text)
    assert set(nodes) == {"n_ask", "n_deep", "n_done"}
    assert "<" not in "".join(nodes.values()).replace("<br/>", "")


def test_the_text_tree_lists_nodes_worst_first_from_the_local_log(cli_env, isolated_env) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.feedback.store import Store

    store = Store(isolated_env / "outcomes.sqlite3")
    for rec in records():
        store.put(rec)
    store.close()
    proc = run(cli_env, "graph", "printer", "--no-bundled", "--guides", str(LIBRARY), "--feedback")
    tail = proc.stdout.splitlines()[-4:]
    assert tail[0] == "▲ cancel-jobs: 27 readers, 18 left here (67%)"
    assert tail[-1] == "  switch-on: fewer than 5 readers"
    assert "Worst node: cancel-jobs: 18 of the 27 readers who reached it gave up there (67%)." in (
        proc.stderr
    )


# --- the HTML page, in a real browser ----------------------------------------------------


@pytest.fixture
def page_of(tmp_path: Path, cli_env):  # type: ignore[no-untyped-def]
    def make(recs: list[dict], *guides: str) -> Path:  # type: ignore[type-arg]
        export = write_export(tmp_path / "e.ndjson", recs)
        target = tmp_path / "report.html"
        args = [a for folder in guides for a in ("--guides", folder)]
        run(cli_env, "feedback", "report", str(export), "--no-bundled", *args,
            "--html", str(target))  # fmt: skip
        return target

    return make


def test_the_html_page_is_self_contained(page_of) -> None:  # type: ignore[no-untyped-def]
    html = page_of(records(), str(LIBRARY)).read_text()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"(src|href)=", html)
    assert not re.search(r"url\((?!#arrow\d+\))", html)  # only its own arrow heads


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed; .ci/run installs it")
def test_the_html_page_in_chromium_offline_shows_the_worst_node_and_no_injected_html(
    page_of, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE)
    recs = records()
    for i in range(8):
        rec = fake_record(i, guide="hostile")
        rec["guide_version"] = 1
        rec["path"], rec["outcome"] = (
            (["ask", "deep"], "abandoned") if i < 6 else (["ask"], "resolved")
        )
        recs.append(rec)
    target = page_of(recs, str(LIBRARY), str(folder))
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(offline=True)  # viewable offline
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(target.as_uri())
            page.wait_for_load_state("load")
            # Nothing fetched but the page itself; nothing injected ran or appeared.
            assert requests == [target.as_uri()]
            assert page.evaluate("typeof window.pwned") == "undefined" and dialogs == []
            assert page.locator("img, iframe, script, b[onmouseover]").count() == 0
            assert page.evaluate("document.body.offsetHeight") > 100  # the <style> did not hide it
            hostile = page.locator('section[data-guide="hostile"] h2')
            assert "<script>window.pwned = 1</script>" in hostile.inner_text()
            # The worst node of each guide is marked where a writer looks: named in
            # red above the tree, drawn with a thick red border and a badge.
            printer = page.locator('section[data-guide="printer"]')
            line = printer.locator(".worst-line")
            assert line.inner_text().startswith("Worst node: cancel-jobs: 18 of the 27 readers")
            assert line.evaluate("e => getComputedStyle(e).color") == "rgb(183, 28, 28)"
            worst = printer.locator("g.node.worst")
            assert worst.count() == 1 and worst.get_attribute("data-node") == "cancel-jobs"
            box = worst.locator("rect").bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 40
            assert worst.locator("rect").evaluate(
                "e => [getComputedStyle(e).stroke, getComputedStyle(e).strokeWidth]"
            ) == ["rgb(183, 28, 28)", "5px"]
            assert "worst" in (worst.text_content() or "") and "18 left here (67%)" in (
                worst.text_content() or ""
            )
            assert printer.locator("tr.worst td").first.inner_text() == "cancel-jobs"
            others = printer.locator("g.node:not(.worst) rect")
            assert all(
                others.nth(i).evaluate("e => getComputedStyle(e).strokeWidth") != "5px"
                for i in range(others.count())
            )
            # The hostile guide's own worst node ('deep': 6 of 6 gave up) is marked too.
            assert (
                page.locator('section[data-guide="hostile"] g.node.worst').get_attribute(
                    "data-node"
                )
                == "deep"
            )
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()


def test_a_guide_not_in_the_library_gets_its_tables_only(page_of) -> None:  # type: ignore[no-untyped-def]
    html = page_of(records()).read_text()  # no guide folder: printer is not in the library
    assert "its tree cannot be drawn" in html and "<svg" not in html
    assert "Worst node: cancel-jobs" in html
