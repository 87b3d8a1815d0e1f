"""The command line, run as a real subprocess the way a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .conftest import AWAITING_TRANSLATION, BAD, BUNDLED, LIBRARY, selfhelp_cmd


def run(*args: str, env: dict[str, str], input: str | None = None, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [*selfhelp_cmd(), *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        cwd=cwd,
        timeout=60,
    )


def test_validate_bad_next_prints_path_line_and_exits_1(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "guides"
    target.mkdir()
    (target / "disk.yaml").write_bytes((BAD / "bad-next.yaml").read_bytes())
    proc = run("validate", "guides", env=cli_env, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "guides/disk.yaml:19:15: error: next 'chek-again' is not a node of this guide "
        "(did you mean 'check-again'?) [unknown-node]"
    ]
    assert "1 file checked: 1 error, 0 warnings" in proc.stderr


def test_validate_good_library_exits_0(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("validate", str(LIBRARY), env=cli_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_validate_bundled_guides_exits_0(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("validate", str(BUNDLED), "--format", "json", env=cli_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = json.loads(proc.stdout)
    assert [d for d in found if d["severity"] == "error"] == []
    # Issue 16: `validate guides/` is clean. A guide says nothing at all; each of its
    # reviewed `run` checks turns off its own reminder, and nothing else is turned off.
    guides = [d for d in found if d["file"].endswith(".yaml")]
    assert guides == [], guides
    shown = run("validate", str(BUNDLED), "--format", "json", "--show-ignored", env=cli_env)
    ignored = [d for d in json.loads(shown.stdout) if d.get("ignored")]
    assert {d["code"] for d in ignored} == {"run-probe"}, ignored
    assert all(d["ignored"].split(":")[0] == d["file"] for d in ignored), ignored
    assert all(d["file"].endswith(".yaml") or d["file"].endswith(".po") for d in found)
    translations = [d for d in found if d["file"].endswith(".po")]
    pending = {Path(d["file"]).name.split(".")[0] for d in translations}
    assert pending <= AWAITING_TRANSLATION, translations
    assert {d["code"] for d in translations} <= {"translation-missing", "translation-stale"}


def test_validate_usage_error_exits_2(cli_env) -> None:  # type: ignore[no-untyped-def]
    assert run("validate", env=cli_env).returncode == 2
    assert run("validate", "--format", "xml", str(LIBRARY), env=cli_env).returncode == 2


def test_validate_missing_path_is_an_error(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = run("validate", str(tmp_path / "nope"), env=cli_env)
    assert proc.returncode == 1
    assert "no such file or folder [no-such-path]" in proc.stdout


def test_validate_json_parses(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("validate", "--format", "json", str(BAD), env=cli_env)
    assert proc.returncode == 1
    items = json.loads(proc.stdout)
    base = ("code", "column", "file", "line", "message", "severity")
    assert {tuple(sorted(set(i) - {"related"})) for i in items} == {base}
    # Knock-ons are listed under the error they follow from, in the same shape.
    related = [k for i in items for k in i.get("related", [])]
    assert related and {tuple(sorted(k)) for k in related} == {base}
    assert all(k["code"] == "unreachable-node" for k in related)
    assert any(i["code"] == "unknown-node" and i["line"] == 19 for i in items)


def test_validate_strict_fails_on_warnings(cli_env, write_guide) -> None:  # type: ignore[no-untyped-def]
    text = (LIBRARY / "printer.yaml").read_text().replace("summary:", "#summary:")
    path = write_guide("printer.yaml", text)
    assert run("validate", str(path), env=cli_env).returncode == 0
    strict = run("validate", "--strict", str(path), env=cli_env)
    assert strict.returncode == 1
    assert "warning: the guide has no summary" in strict.stdout


def test_list_prints_a_table_with_sources(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("list", "--no-bundled", "--guides", str(LIBRARY), env=cli_env)
    assert proc.returncode == 0
    header, *rows = [line.split() for line in proc.stdout.strip().splitlines()]
    assert header == ["id", "kind", "title", "source"]
    assert [r[0] for r in rows] == ["printer", "first-steps"]
    assert all(r[-1] == str(LIBRARY) for r in rows)


def test_guides_option_is_accepted_before_the_command(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("--no-bundled", "--guides", str(LIBRARY), "list", "--format", "json", env=cli_env)
    data = json.loads(proc.stdout)
    assert [g["id"] for g in data["guides"]] == ["printer", "first-steps"]


def test_env_guides_folder_is_read(cli_env) -> None:  # type: ignore[no-untyped-def]
    env = {**cli_env, "SELFHELP_GUIDES": str(LIBRARY)}
    data = json.loads(run("list", "--no-bundled", "--format", "json", env=env).stdout)
    assert {g["id"] for g in data["guides"]} == {"printer", "first-steps"}


def test_list_reports_broken_guides_but_lists_the_rest(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "printer.yaml").write_bytes((LIBRARY / "printer.yaml").read_bytes())
    (folder / "broken.yaml").write_bytes((BAD / "bad-next.yaml").read_bytes())
    proc = run("list", "--no-bundled", "--guides", str(folder), env=cli_env)
    assert proc.returncode == 0
    assert "printer" in proc.stdout
    assert "1 guide file could not be loaded" in proc.stderr
    assert "broken.yaml:19:15: error" in proc.stderr


def test_run_answers_reaches_the_outcome(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run(
        "run",
        "printer",
        "--no-bundled",
        "--guides",
        str(LIBRARY),
        "--answers",
        "1,1,next,Yes",
        env=cli_env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("Outcome: Resolved")
    assert "Cancel the stuck jobs with `cancel -a`" in proc.stdout


def test_run_answers_running_out_exits_3(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run(
        "run", "printer", "--no-bundled", "--guides", str(LIBRARY), "--answers", "1", env=cli_env
    )
    assert proc.returncode == 3


def test_run_answers_running_out_at_a_check_exits_3(write_guide, cli_env) -> None:  # type: ignore[no-untyped-def]
    """Answers that stop on a check end the walk like anywhere else: exit 3, no
    traceback (a guide test may stop on a check with `node:`)."""
    path = write_guide(
        "checked.yaml",
        "format: 1\nid: checked\nkind: troubleshooter\ntitle: t\nsummary: s\n"
        "symptoms: [s]\nstart: first\nnodes:\n"
        "  first: {type: step, text: go, next: look}\n"
        "  look:\n    type: check\n    probe: file_exists\n    with: {path: /}\n"
        "    pass: done\n    fail: done\n"
        "    fallback: {text: there?, choices: [{label: 'Yes', next: done}]}\n"
        "  done: {type: outcome, result: resolved, text: ok}\n",
    )
    proc = run(
        "run", "checked", "--no-bundled", "--guides", str(path.parent), "--answers", "next",
        env=cli_env,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Input ended before the walk did" in proc.stdout


def test_run_over_a_pipe_uses_plain_mode_and_ends_on_closed_input(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run(
        "run", "printer", "--no-bundled", "--guides", str(LIBRARY), env=cli_env, input="2\n\n1\n"
    )
    assert proc.returncode == 3
    assert "Switch the printer on" in proc.stdout
    assert "Input ended before the walk did" in proc.stdout


def test_run_unknown_guide_suggests(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("run", "printr", "--no-bundled", "--guides", str(LIBRARY), env=cli_env)
    assert proc.returncode == 2
    assert "no guide 'printr' in the library (did you mean 'printer'?)" in proc.stderr


def test_python_dash_m_and_version(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("--version", env=cli_env)
    assert proc.returncode == 0 and proc.stdout.startswith("selfhelp ")


def test_the_parser_is_built_for_the_command_named_and_whole_otherwise() -> None:
    from selfhelp_tui.cli import COMMANDS, build_parser, command_given

    assert command_given(["run", "printer"]) == "run"
    # A top-level option's value is never taken for the command, prefix or not.
    assert command_given(["--guides", "run", "list"]) == "list"
    assert command_given(["--gui", "run", "list"]) == "list"
    assert command_given(["--data-dir=run", "list"]) == "list"
    assert command_given(["--no-bundled", "search", "disk"]) == "search"
    # Top-level help and version, no command, or an unknown one: the whole parser.
    for argv in (["-h", "run"], ["--version"], [], ["--plain"], ["nope"]):
        assert command_given(argv) is None
    whole = build_parser().format_help()
    assert all(name in whole for name in COMMANDS)
    lean = build_parser(only="run")
    args = lean.parse_args(["--no-bundled", "run", "printer", "--answers", "1"])
    assert (args.command, args.guide_id, args.answers) == ("run", "printer", "1")


def test_main_leaves_the_garbage_collector_as_it_found_it(cli_env) -> None:  # type: ignore[no-untyped-def]
    import gc

    from selfhelp_tui.cli import main

    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            for argv in (["--no-bundled", "--guides", str(LIBRARY), "list"],
                         ["--no-bundled", "--guides", str(LIBRARY), "run", "first-steps",
                          "--answers", "next,next,next"]):  # fmt: skip
                main(argv)
                assert gc.isenabled() is enabled
        finally:
            gc.enable()
