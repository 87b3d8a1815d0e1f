"""No guide, translation or file name can drive the terminal, through any command.

A hostile corpus (escape sequences in YAML keys, `kind` values, titles, labels,
test names, a translation, and in file and folder names) goes through every command
as a subprocess. Each command's bytes are fed to a terminal emulator (pyte) that
records every control function it is asked to perform, and are scanned raw (pyte
implements no OSC 52 clipboard, and a real terminal has more to abuse than pyte).
The window title must stay as it was, nothing may move the cursor, clear the screen
or a line, and a line written before the command must still be on the screen.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from selfhelp_tui.guides.loader import load_guide
from selfhelp_tui.guides.translate import source_strings
from selfhelp_tui.i18n.po import quote

from .conftest import selfhelp_cmd

ESC = "\x1b"
TITLE = ESC + "]0;PWNED" + "\x07"  # OSC 0: set the window title
TITLE_ST = ESC + "]2;PWNED-TOO" + ESC + "\\"  # OSC 2, ended by ST
CLEAR = ESC + "[2J" + ESC + "[H"  # clear the screen, cursor home
CLIPBOARD = ESC + "]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==" + "\x07"  # OSC 52: write it
C1_CLEAR = "\x9b2J"  # clear the screen with an 8-bit CSI
ASK_TERMINAL = ESC + "P+q544e" + ESC + "\\"  # DCS: make the terminal answer
BIDI = "\u202e"  # right-to-left override

#: Bytes no command may write: C0 controls but tab and newline, DEL, C1 (in
#: UTF-8), bidirectional embeddings, overrides and isolates.
FORBIDDEN = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)

EARLIER = "THE RUN-PROBE WARNINGS A REVIEWER READ BEFORE"


def yaml_escaped(text: str) -> str:
    """A YAML double-quoted string holding `text` exactly (controls as escapes)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch == BIDI:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def write_corpus(root: Path) -> tuple[Path, Path]:
    """The hostile folder (its own name hostile too) and its translatable guide."""
    folder = root / f"guides{TITLE_ST}"
    folder.mkdir()
    (folder / "a-run.yaml").write_text(
        """format: 1
id: a-run
kind: troubleshooter
title: A check that runs a command
summary: Runs lpstat, which the validator points out.
symptoms: [printer queue]
start: queue
nodes:
  queue:
    type: check
    probe: run
    with:
      command: [lpstat, -o]
    pass: done
    fail: done
    fallback:
      text: Does `lpstat -o` list jobs?
      choices:
        - label: "Yes"
          next: done
        - label: "No"
          next: done
  done:
    type: outcome
    result: resolved
    text: Done.
""",
        encoding="utf-8",
    )
    (folder / "b-keys.yaml").write_text(
        f"""format: 1
id: hostile-keys
kind: {yaml_escaped("troubleshooter" + CLEAR)}
title: Keys
summary: s.
symptoms: [s]
start: a
{yaml_escaped("bad" + TITLE + CLIPBOARD)}: 1
nodes:
  a:
    type: outcome
    result: {yaml_escaped("resolved" + C1_CLEAR + ASK_TERMINAL)}
    text: x
""",
        encoding="utf-8",
    )
    guide = folder / "c-guide.yaml"
    guide.write_text(
        f"""format: 1
id: hostile-guide
kind: troubleshooter
title: {yaml_escaped("Hostile " + TITLE + "title")}
summary: {yaml_escaped("A guide that tries to drive the terminal" + CLEAR)}
tags: [hostile]
symptoms: ["hostile terminal"]
start: ask
nodes:
  ask:
    type: question
    text: {yaml_escaped("Pick one " + CLIPBOARD)}
    choices:
      - label: {yaml_escaped("Fine " + BIDI + "enil")}
        next: done
      - label: Other
        next: done
  done:
    type: outcome
    result: resolved
    text: Done.
tests:
  - name: {yaml_escaped("wrong " + TITLE)}
    answers: [1]
    outcome: unresolved
""",
        encoding="utf-8",
    )
    # A translation that tries the same: every string of the guide translated (so
    # the reader gets it), with escapes written as PO writes them (octal and hex).
    loaded = load_guide(guide, str(folder)).guide
    assert loaded is not None
    entries = [
        'msgid ""\nmsgstr ""\n"Language: nb\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"'
    ]
    for s in source_strings(loaded):
        hostile = "\\033]0;PWNED\\007\\x1b[2J\\033[H" + s.text.replace("\\", "\\\\").replace(
            '"', '\\"'
        )
        entries.append(f'msgctxt {quote(s.context)}\nmsgid {quote(s.text)}\nmsgstr "{hostile}"')
    entries.append('msgctxt "nosuch\\033]0;PWNED\\007/text"\nmsgid "x"\nmsgstr "y"')
    (folder / "c-guide.nb.po").write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    # File names: a broken guide (validate and list name it) and a good one.
    (folder / f"z{CLEAR}{TITLE}.yaml").write_text("format: 1\nid: [\n", encoding="utf-8")
    (folder / f"y{CLIPBOARD}{BIDI}{C1_CLEAR}.yaml").write_text(
        """format: 1
id: named-badly
kind: tutorial
title: A tutorial in a badly named file
summary: s.
symptoms: [hostile name]
steps:
  - text: One.
""",
        encoding="utf-8",
    )
    return folder, guide


