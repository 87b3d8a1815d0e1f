"""`selfhelp fmt` (issue 18, part 5): canonical key order and layout, comments
kept with what they are about, text never rewritten, `--check`, `--diff`, `-`,
and files with errors left alone."""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from selfhelp_tui.cli import main
from selfhelp_tui.guides import load_guide
from selfhelp_tui.guides.fmt import FormatError, format_text

from .conftest import BUNDLED, FIXTURES, selfhelp_cmd
from .test_fuzz import FUZZ, guides

MESSY = """\
# yaml-language-server: $schema=../schema/guide.schema.json
# A guide about cables, written in no particular order.
title: Cables    # the title
kind: troubleshooter
id: cables
format: 1
symptoms: [cable]
summary: |
  Two lines
  of summary.   \n\
start: a
nodes:
  # the first node
  a:
    # the choices came first here
    choices:
      - next: b   # to b
        label: "Yes"
        # a comment inside the first choice
      - label: "No"
        next: c
    text: Is it plugged in?   \n\
    type: question
  b: {text: Plug it in., next: c, type: step}
  c:
    text: |
      Done.

      # not a comment: part of the text
    result: resolved
    type: outcome
tests:
  - outcome: resolved   # expected
    answers: [2]
    name: unplugged
"""

CANONICAL = """\
# yaml-language-server: $schema=../schema/guide.schema.json
# A guide about cables, written in no particular order.
format: 1
id: cables
kind: troubleshooter
title: Cables    # the title
summary: |
  Two lines
  of summary.   \n\
symptoms: [cable]
start: a
nodes:
  # the first node
  a:
    type: question
    text: Is it plugged in?
    # the choices came first here
    choices:
      - label: "Yes"
        next: b   # to b
        # a comment inside the first choice
      - label: "No"
        next: c
  b: {type: step, text: Plug it in., next: c}
  c:
    type: outcome
    result: resolved
    text: |
      Done.

      # not a comment: part of the text
tests:
  - name: unplugged
    answers: [2]
    outcome: resolved   # expected
"""


def _comments(text: str) -> list[str]:
    return sorted(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)


def test_keys_go_in_canonical_order_and_every_comment_survives() -> None:
    out = format_text(MESSY)
    assert out == CANONICAL
    assert _comments(out) == _comments(MESSY)
    assert yaml.safe_load(out) == yaml.safe_load(MESSY)
    assert format_text(out) == out  # idempotent


def test_comments_stay_with_what_they_are_about() -> None:
    out = format_text(MESSY).splitlines()
    assert out[out.index("  a:") - 1] == "  # the first node"
    assert out[out.index("    choices:") - 1] == "    # the choices came first here"
    assert "        next: b   # to b" in out
    # Trailing spaces go, except inside text, where they are content.
    assert "    text: Is it plugged in?" in out and "  of summary.   " in out


def test_the_formatted_guide_validates_as_the_original(tmp_path: Path) -> None:
    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    before.write_text(MESSY, encoding="utf-8")
    after.write_text(format_text(MESSY), encoding="utf-8")
    a, b = load_guide(before).guide, load_guide(after).guide
    assert a is not None and b is not None

    def shape(guide):  # type: ignore[no-untyped-def]
        nodes = [(n.id, n.type, n.text, n.link_labels(), [link.target for link in n.links()])
                 for n in guide.nodes.values()]  # fmt: skip
        return (
            guide.title,
            guide.summary,
            nodes,
            [(t.name, t.answers, t.outcome) for t in guide.tests],
        )

    assert shape(a) == shape(b)


def test_an_alias_before_its_anchor_is_refused_not_broken() -> None:
    text = (
        "summary: &t Same\nformat: 1\nid: a\nkind: troubleshooter\ntitle: *t\n"
        "symptoms: [s]\nstart: x\nnodes:\n  x: {type: outcome, result: resolved, text: ok}\n"
    )
    with pytest.raises(FormatError, match="change what the file says"):
        format_text(text)


LAID_OUT_BADLY = """\
# header


format:   1
id: cables
kind: troubleshooter
title: Cables
summary: >
    Folded summary
    over two lines.
symptoms:
- cable
-   "plug"
start: a
nodes:
    # the first node
    a:
        text: |
            Is it plugged in?

              indented: code   \n\
        type: question
        choices:
        -   next: b
            # about the label
            label: "Yes"
        -   label: "No"
            next: c   # to c
        # end of the choices



    b: {text: Plug it in., next: c, type: step}
    c:
      type: outcome
      result: resolved
      text: "A quoted text
        over lines"
"""

