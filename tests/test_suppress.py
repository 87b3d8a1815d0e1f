"""Turning a warning off where it is wrong for a guide (issue 18, part 5): per
folder in `selfhelp.yaml`, per node and per file with a comment, as linters do;
`validate --show-ignored` lists what was ignored, in every output format."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import selfhelp_cmd

GUIDE = """\
format: 1
id: {id}
kind: troubleshooter
title: Spare parts
start: a
nodes:
  a: {{type: outcome, result: resolved, text: ok}}
  # selfhelp: ignore[unreachable-node]
  spare:
    type: outcome
    result: resolved
    text: |
      kept for later
      # selfhelp: ignore[single-choice]  (text, not a comment)
  other:
    type: outcome
    result: resolved
    text: not ignored
  third:   # selfhelp: ignore[unreachable-node]
    type: outcome
    result: resolved
    text: ignored on its own line
"""


def _validate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*selfhelp_cmd(), "validate", "--no-bundled", *args],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A folder with a manifest, a guide in it and one in a subfolder."""
    folder = tmp_path / "pack"
    (folder / "sub").mkdir(parents=True)
    (folder / "selfhelp.yaml").write_text(
        "feedback_url: https://example.org/feedback\nvalidate:\n  ignore: [no-summary]\n",
        encoding="utf-8",
    )
    (folder / "g.yaml").write_text(GUIDE.format(id="g"), encoding="utf-8")
    (folder / "sub" / "h.yaml").write_text(GUIDE.format(id="h"), encoding="utf-8")
    return folder


def test_a_comment_turns_a_warning_off_for_its_node_only(pack: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = _validate(cli_env, "--strict", str(pack / "g.yaml"))
    # What is left: the node no comment is about, and the symptoms (not ignored).
    got = [line.split(": warning: ")[0] for line in proc.stdout.splitlines()]
    assert got == [f"{pack / 'g.yaml'}:1:1", f"{pack / 'g.yaml'}:15:3"], proc.stdout
    assert "node 'other' cannot be reached" in proc.stdout
    assert proc.returncode == 1  # --strict: two warnings are left
    assert proc.stderr == "1 file checked: 0 errors, 2 warnings (3 ignored)\n"


def test_show_ignored_says_what_ignored_each_warning(pack: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = _validate(cli_env, "--show-ignored", str(pack))
    notes = sorted(line for line in proc.stdout.splitlines() if ": note: " in line)
    g, h, manifest = pack / "g.yaml", pack / "sub" / "h.yaml", pack / "selfhelp.yaml"
    assert notes == sorted(
        [
            f"{g}:1:1: note: ignored ({manifest}:3): the guide has no summary (add one or two "
            "sentences: lists and search show them) [no-summary]",
            f"{g}:9:3: note: ignored ({g}:8): node 'spare' cannot be reached from start 'a' "
            "[unreachable-node]",
            f"{g}:19:3: note: ignored ({g}:19): node 'third' cannot be reached from start 'a' "
            "[unreachable-node]",
            # The nearest selfhelp.yaml above a file counts: the folder's, for its subfolder.
            f"{h}:1:1: note: ignored ({manifest}:3): the guide has no summary (add one or two "
            "sentences: lists and search show them) [no-summary]",
            f"{h}:9:3: note: ignored ({h}:8): node 'spare' cannot be reached from start 'a' "
            "[unreachable-node]",
            f"{h}:19:3: note: ignored ({h}:19): node 'third' cannot be reached from start 'a' "
            "[unreachable-node]",
        ]
    )
    assert proc.returncode == 0
    # Without --show-ignored, none of it.
    assert ": note: " not in _validate(cli_env, str(pack)).stdout


def test_ignored_warnings_in_json_sarif_and_github(pack: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    g = str(pack / "g.yaml")
    items = json.loads(_validate(cli_env, "--format", "json", "--show-ignored", g).stdout)
    ignored = {(i["line"], i["code"]): i["ignored"] for i in items if "ignored" in i}
    assert ignored == {
        (1, "no-summary"): f"{pack / 'selfhelp.yaml'}:3",
        (9, "unreachable-node"): f"{g}:8",
        (19, "unreachable-node"): f"{g}:19",
    }
    sarif = json.loads(_validate(cli_env, "--format", "sarif", "--show-ignored", g).stdout)
    kinds = {
        (r["locations"][0]["physicalLocation"]["region"]["startLine"], s["kind"])
        for r in sarif["runs"][0]["results"]
        for s in r.get("suppressions", [])
    }
    assert kinds == {(1, "external"), (9, "inSource"), (19, "inSource")}
    github = _validate(cli_env, "--format", "github", "--show-ignored", g).stdout.splitlines()
    assert sum(line.startswith("::notice ") for line in github) == 3


def test_a_whole_file_and_what_cannot_be_ignored(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "g.yaml"
    path.write_text(
        GUIDE.format(id="g")
        + "# selfhelp: ignore-file[no-summary, no-symptoms]\n"
        + "# selfhelp: ignore[unreachable]\n"  # on no key, and no such code
        + "# selfhelp: ignore-file[unknown-node]\n",  # an error
        encoding="utf-8",
    )
    proc = _validate(cli_env, "--strict", str(path))
    lines = proc.stdout.splitlines()
    assert "no-summary" not in proc.stdout and "[no-symptoms]" not in proc.stdout
    assert any(
        ":24:1: warning: 'unreachable' is not a diagnostic code (did you mean "
        "'unreachable-node'?) [bad-suppression]" in line
        for line in lines
    ), lines
    assert any(
        ":25:1: warning: 'unknown-node' is an error, and errors cannot be ignored" in line
        for line in lines
    ), lines
    assert proc.stderr.startswith("1 file checked: 0 errors, 3 warnings (4 ignored)")


def test_a_comment_on_no_key_and_a_bad_manifest_say_so(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "selfhelp.yaml").write_text("validate:\n  ignore: no-summary\n", "utf-8")
    path = tmp_path / "g.yaml"
    path.write_text(GUIDE.format(id="g") + "# selfhelp: ignore[single-choice]\n", "utf-8")
    proc = _validate(cli_env, str(tmp_path))
    assert (
        f"{tmp_path / 'selfhelp.yaml'}:2:11: warning: 'validate' in selfhelp.yaml takes 'ignore', "
        "a list of warning codes [bad-suppression]"
    ) in proc.stdout
    assert (
        f"{path}:23:1: warning: this comment is on no key: put it on a node's line or the line "
        "above it [bad-suppression]"
    ) in proc.stdout
    assert "[no-summary]" in proc.stdout  # the manifest could not be read: nothing ignored
