"""Technicians on site: checks that look at the machine, cautions that must be
acknowledged, facts and branches, the session report, and plain mode over pipes
and a real pseudo-terminal."""

from __future__ import annotations

import functools
import json
import socket
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml
from textual.widgets import OptionList, Static

from selfhelp_tui.engine import Session, Walk, WalkError
from selfhelp_tui.engine.report import build_report, render_json, render_markdown
from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source
from selfhelp_tui.guides.loader import load_guide

from .conftest import BUNDLED, selfhelp_cmd
from .tui_helpers import screen_name

#: A guide with every technician feature: a built-in check, a command, a caution,
#: facts set by answers and a branch on them and on the OS.
SITE_GUIDE = {
    "format": 1,
    "id": "site",
    "kind": "troubleshooter",
    "title": "On site",
    "summary": "Checks, cautions, facts and branches.",
    "symptoms": ["site visit"],
    "redact": [r"serial=(\w+)"],
    "start": "marker",
    "nodes": {
        "marker": {
            "type": "check",
            "text": "Looking for the marker file.",
            "probe": "file_exists",
            "with": {"path": "MARKER"},
            "pass": "cmd",
            "fail": "how",
            "fallback": {
                "text": "Is the marker file there?",
                "choices": [{"label": "Yes", "next": "cmd"}, {"label": "No", "next": "how"}],
            },
        },
        "cmd": {
            "type": "check",
            "probe": "run",
            "with": {
                "command": [sys.executable, "-c", "CODE"],
                "matches": "hello",
            },
            "pass": "how",
            "fail": "how",
            "fallback": {
                "text": "Does the tool say hello?",
                "choices": [
                    {"label": "It says hello", "next": "how", "set": {"tool": "ok"}},
                    {"label": "It says nothing", "next": "how"},
                ],
            },
        },
        "how": {
            "type": "question",
            "text": "How is the printer connected?",
            "choices": [
                {"label": "USB", "next": "open-case", "set": {"printer": "usb"}},
                {"label": "Network", "next": "route", "set": {"printer": "network"}},
            ],
        },
        "open-case": {
            "type": "step",
            "text": "Open the case and reseat the USB board.",
            "caution": "Unplug the mains cable before opening the case.",
            "next": "route",
        },
        "route": {
            "type": "branch",
            "cases": [
                {"when": {"printer": "usb", "os": "plan9"}, "next": "plan9"},
                {"when": {"printer": "usb"}, "next": "usb-done"},
            ],
            "default": "net-done",
        },
        "plan9": {"type": "outcome", "result": "escalate", "text": "Plan 9 is not supported."},
        "usb-done": {"type": "outcome", "result": "resolved", "text": "The board is seated."},
        "net-done": {"type": "outcome", "result": "unresolved", "text": "Check the network."},
    },
    "tests": [
        {"name": "usb", "answers": ["pass", "fail", "USB", "next"], "outcome": "resolved"},
        {"name": "network", "answers": ["fail", "Network"], "outcome": "unresolved"},
        {
            "name": "plan 9",
            "facts": {"os": "plan9"},
            "answers": ["fail", "USB", "next"],
            "outcome": "escalate",
        },
    ],
}


def write_site_guide(
    folder: Path, marker: Path, code: str = "print('hello serial=' + 'XYZ' + '123')"
) -> Path:
    data = json.loads(json.dumps(SITE_GUIDE))
    data["nodes"]["marker"]["with"]["path"] = str(marker)
    data["nodes"]["cmd"]["with"]["command"][2] = code
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "site.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    marker = tmp_path / "marker.txt"
    path = write_site_guide(tmp_path / "site-guides", marker)
    result = load_guide(path, "site")
    assert result.guide is not None, [d.format() for d in result.diagnostics]
    return result.guide, marker


# --- the engine ----------------------------------------------------------------
def test_the_site_guide_validates_with_only_the_run_warning(site) -> None:  # type: ignore[no-untyped-def]
    guide, _marker = site
    result = load_guide(guide.path, "site")
    assert [(d.severity.value, d.code) for d in result.diagnostics] == [("warning", "run-probe")]


