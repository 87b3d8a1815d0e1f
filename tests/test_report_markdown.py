"""Guide text cannot inject into the Markdown report.

A hostile guide's title fakes an "Outcome" section and embeds an image from an
outside server; its labels, step titles and text carry HTML, links, table rows,
headings at line start and backtick fences; a command prints a fence of its own.
The report is parsed with a CommonMark parser (markdown-it-py, the parser Textual
uses) and its structure must be exactly the report's own: one title, the Steps and
Outcome sections, one heading per step, one code block (the command's output),
no HTML, no images, no links, no tables; and every hostile text reads as written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from markdown_it import MarkdownIt

from selfhelp_tui.engine import Session, checking
from selfhelp_tui.engine.report import build_report, render_markdown
from selfhelp_tui.guides.loader import load_guide

IMG = '<img src="http://evil.example/x.png">'
TITLE = f"Printer\n\n## Outcome\n\nResolved {IMG}"
OUTPUT = "````\n## Outcome\n<script>alert(1)</script>\n```"


def hostile_guide(folder: Path) -> Path:
    code = f"print({OUTPUT!r})"
    path = folder / "hostile-report.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""format: 1
id: hostile-report
kind: troubleshooter
title: {json.dumps(TITLE)}
summary: s.
symptoms: [s]
start: look
nodes:
  look:
    type: check
    probe: run
    with:
      command: [{json.dumps(sys.executable)}, "-c", {json.dumps(code)}]
    pass: careful
    fail: careful
    fallback:
      text: Answer yourself.
      choices:
        - label: "Yes"
          next: careful
        - label: "No"
          next: careful
  careful:
    type: step
    caution: "Careful\n\n## Outcome\n\nResolved by [a link](http://evil.example)"
    text: |
      ## Outcome

      Resolved <b>bold</b> ![tracker](http://evil.example/t.png)

      | a | b |
      |---|---|
      | 1 | 2 |

          indented <i>code</i>
      1. not a list
      - not an item
      ===

      ```
      code that never closes
    next: ask
  ask:
    type: question
    text: "# Which?"
    choices:
      - label: "``` opens a block"
        next: done
      - label: "<em>html</em>"
        next: done
  done:
    type: outcome
    result: resolved
    text: Done.
""",
        encoding="utf-8",
    )
    return path


def test_guide_text_cannot_change_the_reports_structure(tmp_path: Path) -> None:
    result = load_guide(hostile_guide(tmp_path / "g"), "site")
    assert result.guide is not None, [d.format() for d in result.diagnostics]
    session = Session.start(result.guide, "plain")
    checking.allow_all(session)
    checking.continue_after(session, checking.perform(session, session.walk.node))
    session.acknowledge()
    session.answer("next")
    session.answer("``` opens a block")
    text = render_markdown(build_report(session))

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    assert not kinds & {"html_block", "html_inline", "image", "link_open", "table_open"}, text

    def shown(inline) -> str:  # type: ignore[no-untyped-def]
        return "".join(c.content for c in inline.children if c.type in ("text", "code_inline"))

    headings = [
        (t.tag, shown(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    flat_title = " ".join(line for line in TITLE.splitlines() if line)
    assert headings == [
        ("h1", f"Session report: {flat_title}"),
        ("h2", "Steps"),
        ("h3", "1. look"),
        ("h3", "2. careful"),
        ("h3", "3. ask"),
        ("h3", "4. done"),
        ("h2", "Outcome"),
    ], text
    fences = [t for t in tokens if t.type in ("fence", "code_block")]
    assert [f.content for f in fences] == [OUTPUT + "\n"], text

    # Every hostile text reads as the walk showed it (plain text: markdown_to_plain).
    rendered = "\n".join(shown(t) for t in tokens if t.type == "inline")
    for plain in (IMG, "Resolved <b>bold</b> !tracker (http://evil.example/t.png)", "| a | b |",
                  "|---|---|", "indented <i>code</i>", "1. not a list", "- not an item", "===",
                  "code that never closes", "Which?", "Careful Outcome Resolved by a link",
                  "``` opens a block"):  # fmt: skip
        assert plain in rendered, (plain, text)
    assert "````\\n## Outcome\\n<script>" in rendered  # the command line, as run