class Watched:
    """A terminal emulator that records every control function it performs."""

    CONTROL = (
        "set_title", "set_icon_name", "erase_in_display", "erase_in_line", "erase_characters",
        "cursor_position", "cursor_up", "cursor_up1", "cursor_down", "cursor_down1",
        "cursor_back", "cursor_forward", "cursor_to_column", "cursor_to_line",
        "delete_lines", "insert_lines", "delete_characters", "insert_characters",
        "reverse_index", "bell", "reset", "set_margins", "set_mode", "reset_mode",
        "report_device_attributes", "report_device_status", "select_graphic_rendition",
        "save_cursor", "restore_cursor", "alignment_display", "define_charset",
        "shift_in", "shift_out", "backspace", "set_tab_stop", "clear_tab_stop",
    )  # fmt: skip

    def __init__(self) -> None:
        import pyte

        self.events: list[str] = []
        self.screen = pyte.Screen(220, 3000)
        self.screen.set_mode(pyte.modes.LNM)  # a newline returns the carriage, as a tty does
        self.stream = pyte.ByteStream(self)  # the stream asks us; the screen does it

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        action = getattr(self.screen, name)
        if name not in self.CONTROL:
            return action

        def record(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.events.append(name)
            return action(*args, **kwargs)

        return record

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display).rstrip()