def test_guide_tests_walk_checks_facts_and_branches(site) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine.testing import run_tests

    guide, _marker = site
    results = run_tests(guide)
    assert [(r.name, r.passed) for r in results] == [
        ("usb", True),
        ("network", True),
        ("plan 9", True),
    ], [r.message for r in results]
    assert results[0].path[-2:] == ["route", "usb-done"]  # the branch is on the path


def test_facts_come_from_answers_checks_and_the_os(site) -> None:  # type: ignore[no-untyped-def]
    guide, _marker = site
    walk = Walk(guide, builtin_facts={"os": "linux"})
    walk.answer("fail")
    walk.answer("USB")
    assert walk.facts() == {"os": "linux", "marker": "fail", "printer": "usb"}
    assert walk.node.id == "open-case"


def test_back_passes_over_branches_and_replay_is_exact(site) -> None:  # type: ignore[no-untyped-def]
    guide, _marker = site
    walk = Walk(guide, builtin_facts={"os": "linux"})
    walk.answer("fail")
    walk.answer("Network")
    assert walk.path[-2:] == ["route", "net-done"] and walk.finished
    assert walk.back() and walk.node.id == "how"  # not onto the branch
    walk.answer("Network")
    again = Walk.replay(guide, walk.choices, builtin_facts={"os": "plan9"})
    assert again.path == walk.path  # the saved walk, even where facts differ now


def test_a_caution_must_be_acknowledged_before_going_on(site) -> None:  # type: ignore[no-untyped-def]
    guide, _marker = site
    session = Session.start(guide, "plain")
    session.answer("fail")
    session.answer("USB")
    assert session.needs_acknowledgement()
    with pytest.raises(WalkError, match="acknowledge"):
        session.answer("next")
    session.acknowledge()
    session.answer("next")
    assert session.walk.outcome == "resolved"
    report = build_report(session)
    (step,) = [s for s in report["steps"] if s["node"] == "open-case"]
    assert step["acknowledged"] is True and step["caution"].startswith("Unplug the mains")


def test_back_and_forth_asks_again(site) -> None:  # type: ignore[no-untyped-def]
    guide, _marker = site
    session = Session.start(guide, "plain")
    session.answer("fail")
    session.answer("USB")
    session.acknowledge()
    session.back()
    session.answer("USB")
    assert session.needs_acknowledgement()


# --- probes from the engine: a real file, a real socket, a real command -------------
def test_a_real_file_decides_the_check(site) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine import checking

    guide, marker = site
    session = Session.start(guide, "tui")
    node = session.walk.node
    assert checking.plan(session, node, trusted=False) is checking.Plan.RUN
    assert checking.perform(session, node).status == "fail"
    marker.write_text("here")
    assert checking.perform(session, node).status == "pass"
    assert checking.continue_after(session, checking.perform(session, node))
    assert session.walk.node.id == "cmd"


def test_a_real_listening_socket_passes_tcp_connect(tmp_path: Path) -> None:
    from selfhelp_tui.probes import run_probe

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = run_probe("tcp_connect", {"host": "127.0.0.1", "port": port, "timeout": 2})
    assert result.status == "pass"
    assert (
        run_probe("tcp_connect", {"host": "127.0.0.1", "port": port, "timeout": 2}).status == "fail"
    )


