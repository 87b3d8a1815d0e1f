"""Never lose your place: the walk saved after every step, resumed after a close,
a kill (SIGKILL, in a real terminal) or a guide change."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from textual.widgets import OptionList

from selfhelp_tui.engine import Session
from selfhelp_tui.feedback.observer import FeedbackRecorder
from selfhelp_tui.feedback.store import Store
from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source
from selfhelp_tui.paths import resolve_dirs
from selfhelp_tui.resume import (
    ResumeKeeper,
    ResumeProblem,
    SavedWalk,
    load_saved,
    resume_path,
    resume_session,
)

from .conftest import LIBRARY, ROOT, selfhelp_cmd
from .tui_helpers import fixture_library, screen_name


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def dirs_in(tmp_path: Path):  # type: ignore[no-untyped-def]
    return resolve_dirs(str(tmp_path / "data"), env={})


def test_every_step_is_saved_and_an_outcome_forgets_it(tmp_path: Path) -> None:
    dirs = dirs_in(tmp_path)
    guide = fixture_library().guides["printer"]
    session = Session.start(guide, "tui", observers=[ResumeKeeper(dirs)])
    assert load_saved(dirs) is None  # nothing answered yet
    session.choose(0)
    saved = load_saved(dirs)
    assert saved is not None and saved.path == tuple(session.walk.path) and saved.step == 2
    session.choose(0)
    assert load_saved(dirs).choices == (0, 0)  # type: ignore[union-attr]
    session.back()
    assert load_saved(dirs).choices == (0,)  # type: ignore[union-attr]
    while not session.walk.finished:
        session.choose(0)
    assert not resume_path(dirs).exists()


def test_closing_midway_keeps_the_place_and_leaving_at_the_start_does_not(tmp_path: Path) -> None:
    dirs = dirs_in(tmp_path)
    guide = fixture_library().guides["printer"]
    session = Session.start(guide, "tui", observers=[ResumeKeeper(dirs)])
    session.choose(0)
    session.end("abandoned")
    assert load_saved(dirs) is not None
    other = Session.start(guide, "tui", observers=[ResumeKeeper(dirs)])
    other.end("abandoned")  # left from the first node: nothing to come back to
    assert load_saved(dirs) is None


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"\xff\xfe", b"[]", b'{"state": 1, "guide_id": 3}', b'{"state": 99}'],
)
def test_a_broken_state_file_is_removed_not_fatal(tmp_path: Path, content: bytes) -> None:
    dirs = dirs_in(tmp_path)
    path = resume_path(dirs)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert load_saved(dirs) is None
    assert not path.exists()


def test_a_resumed_walk_is_one_walk_in_the_outcome_log(tmp_path: Path) -> None:
    """Same record id, the path from the start, the time of both halves."""
    dirs = dirs_in(tmp_path)
    library = fixture_library()
    store = Store(tmp_path / "log.db")
    clock = Clock()
    first = Session(
        Session.start(library.guides["printer"], "tui").walk,
        "tui",
        [FeedbackRecorder(store), ResumeKeeper(dirs)],
        clock=clock,
    )
    first.choose(0)
    clock.now += 40
    first.end("abandoned")  # the app was closed midway
    assert [r["outcome"] for r in store.all_records()] == ["abandoned"]

    saved = load_saved(dirs)
    assert saved is not None
    clock.now += 3600  # an hour away from the machine does not count
    second = resume_session(
        saved, library, "tui", [FeedbackRecorder(store), ResumeKeeper(dirs)], clock=clock
    )
    assert isinstance(second, Session)
    clock.now += 20
    while not second.walk.finished:
        second.choose(0)
    records = list(store.all_records())
    assert len(records) == 1
    assert records[0]["outcome"] != "abandoned"
    assert records[0]["path"] == second.walk.path and records[0]["path"][0] == "power"
    assert records[0]["duration_s"] == 60
    assert load_saved(dirs) is None


def _changed_library(tmp_path: Path, old: str, new: str) -> object:
    folder = tmp_path / "changed"
    folder.mkdir(exist_ok=True)
    source = (Path(__file__).parent / "fixtures" / "library" / "printer.yaml").read_text()
    assert old in source
    (folder / "printer.yaml").write_text(source.replace(old, new))
    return load_library([Source(folder, "changed")])


def _saved_printer_walk() -> SavedWalk:
    session = Session.start(fixture_library().guides["printer"], "tui")
    session.choose(0)
    session.choose(0)
    return SavedWalk.of(session)


def test_a_changed_guide_is_said_not_shown_wrong(tmp_path: Path) -> None:
    saved = _saved_printer_walk()
    newer = _changed_library(tmp_path, "version: 2", "version: 3")
    problem = resume_session(saved, newer, "tui", [])  # type: ignore[arg-type]
    assert isinstance(problem, ResumeProblem) and problem.guide_id == "printer"
    assert "has changed since you left it at step 3" in problem.message

    unchanged = resume_session(saved, fixture_library(), "tui", [])
    assert isinstance(unchanged, Session) and unchanged.walk.path == list(saved.path)


def test_a_node_gone_from_the_guide_is_a_change_too(tmp_path: Path) -> None:
    saved = _saved_printer_walk()
    assert saved.path[-1] == "cancel-jobs"
    renamed = _changed_library(tmp_path, "cancel-jobs", "cancel-all-jobs")
    assert "printer" in renamed.guides  # type: ignore[attr-defined]
    problem = resume_session(saved, renamed, "tui", [])  # type: ignore[arg-type]
    assert isinstance(problem, ResumeProblem) and problem.guide_id == "printer"


def test_a_guide_gone_from_the_library_is_said(tmp_path: Path) -> None:
    saved = _saved_printer_walk()
    empty = load_library([])
    problem = resume_session(saved, empty, "tui", [])
    assert isinstance(problem, ResumeProblem) and problem.guide_id is None
    assert "no longer in the library" in problem.message


# --- the app -----------------------------------------------------------------
def _app_with_saved(tmp_path: Path, now: bool = False):  # type: ignore[no-untyped-def]
    from selfhelp_tui.resume import clear_saved, save
    from selfhelp_tui.tui.app import ResumeOffer, SelfhelpApp

    dirs = dirs_in(tmp_path)
    saved = _saved_printer_walk()
    save(dirs, saved)
    offer = ResumeOffer(load_saved(dirs), now, lambda: clear_saved(dirs))
    app = SelfhelpApp(fixture_library(), observers=lambda: [ResumeKeeper(dirs)], resume=offer)
    return app, dirs, saved


async def test_the_app_offers_the_saved_walk_and_y_resumes_it(tmp_path: Path) -> None:
    app, dirs, saved = _app_with_saved(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        assert "Resume 'The printer does not print' at step 3?" in str(
            app.screen.query_one("#confirm-question").render()
        )
        await pilot.press("y")
        await pilot.pause()
        assert screen_name(app) == "WalkScreen"
        assert app.screen.walk.path == list(saved.path)
        await pilot.press("1")  # and it goes on from there, saved again
        await pilot.pause()
    assert load_saved(dirs) is None or load_saved(dirs).path[: len(saved.path)] == saved.path  # type: ignore[union-attr]


async def test_n_declines_and_forgets_the_saved_walk(tmp_path: Path) -> None:
    app, dirs, _saved = _app_with_saved(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert screen_name(app) == "HomeScreen"
    assert load_saved(dirs) is None


async def test_resume_flag_goes_straight_to_the_step(tmp_path: Path) -> None:
    app, _dirs, saved = _app_with_saved(tmp_path, now=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert screen_name(app) == "WalkScreen"
        assert app.screen.walk.path == list(saved.path)
        options = app.screen.query_one("#choices", OptionList)
        assert options.option_count >= 1


# --- killed for real -----------------------------------------------------------
def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=True, timeout=20
    ).stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux for a real terminal")
def test_sigkill_mid_guide_resumes_at_the_same_node_with_the_same_path(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sockets = [str(tmp_path / "tmux-1.sock"), str(tmp_path / "tmux-2.sock")]
    name = "selfhelp-kill"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT / "src"),
        "SELFHELP_DATA_DIR": str(data),
        "HOME": str(tmp_path),
    }
    exports = " ".join(f"{k}='{v}'" for k, v in env.items())
    command = " ".join(selfhelp_cmd())

    def tmux(*args: str) -> str:  # the second run gets a server of its own
        return _tmux("-S", sockets[0], *args)

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 30
        screen = ""
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", name)
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on the terminal:\n{screen}")

    tmux(
        "new-session", "-d", "-s", name, "-x", "100", "-y", "30",
        f"env -i {exports} {command} --no-bundled --guides {LIBRARY} run printer; sleep 30",
    )  # fmt: skip
    try:
        wait_for("Is the printer switched on")
        tmux("send-keys", "-t", name, "1")  # it is on
        wait_for("Does it list any jobs?")
        tmux("send-keys", "-t", name, "1")  # jobs are waiting
        screen = wait_for("Cancel the stuck jobs")
        state = json.loads((data / "state" / "walk.json").read_text())
        # Kill the app itself, not the shell: no exit handler, no clean-up runs.
        shell = tmux("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0]
        pids = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        assert len(pids) == 1, screen
        os.kill(int(pids[0]), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pids[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        tmux("kill-server")
        sockets.reverse()
        left = json.loads((data / "state" / "walk.json").read_text())
        assert left == state
        assert left["path"] == ["power", "queue", "cancel-jobs"]

        tmux(
            "new-session", "-d", "-s", name, "-x", "100", "-y", "30",
            f"env -i {exports} {command} --no-bundled --guides {LIBRARY} --resume; sleep 30",
        )  # fmt: skip
        screen = wait_for("Step 3")  # the lines may be painted one frame apart
        assert "Cancel the stuck jobs" in screen
        tmux("send-keys", "-t", name, "Enter")  # go on from the resumed step
        time.sleep(1)
        after = json.loads((data / "state" / "walk.json").read_text())
        assert after["path"][:3] == left["path"] and len(after["path"]) == 4
        assert after["record_id"] == left["record_id"]
    finally:
        for socket in sockets:
            subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True)


def test_plain_resume_over_a_pipe(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.resume import save

    save(resolve_dirs(cli_env["SELFHELP_DATA_DIR"], env={}), _saved_printer_walk())
    env = {**cli_env, "SELFHELP_GUIDES": str(Path(__file__).parent / "fixtures" / "library")}
    done = subprocess.run(
        [*selfhelp_cmd(), "--no-bundled", "--plain"],
        input="y\n1\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "Resume 'The printer does not print' at step 3?" in done.stdout
    assert "(resumed at step 3)" in done.stdout
    assert "Cancel the stuck jobs" in done.stdout  # the step it was left on
    assert done.returncode in (0, 3), done.stderr


def test_a_truncated_state_file_is_discarded_with_a_notice(tmp_path: Path) -> None:
    dirs = dirs_in(tmp_path)
    from selfhelp_tui.resume import save

    save(dirs, _saved_printer_walk())
    path = resume_path(dirs)
    path.write_bytes(path.read_bytes()[:25])  # a crash halfway through a write
    notices: list[str] = []
    assert load_saved(dirs, notices) is None
    assert notices == ["Your saved place in a guide was damaged and has been discarded."]
    assert not path.exists()
    assert load_saved(dirs, notices) is None and len(notices) == 1  # said once


def test_the_cli_starts_despite_a_corrupt_state_file_and_says_so(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    state = Path(cli_env["SELFHELP_DATA_DIR"]) / "state" / "walk.json"
    state.parent.mkdir(parents=True)
    state.write_bytes(b'{"state": 1, "guide_id": "printer", "choi')
    done = subprocess.run(
        [*selfhelp_cmd(), "--plain"], input="quit\n", capture_output=True, text=True,
        env=cli_env, timeout=60,
    )  # fmt: skip
    assert "was damaged and has been discarded" in done.stderr
    assert "Guide number or id" in done.stdout  # the app went on to the guide list
    assert not state.exists()