def run(args: list[str], cwd: Path, env: dict[str, str], stdin: str = "") -> bytes:
    proc = subprocess.run(
        [*selfhelp_cmd(), *args],
        cwd=cwd,
        env=env,
        input=stdin.encode(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # both, interleaved as a terminal shows them
        timeout=120,
    )
    assert b"Traceback" not in proc.stdout, proc.stdout.decode(errors="replace")
    return proc.stdout


def assert_inert(name: str, data: bytes) -> str:
    """The bytes hold no control, and a terminal shows them as plain lines."""
    bad = FORBIDDEN.search(data)
    context = data[max(0, bad.start() - 60) : bad.end() + 20] if bad else b""
    assert bad is None, f"{name}: a control byte reached the terminal: {context!r}"
    term = Watched()
    term.feed((EARLIER + "\n").encode())
    term.feed(data)
    assert term.events == [], f"{name}: the terminal was made to {term.events}"
    assert term.screen.title == "" and term.screen.icon_name == ""
    shown = term.text()
    assert shown.startswith(EARLIER), f"{name}: earlier lines are gone:\n{shown}"
    return shown


def commands(folder: Path, guide: Path, report: Path) -> dict[str, tuple[list[str], str]]:
    lib = ["--no-bundled", "--guides", str(folder)]
    hostile_id = "hostile-guide" + TITLE
    return {
        "validate": (["validate", str(folder)], ""),
        "validate json": (["validate", "--format", "json", str(folder)], ""),
        "validate github": (["validate", "--format", "github", str(folder)], ""),
        "validate sarif": (["validate", "--format", "sarif", str(folder)], ""),
        "validate --lang nb": (["validate", "--lang", "nb", str(folder)], ""),
        "validate a missing path": (["validate", str(folder / f"gone{TITLE}.yaml")], ""),
        "list": (["list", *lib], ""),
        "list --lang nb": (["list", "--lang", "nb", *lib], ""),
        "list json": (["list", "--format", "json", *lib], ""),
        "search": (["search", "hostile", *lib], ""),
        "search --lang nb": (["search", "hostile", "--lang", "nb", *lib], ""),
        "search json": (["search", "hostile", "--format", "json", *lib], ""),
        "test": (["test", str(folder)], ""),
        "paths": (["paths", "--list", str(guide)], ""),
        "graph": (["graph", str(guide)], ""),
        "graph mermaid": (["graph", "--format", "mermaid", str(guide)], ""),
        "graph dot": (["graph", "--format", "dot", str(guide)], ""),
        "run --plain --lang nb": (
            ["run", "hostile-guide", "--plain", "--lang", "nb", *lib, "--report", str(report)],
            "1\n",
        ),
        "run --answers": (["run", "hostile-guide", "--answers", "1", *lib], ""),
        "run an unknown id": (["run", hostile_id, *lib], ""),
        "run a broken guide": (["run", "hostile-keys", *lib], ""),
        "the plain picker": (["--plain", *lib], "quit\n"),
        "i18n check": (["i18n", "extract", str(folder / "b-keys.yaml"), "--lang", "nb"], ""),
    }


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    return write_corpus(tmp_path)


def test_no_command_lets_a_control_sequence_through(
    corpus: tuple[Path, Path], tmp_path: Path, cli_env: dict[str, str]
) -> None:
    folder, guide = corpus
    report = tmp_path / "report.md"
    seen: dict[str, str] = {}
    for name, (args, stdin) in commands(folder, guide, report).items():
        seen[name] = assert_inert(name, run(args, tmp_path, cli_env, stdin))
    # The reviewer sees that something was there, written out, and on one line:
    assert "unknown key 'bad\\u001b]0;PWNED\\u0007\\u001b]52;c;" in seen["validate"]
    assert "'troubleshooter\\u001b[2J\\u001b[H'" in seen["validate"]
    assert "z\\u001b[2J\\u001b[H\\u001b]0;PWNED\\u0007.yaml:3:1: error:" in seen["validate"]
    # ... and the warnings written before the hostile files are still on screen.
    assert "a-run.yaml:11:12: warning:" in seen["validate"]
    # JSON stays JSON, and says exactly what the file holds.
    import json

    messages = [
        d["message"] for d in json.loads(seen["validate json"].split("\n", 1)[1].rsplit("\n", 1)[0])
    ]
    assert any("bad\\u001b]0;PWNED" in m for m in messages)
    # The hostile translation: cleaned where it is read, and warned about.
    assert "c-guide.nb.po" in seen["validate --lang nb"]
    assert "contains control characters or escape sequences" in seen["validate --lang nb"]
    assert "[control-characters]" in seen["validate --lang nb"]
    assert "Hostile title" in seen["run --plain --lang nb"]  # the translated title, clean
    # The report the walk wrote is as inert as the screen.
    assert_inert("the report", report.read_bytes())
    # The folder's own (hostile) name shows written out in the list's source column.
    assert "guides\\u001b]2;PWNED-TOO" in seen["list"].replace("\n", "")


def test_a_hostile_translation_is_cleaned_and_warned_about(
    corpus: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from selfhelp_tui.guides.translate import check_translation, localize

    folder, guide_path = corpus
    guide = load_guide(guide_path, str(folder)).guide
    assert guide is not None
    shown = localize(guide, "nb")
    assert shown.title.startswith("Hostile") and ESC not in shown.title
    assert all(ESC not in n.text and "\x07" not in n.text for n in shown.nodes.values())
    diags = check_translation(guide, folder / "c-guide.nb.po", "nb")
    flagged = [d for d in diags if d.code == "control-characters"]
    assert len(flagged) == len(source_strings(guide))
    assert all(d.severity.value == "warning" for d in flagged)


def test_a_commands_escapes_never_reach_the_screen_or_the_report() -> None:
    """`run` output is cleaned where it is captured: the TUI, plain mode and the
    report all show it, and a colourful or hostile command must not drive them."""
    import sys

    from selfhelp_tui.probes import run_probe

    code = f"print({(CLEAR + 'disk ' + TITLE + 'OK' + C1_CLEAR)!r})"
    result = run_probe("run", {"command": [sys.executable, "-c", code], "matches": "disk OK"})
    assert result.status == "pass"  # the pattern sees the text without the escapes
    assert result.output.strip() == "disk OK"


async def test_the_tui_lists_hostile_file_names_written_out(corpus: tuple[Path, Path]) -> None:
    from selfhelp_tui.guides.library import Source, load_library

    from .tui_helpers import make_app

    folder, _guide = corpus
    app = make_app(load_library([Source(folder, "hostile")]))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        failures = str(app.screen.query_one("#failures").render())
    assert "z\\u001b[2J\\u001b[H\\u001b]0;PWNED\\u0007.yaml" in failures
    assert FORBIDDEN.search(failures.encode()) is None
