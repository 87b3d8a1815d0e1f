"""The record of a walk is true to the path walked, and leaving or restarting asks
by one rule (Session.has_progress) wherever something the reader did would be
lost: engine and report, no frontend."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from selfhelp_tui.engine import Session, checking
from selfhelp_tui.engine.report import build_report, render_markdown
from selfhelp_tui.guides.loader import load_guide
from selfhelp_tui.guides.model import Guide
from selfhelp_tui.probes import ProbeResult

from .tui_helpers import fixture_library

#: A built-in check first (it runs unasked and moves on by itself), then a command
#: the reader must agree to, then a caution, then the end.
CHECKS_GUIDE = {
    "format": 1,
    "id": "checks",
    "kind": "troubleshooter",
    "title": "Checks",
    "summary": "A built-in check, a command, a caution.",
    "symptoms": ["checks"],
    "start": "home",
    "nodes": {
        "home": {
            "type": "check",
            "text": "Is HOME set?",
            "probe": "env_var",
            "with": {"name": "HOME"},
            "pass": "cmd",
            "fail": "cmd",
            "fallback": {
                "text": "Is it?",
                "choices": [{"label": "Yes", "next": "cmd"}, {"label": "No", "next": "cmd"}],
            },
        },
        "cmd": {
            "type": "check",
            "text": "Asks Python.",
            "probe": "run",
            "with": {"command": [sys.executable, "-c", "print('hi')"], "matches": "hi"},
            "pass": "careful",
            "fail": "careful",
            "fallback": {
                "text": "Did it say hi?",
                "choices": [
                    {"label": "Yes", "next": "careful"},
                    {"label": "No", "next": "careful"},
                ],
            },
        },
        "careful": {
            "type": "step",
            "text": "Unplug it.",
            "caution": "Mind the `mains` cable.",
            "next": "done",
        },
        "done": {"type": "outcome", "result": "resolved", "text": "Done."},
    },
}


@pytest.fixture
def checks_guide(write_guide: Callable[[str, str], Path]) -> Guide:
    path = write_guide("checks.yaml", yaml.safe_dump(CHECKS_GUIDE))
    guide = load_guide(path, "bundled").guide
    assert guide is not None
    return guide


def printer() -> Session:
    return Session.start(fixture_library().guides["printer"], "test")


def test_a_fresh_walk_has_nothing_to_lose_and_any_move_has() -> None:
    s = printer()
    assert not s.has_progress()
    s.answer(1)
    assert s.has_progress()
    s.back()
    assert not s.has_progress()  # back where it began: the same as a fresh start


def test_a_mark_is_something_to_lose_even_at_the_first_step() -> None:
    s = printer()
    s.flag_current()
    assert s.has_progress()


def test_a_built_in_check_moving_on_by_itself_is_not_the_readers_work(
    checks_guide: Guide,
) -> None:
    s = Session.start(checks_guide, "test")
    checking.continue_after(s, checking.perform(s, s.walk.node))
    assert s.walk.node.id == "cmd"
    assert not s.has_progress()  # only the probe moved: leaving asks nothing
    checking.decline(s, s.walk.node, "declined by the reader", by_reader=True)
    assert s.has_progress()  # the reader said no to the command: asked before leaving


def test_a_command_the_reader_let_run_and_a_caution_are_something_to_lose(
    checks_guide: Guide,
) -> None:
    s = Session.start(checks_guide, "test")
    checking.continue_after(s, checking.perform(s, s.walk.node))
    checking.record(s, s.walk.node, ProbeResult("pass", "said hi"))  # a command that ran
    assert s.has_progress()
    s.choose(0)
    assert s.walk.node.id == "careful"
    s.restart()
    assert not s.has_progress()  # its result went with the visit
    assert s.extra.get("checks") == {}


def test_an_acknowledged_caution_counts(checks_guide: Guide) -> None:
    s = Session.start(checks_guide, "test")
    s.answer("pass")
    s.answer("pass")
    assert s.walk.node.id == "careful"
    s.back()
    s.back()
    assert not s.has_progress()
    s.answer("pass")
    s.answer("pass")
    s.acknowledge()
    s.back()  # a step back keeps nothing of the caution's visit...
    s.answer("pass")
    assert s.needs_acknowledgement()
    s.acknowledge()
    s.restart()  # ...nor does a restart
    assert not s.has_progress()


def test_restart_and_back_drop_marks_of_nodes_no_longer_walked() -> None:
    s = printer()
    s.flag_current()  # power
    s.answer(1)
    s.flag_current()  # queue
    s.answer(1)
    s.flag_current()  # cancel-jobs
    s.back()
    assert s.flagged == ["power", "queue"]
    s.restart()
    assert s.flagged == ["power"]  # the first step is still walked
    s.answer(2)
    s.flag_current()
    s.end("abandoned")
    record = build_report(s)
    assert record["flagged"] == ["power", "switch-on"]


def test_the_report_holds_every_answer_rating_and_mark() -> None:
    s = printer()
    s.answer(1)
    s.flag_current()  # queue: unclear
    s.answer(2)  # no jobs: call support, an outcome
    s.set_helped(False)
    s.rate(2)
    text = render_markdown(build_report(s))
    assert "Answer: **No jobs are listed**" in text
    assert "Helped: no" in text
    assert "Rating: 2/5" in text
    assert "Steps marked as unclear: 2" in text


def test_the_report_after_restart_names_no_mark_of_the_path_left() -> None:
    s = printer()
    s.answer(1)
    s.flag_current()
    s.restart()
    text = render_markdown(build_report(s))
    assert "marked as unclear" not in text
    assert "Rating:" not in text and "Helped:" not in text  # nothing given: nothing said