LAID_OUT_WELL = """\
# header

format: 1
id: cables
kind: troubleshooter
title: Cables
summary: >
  Folded summary
  over two lines.
symptoms:
  - cable
  - "plug"
start: a
nodes:
  # the first node
  a:
    type: question
    text: |
      Is it plugged in?

        indented: code   \n\
    choices:
      # about the label
      - label: "Yes"
        next: b
      - label: "No"
        next: c   # to c
      # end of the choices

  b: {type: step, text: Plug it in., next: c}
  c:
    type: outcome
    result: resolved
    text: "A quoted text
      over lines"
"""


def test_the_layout_becomes_the_documented_one() -> None:
    out = format_text(LAID_OUT_BADLY)
    assert out == LAID_OUT_WELL
    assert yaml.safe_load(out) == yaml.safe_load(LAID_OUT_BADLY)
    assert format_text(out) == out


def test_text_blocks_keep_every_character_and_their_inner_indentation() -> None:
    text = (
        "format: 1\nid: t\nkind: troubleshooter\ntitle: t\nstart: a\nnodes:\n"
        "    a:\n        type: step\n        next: b\n        text: |+\n"
        "            code:   keep   \n              deep\n\n\n"
        "        caution: |2\n             two more\n"
        "    b:\n        type: outcome\n        text: >-\n           folded\n\n           para\n"
        "        result: resolved\n"
    )
    out = format_text(text)
    assert yaml.safe_load(out) == yaml.safe_load(text)
    a = yaml.safe_load(out)["nodes"]["a"]
    assert a["text"] == "code:   keep   \n  deep\n\n\n" and a["caution"] == "   two more\n"
    lines = out.splitlines()
    assert "    text: |+" in lines and "      code:   keep   " in lines
    assert lines[lines.index("    text: |+") + 2] == "        deep"
    assert "         two more" in lines  # `|2`: two more than its key, and 3 of text
    assert format_text(out) == out


def test_files_with_crlf_a_bom_or_no_final_newline(tmp_path: Path) -> None:
    crlf = LAID_OUT_BADLY.replace("\n", "\r\n")
    out = format_text(crlf)
    assert out == LAID_OUT_WELL.replace("\n", "\r\n")
    assert format_text(MESSY.rstrip("\n")) == CANONICAL
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MESSY.encode("utf-8"))
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + CANONICAL.encode("utf-8")


def test_aliases_are_kept_where_their_anchor_allows(capsys) -> None:  # type: ignore[no-untyped-def]
    text = (
        "format: 1\nid: a\nkind: troubleshooter\ntitle: t\nstart: x\nnodes:\n"
        "  x:\n    type: question\n    text: &q Which?\n    choices:\n"
        "      - &yes {label: 'Yes', next: y}\n      - {label: 'No', next: y}\n"
        "  y:\n      text: *q\n      result: resolved\n      type: outcome\n"
    )
    out = format_text(text)
    assert yaml.safe_load(out) == yaml.safe_load(text)
    assert "  y:\n    type: outcome\n    result: resolved\n    text: *q\n" in out


# --- the command --------------------------------------------------------------------