def test_a_command_needs_consent_and_an_untrusted_guide_never_offers_it(
    site, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine import checking

    guide, _marker = site
    session = Session.start(guide, "tui")
    session.answer("pass")
    node = session.walk.node
    assert node.id == "cmd"
    assert checking.plan(session, node, trusted=False) is checking.Plan.FALLBACK
    assert checking.plan(session, node, trusted=True) is checking.Plan.ASK
    checking.allow_all(session)
    assert checking.plan(session, node, trusted=True) is checking.Plan.RUN
    result = checking.perform(session, node)
    assert result.status == "pass" and "serial=[REDACTED]" in result.output
    assert "XYZ123" not in json.dumps(build_report(session))


# --- the report ----------------------------------------------------------------------
def test_the_report_lists_each_step_answer_and_check(site) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine import checking

    guide, marker = site
    marker.write_text("here")
    session = Session.start(guide, "plain")
    checking.continue_after(session, checking.perform(session, session.walk.node))
    checking.allow_all(session)
    checking.continue_after(session, checking.perform(session, session.walk.node))
    session.answer("Network")
    report = build_report(session)
    assert [s["node"] for s in report["steps"]] == ["marker", "cmd", "how", "net-done"]
    assert report["steps"][0]["check"]["status"] == "pass"
    assert report["steps"][1]["check"]["command"][0] == sys.executable
    assert report["steps"][2]["answer"] == "Network"
    assert report["outcome"] == "unresolved"
    text = render_markdown(report)
    assert "## Steps" in text and "Answer: **Network**" in text
    assert "- Result: **pass**" in text and "serial=[REDACTED]" in text and "XYZ123" not in text
    assert json.loads(render_json(report))["guide"]["id"] == "site"


def test_the_outcome_log_never_holds_probe_output(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine import checking
    from selfhelp_tui.feedback.observer import FeedbackRecorder
    from selfhelp_tui.feedback.store import Store

    guide, marker = site
    marker.write_text("here")
    store = Store(tmp_path / "log.db")
    session = Session.start(guide, "plain", observers=[FeedbackRecorder(store)])
    checking.continue_after(session, checking.perform(session, session.walk.node))
    checking.allow_all(session)
    checking.continue_after(session, checking.perform(session, session.walk.node))
    session.answer("Network")
    (record,) = list(store.all_records())
    dumped = json.dumps(record)
    assert "serial" not in dumped and "hello" not in dumped and str(marker) not in dumped


# --- the TUI ----------------------------------------------------------------------
def _site_app(site_guide, trusted: bool, saved: list[str] | None = None):  # type: ignore[no-untyped-def]
    from selfhelp_tui.tui.app import SelfhelpApp

    library = load_library([Source(site_guide.path.parent, "site")])

    def save(session: Session) -> str:
        text = render_markdown(build_report(session))
        assert saved is not None
        saved.append(text)
        return "/reports/site.md"

    return SelfhelpApp(
        library,
        start_guide="site",
        trusted=lambda g: trusted,
        save_report=save if saved is not None else None,
    )


async def _wait_checked(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):
        await pilot.pause(0.05)
        if not app.screen.checking:
            return
    raise AssertionError("the check never finished")


async def test_tui_runs_a_command_only_after_consent_and_shows_its_output(
    site, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    guide, marker = site
    marker.write_text("here")
    touched = tmp_path / "ran"
    write_site_guide(
        guide.path.parent,
        marker,
        f"open({str(touched)!r}, 'w'); print('hello serial=' + 'XYZ' + '123')",
    )
    reloaded = load_guide(guide.path, "site").guide
    saved: list[str] = []
    app = _site_app(reloaded, trusted=True, saved=saved)
    async with app.run_test(size=(100, 40)) as pilot:
        await _wait_checked(app, pilot)
        panel = str(app.screen.query_one("#check-status", Static).render())
        assert "Passed" in panel
        await pilot.press("enter")  # continue from the file check
        await pilot.pause()
        panel = str(app.screen.query_one("#check-status", Static).render())
        assert sys.executable in panel and "Run it?" in panel
        assert not touched.exists()  # shown, not run
        await pilot.press("1")  # run this command
        await _wait_checked(app, pilot)
        assert touched.exists()
        await pilot.press("o")
        await pilot.pause()
        output = str(app.screen.query_one("#check-output", Static).render())
        assert "hello serial=[REDACTED]" in output and "XYZ123" not in output
        await pilot.press("s")
        await pilot.pause()
        assert saved and "- Result: **pass**" in saved[-1]
        assert any("/reports/site.md" in n.message for n in app._notifications)


async def test_tui_decline_falls_back_to_the_question(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    guide, marker = site
    marker.write_text("here")
    touched = tmp_path / "ran"
    write_site_guide(guide.path.parent, marker, f"open({str(touched)!r}, 'w')")
    app = _site_app(load_guide(guide.path, "site").guide, trusted=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await _wait_checked(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("3")  # do not run it
        await pilot.pause()
        options = app.screen.query_one("#choices", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["1. It says hello", "2. It says nothing"]
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.walk.node.id == "how"
        assert app.screen.walk.facts()["tool"] == "ok"
    assert not touched.exists()


async def test_tui_untrusted_guide_never_offers_the_command(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    guide, marker = site
    marker.write_text("here")
    touched = tmp_path / "ran"
    write_site_guide(guide.path.parent, marker, f"open({str(touched)!r}, 'w')")
    app = _site_app(load_guide(guide.path, "site").guide, trusted=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await _wait_checked(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        options = app.screen.query_one("#choices", OptionList)
        assert options.option_count == 2  # the fallback only; no "Run this command"
        assert "Not run" in str(app.screen.query_one("#check-status", Static).render())
    assert not touched.exists()


async def test_tui_caution_takes_a_deliberate_key_not_enter(site) -> None:  # type: ignore[no-untyped-def]
    guide, _marker = site  # no marker: the file check fails, straight to the question
    saved: list[str] = []
    app = _site_app(guide, trusted=False, saved=saved)
    async with app.run_test(size=(100, 40)) as pilot:
        await _wait_checked(app, pilot)
        await pilot.press("enter")  # continue after "Failed"
        await pilot.press("1")  # USB
        await pilot.pause()
        assert app.screen.walk.node.id == "open-case"
        caution = app.screen.query_one("#caution-text").source
        state = str(app.screen.query_one("#caution-state", Static).render())
        assert "Unplug the mains cable" in caution and "Press a" in state
        await pilot.press("enter", "1")
        await pilot.pause()
        assert app.screen.walk.node.id == "open-case"  # Enter and 1 do not pass it
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        assert app.screen.walk.outcome == "resolved"
        await pilot.press("s")  # the report at the end too
        await pilot.pause()
        assert "**Caution** (acknowledged): Unplug the mains cable" in saved[-1]
        assert saved[-1].rstrip().endswith("resolved")


async def test_tui_a_hanging_check_is_killed_at_its_timeout(tmp_path: Path) -> None:
    from selfhelp_tui.tui.app import SelfhelpApp

    data = json.loads(json.dumps(SITE_GUIDE))
    data["start"] = "cmd"
    data["nodes"]["cmd"]["with"] = {
        "command": [sys.executable, "-c", "import time; time.sleep(60)"],
        "timeout": 0.5,
    }
    del data["nodes"]["marker"]
    data["tests"] = []
    folder = tmp_path / "hang"
    folder.mkdir()
    (folder / "site.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    library = load_library([Source(folder, "hang")])
    assert "site" in library.guides, [d.format() for r in library.failures for d in r.errors]
    app = SelfhelpApp(library, start_guide="site", trusted=lambda g: True)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # run it
        await _wait_checked(app, pilot)
        panel = str(app.screen.query_one("#check-status", Static).render())
        assert "Could not decide" in panel
        fallback = app.screen.query_one("#check-fallback")
        assert fallback.display and "Does the tool say hello?" in fallback.source
        assert app.screen.session.check_result()["status"] == "timeout"


async def test_tui_q_at_step_1_asks_once_a_command_check_ran(tmp_path: Path) -> None:
    """Issue 17: `q` quit without asking at step 1 although the reader had agreed to
    run a command there (and Ctrl+Q, the palette's Quit, follows the same rule)."""
    from selfhelp_tui.tui.app import SelfhelpApp

    data = json.loads(json.dumps(SITE_GUIDE))
    data["start"] = "cmd"
    data["nodes"]["cmd"]["with"]["command"][2] = "print('hello')"
    del data["nodes"]["marker"]
    data["tests"] = []
    folder = tmp_path / "first-cmd"
    folder.mkdir()
    (folder / "site.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    library = load_library([Source(folder, "first-cmd")])
    app = SelfhelpApp(library, start_guide="site", trusted=lambda g: True)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.screen.session.has_progress() is False
        await pilot.press("1")  # run this command
        await _wait_checked(app, pilot)
        assert app.screen.walk.at_start and app.screen.session.check_result()["status"] == "pass"
        await pilot.press("q")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("escape")  # no: the walk goes on where it was
        await pilot.pause()
        assert screen_name(app) == "WalkScreen" and app.is_running
        assert app.screen.session.check_result()["status"] == "pass"


# --- plain mode -----------------------------------------------------------------------
def test_disk_full_plain_over_a_pipe_measures_free_space_itself(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "report.md"
    done = subprocess.run(
        [*selfhelp_cmd(), "run", "disk-full", "--plain", "--report", str(report)],
        input="2\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr  # input ended before an outcome
    if sys.platform.startswith("linux"):
        assert "Check: Is there at least 1 GB free on /?" in done.stdout
        assert "[PASS]" in done.stdout or "[FAIL]" in done.stdout
    text = report.read_text()
    assert text.startswith("# Session report: The disk is full")
    assert "abandoned" in text


def test_plain_mode_keeps_inline_commands_exactly(cli_env) -> None:  # type: ignore[no-untyped-def]
    """Plain mode drops emphasis markers, but never inside inline code: `*.gz` is a
    pattern the reader types."""
    done = subprocess.run(
        [*selfhelp_cmd(), "run", "disk-full", "--fact", "os=linux", "--fact", "init=other",
         "--answers", "fail,/var/log,ack,next,1"],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Old rotated files (`*.1`, `*.gz`, `*.old`) can be deleted." in done.stdout


def trust(folder: Path, cli_env: dict[str, str]) -> None:
    """List `folder` under trusted_folders in the test's config file."""
    config = Path(cli_env["SELFHELP_DATA_DIR"]) / "config" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(yaml.safe_dump({"trusted_folders": [str(folder)]}))


def spawn_site(folder: Path, env: dict[str, str], *extra: str):  # type: ignore[no-untyped-def]
    """`selfhelp run site` on a real pseudo-terminal."""
    args = ["-m", "selfhelp_tui", "--no-bundled", "--guides", str(folder), "run", "site", *extra]
    return pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=30)


def test_plain_declined_command_falls_back_over_a_pty(site, tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    guide, marker = site
    marker.write_text("here")
    touched = tmp_path / "ran"
    write_site_guide(guide.path.parent, marker, f"open({str(touched)!r}, 'w'); print('hello')")
    trust(guide.path.parent, cli_env)
    child = spawn_site(guide.path.parent, {**cli_env, "TERM": "xterm"}, "--plain")
    try:
        child.expect_exact("[PASS]")
        child.expect_exact("Run this command?")
        child.sendline("n")
        child.expect_exact("Does the tool say hello?")
        child.sendline("2")
        child.expect_exact("How is the printer connected?")
        child.sendline("USB")
        child.expect_exact("CAUTION")
        child.expect_exact("type 'ack'")
        child.sendline("")  # Enter is not an acknowledgement
        child.expect_exact("acknowledge it first")
        child.sendline("ack")
        child.expect_exact("Caution acknowledged.")
        child.sendline("")
        child.expect_exact("Outcome: Resolved")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert not touched.exists()


def test_plain_consented_command_runs_over_a_pty(site, tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    guide, marker = site
    touched = tmp_path / "ran"
    write_site_guide(guide.path.parent, marker, f"open({str(touched)!r}, 'w'); print('hello')")
    trust(guide.path.parent, cli_env)
    # a dumb terminal: plain mode on its own
    child = spawn_site(guide.path.parent, {**cli_env, "TERM": "dumb"})
    try:
        child.expect_exact("[FAIL]")  # no marker file
        child.expect_exact("How is the printer connected?")
        child.sendline("back")  # back onto a check runs it again
        child.expect_exact("[FAIL]")
        child.expect_exact("How is the printer connected?")
        child.sendline("quit")  # only the built-in check moved on: nothing to lose
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 3
    marker.write_text("here")
    child = spawn_site(guide.path.parent, {**cli_env, "TERM": "dumb"})
    try:
        child.expect_exact("Run this command?")
        child.sendline("y")
        child.expect_exact("| hello")
        child.expect_exact("How is the printer connected?")
        child.sendline("quit")  # the reader let a command run: it asks first
        child.expect_exact("Leave this guide before the end? [y/n] > ")
        child.sendline("y")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert touched.exists()


def test_answers_never_run_a_command(site, tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    guide, marker = site
    marker.write_text("here")
    touched = tmp_path / "ran"
    write_site_guide(guide.path.parent, marker, f"open({str(touched)!r}, 'w')")
    report = tmp_path / "r.json"
    done = subprocess.run(
        [*selfhelp_cmd(), "--no-bundled", "--guides", str(guide.path.parent), "run", "site",
         "--answers", "check,check,It says hello,Network", "--report", str(report), "--format", "json"],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Outcome: Not resolved" in done.stdout
    assert not touched.exists()
    data = json.loads(report.read_text())
    assert [s["check"]["status"] for s in data["steps"] if "check" in s] == ["pass", "declined"]
    assert data["steps"][1]["answer"] == "It says hello"


def test_answers_that_end_at_a_check_leave_the_walk_like_anywhere_else(site, cli_env) -> None:  # type: ignore[no-untyped-def]
    guide, _marker = site
    done = subprocess.run(
        [*selfhelp_cmd(), "--no-bundled", "--guides", str(guide.path.parent), "run", "site",
         "--answers", "pass"],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.rstrip().endswith("recorded as left before the end.")


def _answers_for(guide, test, resolve) -> list[str]:  # type: ignore[no-untyped-def]
    """A guide test's walk (its `path`, then its answers, into linked guides too) as
    `--answers` takes it: a choice number at a question, `next` at a step, `pass` or
    `fail` (or a fallback answer's number) at a check, and `ack` before each answer
    on a node with a caution."""
    from selfhelp_tui.engine.testing import follow_path
    from selfhelp_tui.guides.model import CheckNode, StepNode

    walk = Walk(guide, resolve, builtin_facts=dict(test.facts))
    if test.path:
        follow_path(walk, test.path)
    for answer in test.answers:
        walk.answer(answer)
    out: list[str] = []
    for position, index in zip(walk.stack, walk.choices, strict=False):
        node = resolve(position.guide_id).nodes[position.node_id]
        if node.is_auto:
            continue  # a branch: the CLI follows it on its own
        if node.caution:
            out.append("ack")
        if isinstance(node, CheckNode):
            out.append(("pass", "fail")[index] if index < 2 else str(index - 1))
        elif isinstance(node, StepNode):
            out.append("next")
        else:
            out.append(str(index + 1))
    return out


@functools.cache
def _bundled_library():  # type: ignore[no-untyped-def]
    return load_library([Source(BUNDLED, "bundled")])


BUNDLED_TESTS = [
    (path, i)
    for path in sorted(BUNDLED.glob("*.yaml"))
    for i, _t in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")).get("tests", []))
]


@pytest.mark.parametrize(
    "path,index", BUNDLED_TESTS, ids=[f"{p.stem}-{i}" for p, i in BUNDLED_TESTS]
)
def test_answers_on_every_bundled_guide_reach_the_tested_outcome(
    path: Path, index: int, cli_env
) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine.session import builtin_facts

    library = _bundled_library()  # a test may follow a link to another guide
    guide = library.get(path.stem)
    assert guide is not None
    test = guide.tests[index]
    facts = dict(test.facts)
    # The test's facts exactly: its own, and the machine's unset (os=).
    fact_args = [f"--fact={k}={facts.get(k, '')}" for k in {**builtin_facts(), **facts}]
    answers = _answers_for(guide, test, library.get)
    done = subprocess.run(
        [*selfhelp_cmd(), "--no-bundled", "--guides", str(BUNDLED), "run", guide.id, *fact_args,
         "--answers", ",".join(f'"{a}"' if "," in a else a for a in answers)],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    if test.outcome:
        assert done.returncode == 0, done.stdout + done.stderr
        from selfhelp_tui.texts import outcome_title

        assert f"Outcome: {outcome_title(test.outcome)}" in done.stdout
    else:
        assert done.returncode == 3


def test_allowing_every_check_is_per_guide_and_never_survives_a_resume(site) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine import checking
    from selfhelp_tui.record import replace
    from selfhelp_tui.resume import SavedWalk

    guide, _marker = site
    session = Session.start(guide, "tui")
    session.answer("pass")
    node = session.walk.node
    checking.allow_all(session)
    assert checking.plan(session, node, trusted=True) is checking.Plan.RUN
    # The same check in another guide (as after a guide: link) asks again.
    other = Session.start(replace(guide, id="other-site"), "tui")
    other.extra = session.extra
    other.answer("pass")
    assert checking.plan(other, other.walk.node, trusted=True) is checking.Plan.ASK
    # and a resumed walk asks again
    assert checking.ALLOW_ALL not in SavedWalk.of(session).extra