def _fmt(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*selfhelp_cmd(), "fmt", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip


def test_fmt_check_lists_what_would_change_diff_shows_it_and_fmt_writes_it(
    tmp_path: Path, cli_env
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "pack"
    folder.mkdir()
    cables, other, done = folder / "cables.yaml", folder / "other.yaml", folder / "done.yaml"
    cables.write_text(MESSY, encoding="utf-8")
    other.write_text(MESSY.replace("id: cables", "id: other"), encoding="utf-8")
    done.write_text(CANONICAL.replace("id: cables", "id: done"), encoding="utf-8")
    cables.chmod(0o640)
    proc = _fmt(cli_env, "--check", str(folder))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [f"would reformat {cables}", f"would reformat {other}"]
    assert proc.stderr == "2 files would be reformatted, 1 file already formatted\n"
    proc = _fmt(cli_env, "--diff", str(cables))
    assert proc.returncode == 0  # as black: --diff alone says, it does not fail
    assert (
        proc.stdout.startswith(f"--- {cables}\n+++ {cables}\n") and "\n+format: 1\n" in proc.stdout
    )
    assert _fmt(cli_env, "--check", "--diff", str(cables)).returncode == 1
    assert cables.read_text(encoding="utf-8") == MESSY  # none of them changed a file
    assert other.read_text(encoding="utf-8") == MESSY.replace("id: cables", "id: other")

    proc = _fmt(cli_env, str(folder))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"reformatted {cables}", f"reformatted {other}"]
    assert proc.stderr == "2 files reformatted, 1 file already formatted\n"
    assert cables.read_text(encoding="utf-8") == CANONICAL
    assert cables.stat().st_mode & 0o777 == 0o640  # the permissions stay
    proc = _fmt(cli_env, "--check", str(folder))
    assert (proc.returncode, proc.stdout) == (0, "")
    assert proc.stderr == "0 files would be reformatted, 3 files already formatted\n"


def test_fmt_writes_through_a_link_and_formats_folders(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "pack"
    (folder / ".store").mkdir(parents=True)  # hidden: not a guide of the folder
    real = folder / ".store" / "real.yaml"
    real.write_text(MESSY, encoding="utf-8")
    (folder / "cables.yaml").symlink_to(real)
    outside = tmp_path / "outside.yaml"
    outside.write_text(MESSY, encoding="utf-8")
    (folder / "outside.yaml").symlink_to(outside)
    (folder / "other.yaml").write_text(CANONICAL.replace("id: cables", "id: other"), "utf-8")
    (folder / "selfhelp.yaml").write_text("validate:\n    ignore: [no-summary]\n", "utf-8")
    proc = _fmt(cli_env, str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "1 file reformatted, 1 file already formatted" in proc.stderr
    assert (folder / "cables.yaml").is_symlink() and real.read_text("utf-8") == CANONICAL
    # A link out of the folder is not followed, as everywhere, and fmt says so.
    assert outside.read_text("utf-8") == MESSY
    assert "outside.yaml:1:1: warning: skipped: a link to a file outside" in proc.stderr
    # The pack's manifest is not a guide: left as written.
    assert (folder / "selfhelp.yaml").read_text("utf-8") == "validate:\n    ignore: [no-summary]\n"


def test_fmt_leaves_read_only_and_hard_linked_files_and_says_why(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    locked = tmp_path / "locked.yaml"
    locked.write_text(MESSY, encoding="utf-8")
    locked.chmod(0o444)
    linked = tmp_path / "linked.yaml"
    linked.write_text(MESSY.replace("id: cables", "id: linked"), encoding="utf-8")
    twin = tmp_path / "twin" / "linked.yaml"
    twin.parent.mkdir()
    twin.hardlink_to(linked)
    proc = _fmt(cli_env, str(locked), str(linked))
    assert proc.returncode == 1
    assert f"{locked}: cannot format: the file is read-only" in proc.stderr
    assert f"{linked}: cannot format: the file has 2 hard links, and only this one" in proc.stderr
    assert "0 files reformatted, 0 files already formatted, 2 files not formatted" in proc.stderr
    assert locked.read_text(encoding="utf-8") == MESSY and locked.stat().st_mode & 0o777 == 0o444
    assert linked.read_text(encoding="utf-8") == MESSY.replace("id: cables", "id: linked")
    assert twin.read_text(encoding="utf-8") == linked.read_text(encoding="utf-8")
    # Nothing to write with --check: it only says.
    assert _fmt(cli_env, "--check", str(locked)).stdout == f"would reformat {locked}\n"


def test_fmt_says_what_is_wrong_with_paths(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = _fmt(cli_env, str(empty))
    assert proc.returncode == 0
    assert f"{empty}: no guide files here" in proc.stderr
    proc = _fmt(cli_env, str(tmp_path / "nope.yaml"))
    assert (
        proc.returncode == 1 and f"{tmp_path / 'nope.yaml'}: no such file or folder" in proc.stderr
    )
    proc = _fmt(cli_env)
    assert proc.returncode == 2 and "the following arguments are required: PATH" in proc.stderr
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(MESSY.encode("utf-16"))
    proc = _fmt(cli_env, str(utf16))
    assert proc.returncode == 1 and "guide files must be UTF-8" in proc.stderr
    assert utf16.read_bytes() == MESSY.encode("utf-16")


def test_a_pass_that_would_lose_a_comment_or_change_a_type_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The checks after each pass can fail: a formatter that dropped a comment, or
    wrote `2.0` for `2` (equal in Python, not in the guide), is stopped."""
    from selfhelp_tui.guides import fmt

    real = fmt._relayout
    monkeypatch.setattr(fmt, "_relayout", lambda text: real(text).replace("   # to b", ""))
    with pytest.raises(FormatError, match="change what the file says"):
        format_text(MESSY)
    monkeypatch.setattr(fmt, "_relayout", lambda text: real(text).replace("[2]", "[2.0]"))
    assert yaml.safe_load(real(fmt._reorder(MESSY)).replace("[2]", "[2.0]")) == yaml.safe_load(
        MESSY
    )  # Python's == alone would let it through
    with pytest.raises(FormatError, match="change what the file says"):
        format_text(MESSY)
    monkeypatch.setattr(fmt, "_relayout", real)
    assert format_text(MESSY) == CANONICAL


def test_line_breaks_the_formatter_cannot_keep_are_refused() -> None:
    for odd in ("\r", "\u2028"):
        with pytest.raises(FormatError, match="line breaks other than LF and CRLF"):
            format_text(MESSY.replace("Two lines\n", f"Two lines{odd}", 1))


def test_fmt_refuses_a_file_with_errors_and_says_them(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.yaml"
    text = MESSY.replace("type: question", "type: qustion").replace(
        "format: 1", "format: 1\nsumary: x"
    )
    broken.write_text(text, encoding="utf-8")
    not_yaml = tmp_path / "not-yaml.yaml"
    not_yaml.write_text("format: 1\nid: [unclosed\n", encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(MESSY, encoding="utf-8")
    proc = subprocess.run([*selfhelp_cmd(), "fmt", str(tmp_path)], capture_output=True, text=True,
                          env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 1
    assert broken.read_text(encoding="utf-8") == text
    assert not_yaml.read_text(encoding="utf-8") == "format: 1\nid: [unclosed\n"
    assert good.read_text(encoding="utf-8") == CANONICAL  # the others are formatted
    err = proc.stderr
    assert "broken.yaml:24:11: error: 'qustion' is not a type of node" in err
    assert "did you mean 'summary'?" in err
    assert "broken.yaml: not formatted: fix its 2 errors first" in err
    assert "not-yaml.yaml: not formatted: fix its error first" in err
    assert "1 file reformatted, 0 files already formatted, 2 files not formatted" in err


def test_fmt_dash_reads_standard_input(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run([*selfhelp_cmd(), "fmt", "-"], input=MESSY, capture_output=True,
                          text=True, env=cli_env, timeout=60)  # fmt: skip
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, CANONICAL, "")
    proc = subprocess.run([*selfhelp_cmd(), "fmt", "--check", "-"], input=MESSY,
                          capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    assert (proc.returncode, proc.stdout) == (1, "")
    proc = _fmt(cli_env, "--diff", "-", stdin=MESSY)
    assert proc.returncode == 0 and proc.stdout.startswith("--- <stdin>\n+++ <stdin>\n")
    assert _fmt(cli_env, "--check", "-", stdin=CANONICAL).returncode == 0
    bad = "format: 1\nid: [unclosed\n"
    proc = subprocess.run([*selfhelp_cmd(), "fmt", "-"], input=bad, capture_output=True,
                          text=True, env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 1 and proc.stdout == bad  # an editor gets its text back
    assert "<stdin>:3:1: error: YAML syntax error" in proc.stderr


def test_the_bundled_guides_are_formatted(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run([*selfhelp_cmd(), "fmt", "--check", str(BUNDLED)], capture_output=True,
                          text=True, env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_suppressions_still_apply_after_formatting(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "g.yaml"
    path.write_text(
        "title: t\nformat: 1\nid: g\nkind: troubleshooter\nstart: a\nnodes:\n"
        "  a: {type: outcome, result: resolved, text: ok}\n"
        "  # selfhelp: ignore[unreachable-node]\n"
        "  spare:\n    text: kept for later\n    result: resolved\n    type: outcome\n"
        "  other:   # selfhelp: ignore[unreachable-node]\n"
        "      text: also kept\n      result: resolved\n      type: outcome\n"
        "# selfhelp: ignore-file[no-summary, no-symptoms]\n",
        encoding="utf-8",
    )
    assert main(["validate", "--no-bundled", "--strict", "--show-ignored", str(path)]) == 0
    before = [line.split(": note: ")[1] for line in capsys.readouterr().out.splitlines()]
    assert len(before) == 4
    assert main(["fmt", str(path)]) == 0
    assert main(["validate", "--no-bundled", "--strict", "--show-ignored", str(path)]) == 0
    out = capsys.readouterr().out
    after = [line.split(": note: ")[1] for line in out.splitlines() if ": note: " in line]
    assert sorted(re.sub(r"g\.yaml:\d+", "", x) for x in after) == sorted(
        re.sub(r"g\.yaml:\d+", "", x) for x in before
    )


@pytest.mark.parametrize(
    "path",
    sorted(BUNDLED.glob("*.yaml")) + sorted((FIXTURES / "library").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_formatting_a_good_guide_keeps_what_it_says(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    out = format_text(text)
    assert yaml.safe_load(out) == yaml.safe_load(text)
    assert _comments(out) == _comments(text)
    assert format_text(out) == out


# --- any guide, written any way -----------------------------------------------------

#: The canonical order, as docs/guide-format.md lists the keys (written out here, not
#: taken from the specs the formatter reads).
ORDER = {
    "guide": ["format", "id", "version", "kind", "title", "summary", "tags", "symptoms",
              "lang", "start", "nodes", "steps", "tests", "redact"],
    "question": ["type", "text", "choices"],
    "step": ["type", "caution", "text", "next"],
    "check": ["type", "text", "probe", "with", "pass", "fail", "fallback"],
    "branch": ["type", "text", "cases", "default"],
    "outcome": ["type", "result", "text"],
    "choice": ["label", "next", "set"],
    "fallback": ["text", "choices"],
    "case": ["when", "next"],
    "test": ["name", "facts", "path", "answers", "outcome", "node"],
}  # fmt: skip


def _plain(value: str) -> bool:
    try:
        return (
            bool(value) and value.strip() == value and yaml.safe_load(value) == value
            and ": " not in value and " #" not in value and value[0] not in "[{&*!|>'\"%@`-?,#"
        )  # fmt: skip
    except yaml.YAMLError:
        return False


class Writer:
    """Writes a guide's data as a careless writer might: keys in any order, any
    indentation, lists flush or indented, extra spaces, blank lines, block or
    flow values; with a numbered comment above some keys and after some values."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.lines: list[str] = []
        self.above: dict[str, str] = {}  # comment -> the key it is written above
        self.after: dict[str, str] = {}  # comment -> the key on whose line it is

    def scalar(self, value: object) -> str:
        if isinstance(value, str):
            return value if _plain(value) and self.rnd.random() < 0.6 else json.dumps(value)
        return json.dumps(value)

    def comment(self, key: str, kind: dict[str, str]) -> str:
        text = f"c{len(self.above) + len(self.after)} {key}"
        kind[text] = key
        return text

    def mapping(self, data: dict, column: int, prefix: str | None = None) -> None:  # type: ignore[type-arg]
        keys = list(data)
        self.rnd.shuffle(keys)
        for i, key in enumerate(keys):
            first = i == 0 and (prefix is not None or column == 0)
            if self.rnd.random() < 0.1:
                self.lines.append("")
            if not first and self.rnd.random() < 0.25:  # right above the key: about it
                self.lines.append(" " * column + "# " + self.comment(key, self.above))
            lead = prefix if i == 0 and prefix is not None else " " * column
            self.entry(lead + key + ":", data[key], column)

    def entry(self, head: str, value: object, column: int) -> None:
        rnd = self.rnd
        key = head.strip(" -:")
        gap = " " * rnd.choice((1, 1, 3))
        eol = ""
        if rnd.random() < 0.2:
            eol = "   # " + self.comment(key, self.after)
        if isinstance(value, dict) and value:
            if all(not isinstance(v, (dict, list)) for v in value.values()) and rnd.random() < 0.4:
                pairs = ", ".join(f"{k}: {self.scalar(v)}" for k, v in value.items())
                self.lines.append(f"{head}{gap}{{{pairs}}}{eol}")
            else:
                self.lines.append(head + eol)
                self.mapping(value, column + rnd.choice((1, 2, 4)))
        elif isinstance(value, list) and value:
            if all(not isinstance(v, (dict, list)) for v in value) and rnd.random() < 0.4:
                items = ", ".join(self.scalar(v) for v in value)
                self.lines.append(f"{head}{gap}[{items}]{eol}")
            else:
                self.lines.append(head + eol)
                dash = column + rnd.choice((0, 2, 3))
                for item in value:
                    space = " " * rnd.choice((1, 1, 3))
                    flat = isinstance(item, dict) and all(
                        not isinstance(v, (dict, list)) for v in item.values()
                    )
                    if flat and rnd.random() < 0.3:  # `- {label: x, next: y}`
                        pairs = list(item.items())
                        rnd.shuffle(pairs)
                        flow = ", ".join(f"{k}: {self.scalar(v)}" for k, v in pairs)
                        self.lines.append(" " * dash + "-" + space + "{" + flow + "}")
                    elif isinstance(item, dict):
                        self.mapping(item, dash + 1 + len(space), " " * dash + "-" + space)
                    else:
                        self.lines.append(" " * dash + "-" + space + self.scalar(item))
        elif isinstance(value, str) and value.endswith("\n"):  # Markdown over lines
            self.lines.append(f"{head}{gap}|{eol}")
            inner = " " * (column + rnd.choice((1, 2, 5)))
            for line in value[:-1].split("\n"):
                self.lines.append(inner + line if line else " " * rnd.choice((0, 1)))
        elif isinstance(value, str) and "\n" not in value and rnd.random() < 0.3:
            self.lines.append(f"{head}{gap}|-{eol}")
            inner = " " * (column + rnd.choice((1, 2, 5)))
            self.lines.append(inner + value)
        else:
            self.lines.append(f"{head}{gap}{self.scalar(value)}{eol}")


def _laid_out(root: yaml.Node) -> list[str]:
    """Every key whose column is not the documented one, and every mapping out of order."""
    wrong: list[str] = []
    todo: list[tuple[yaml.Node, int, str]] = [(root, 0, "guide")]
    while todo:
        node, want, kind = todo.pop()
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            keys = [k.value for k, _v in node.value]
            if kind in ORDER and keys != sorted(keys, key=ORDER[kind].index):
                wrong.append(f"order {keys}")
            for k, v in node.value:
                if k.start_mark.column != want:
                    wrong.append(f"{k.value} at column {k.start_mark.column}, not {want}")
                sub = {"nodes": "nodes", "choices": "choice", "cases": "case", "tests": "test",
                       "fallback": "fallback"}.get(k.value, "")  # fmt: skip
                if kind == "nodes":
                    sub = {m.value: n.value for m, n in v.value}.get("type", "")
                todo.append((v, want + 2, sub))
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style:
            for item in node.value:
                if item.start_mark.column != want + 2:
                    wrong.append(f"item at column {item.start_mark.column}, not {want + 2}")
                todo.append((item, want + 2, kind))
    return wrong


@FUZZ
@given(text=guides(), seed=st.integers(min_value=0, max_value=2**32))
def test_any_guide_written_any_way_comes_out_canonical(text: str, seed: int) -> None:
    data = yaml.safe_load(text)
    for node in data["nodes"].values():
        if "text" in node and len(node["text"]) % 2:
            node["text"] += "\n\n```\n  code:   kept\n```\n"
    data["tests"] = [{"outcome": "resolved", "answers": [1, "next"], "facts": {"os": "linux"},
                      "name": "a walk"}]  # fmt: skip
    writer = Writer(random.Random(seed))
    writer.lines.append("# yaml-language-server: $schema=guide.schema.json")
    writer.mapping(data, 0)
    messy = "\n".join(writer.lines) + "\n"
    assert yaml.safe_load(messy) == data  # the writer wrote what it meant
    out = format_text(messy)
    assert yaml.safe_load(out) == data
    assert format_text(out) == out
    assert _laid_out(yaml.compose(out)) == []
    lines = out.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=guide.schema.json"
    for comment, key in writer.above.items():
        (n,) = [i for i, line in enumerate(lines) if line.strip() == f"# {comment}"]
        below = next(line for line in lines[n + 1 :] if not line.lstrip().startswith("#"))
        assert below.lstrip(" -").startswith(f"{key}:"), (comment, below)
    for comment, key in writer.after.items():
        (line,) = [line for line in lines if line.endswith(f"   # {comment}")]
        assert line.lstrip(" -").startswith(f"{key}:"), (comment, line)
    assert all(line == line.rstrip() for line in lines)
    assert "\n\n\n" not in out and not out.endswith("\n\n")
