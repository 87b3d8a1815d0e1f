"""The walk engine: a pure state machine, tested without any frontend."""

from __future__ import annotations

import pytest

from selfhelp_tui.engine import Walk, WalkError
from selfhelp_tui.guides import Guide, load_library
from selfhelp_tui.guides.library import Source

from .conftest import LIBRARY


@pytest.fixture(scope="module")
def printer() -> Guide:
    return load_library([Source(LIBRARY, "t")]).guides["printer"]


@pytest.fixture(scope="module")
def tutorial() -> Guide:
    return load_library([Source(LIBRARY, "t")]).guides["first-steps"]


def test_walk_starts_at_start(printer: Guide) -> None:
    walk = Walk(printer)
    assert walk.node.id == "power"
    assert walk.path == ["power"]
    assert walk.options() == ["Yes, it is on", "No, it is off"]
    assert not walk.finished and walk.outcome is None and walk.at_start


def test_choose_follows_the_choice_and_records_the_path(printer: Guide) -> None:
    walk = Walk(printer)
    walk.choose(0)
    walk.choose(0)
    assert walk.node.id == "cancel-jobs"
    assert walk.options() == ["next"]
    walk.choose(0)
    walk.answer("Yes")
    assert walk.finished and walk.outcome == "resolved"
    assert walk.path == ["power", "queue", "cancel-jobs", "works", "fixed"]
    assert walk.choices == [0, 0, 0, 0]


def test_back_returns_exactly_and_does_nothing_at_the_start(printer: Guide) -> None:
    walk = Walk(printer)
    assert walk.back() is False
    assert walk.path == ["power"]
    walk.choose(1)
    walk.choose(0)  # switch-on -> power again (a loop)
    assert walk.path == ["power", "switch-on", "power"]
    assert walk.back() is True
    assert walk.node.id == "switch-on" and walk.path == ["power", "switch-on"]
    assert walk.back() is True
    assert walk.path == ["power"] and walk.choices == []


def test_back_from_an_outcome(printer: Guide) -> None:
    walk = Walk(printer)
    walk.answer(1)
    walk.answer(2)
    assert walk.outcome == "escalate"
    walk.back()
    assert walk.node.id == "queue" and not walk.finished


def test_restart_keeps_only_the_start(printer: Guide) -> None:
    walk = Walk(printer)
    walk.answer(1)
    walk.answer(1)
    walk.restart()
    assert walk.path == ["power"] and walk.choices == []


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (3, "no choice 3"),
        (0, "no choice 0"),
        ("maybe", "not one of the choices"),
        (True, "not an answer"),
    ],
)
def test_bad_answers_are_refused_without_moving(printer: Guide, answer, message: str) -> None:  # type: ignore[no-untyped-def]
    walk = Walk(printer)
    with pytest.raises(WalkError, match=message):
        walk.answer(answer)
    assert walk.path == ["power"]


def test_step_takes_only_next(printer: Guide) -> None:
    walk = Walk(printer)
    walk.answer(2)
    with pytest.raises(WalkError, match="this is a step"):
        walk.answer(1)
    walk.answer("next")
    assert walk.node.id == "power"


def test_labels_match_case_insensitively(printer: Guide) -> None:
    walk = Walk(printer)
    walk.answer("yes, IT is on")
    assert walk.node.id == "queue"


def test_finished_walk_refuses_moves(printer: Guide) -> None:
    walk = Walk(printer)
    walk.answer(1)
    walk.answer(2)
    with pytest.raises(WalkError, match="finished"):
        walk.choose(0)


def test_tutorial_counts_steps_and_completes(tutorial: Guide) -> None:
    walk = Walk(tutorial)
    assert walk.step_number() == (1, 3)
    walk.answer("next")
    assert walk.step_number() == (2, 3)
    walk.answer("next")
    walk.answer("")
    assert walk.finished and walk.outcome == "completed"


def test_replay_rebuilds_the_same_state(printer: Guide) -> None:
    walk = Walk(printer)
    for a in (2, "next", 1, 1):
        walk.answer(a)
    again = Walk.replay(printer, walk.state()["choices"])
    assert again.path == walk.path and again.choices == walk.choices


def test_links_to_other_guides_are_followed_and_back_returns(
    printer: Guide, tutorial: Guide
) -> None:
    from selfhelp_tui.guides.model import Link, StepNode
    from selfhelp_tui.record import replace

    hub = replace(
        tutorial,
        id="hub",
        nodes={
            **tutorial.nodes,
            "step-1": StepNode(
                "step-1",
                "Go",
                tutorial.nodes["step-1"].pos,
                next=Link("guide:printer#queue", tutorial.nodes["step-1"].pos),
            ),
        },
    )
    walk = Walk(hub, {"printer": printer}.get)
    walk.choose(0)
    assert walk.guide.id == "printer" and walk.node.id == "queue"
    assert walk.path == ["step-1", "printer#queue"]
    walk.answer(2)
    assert walk.outcome == "escalate"
    walk.back()
    walk.back()
    assert walk.guide.id == "hub" and walk.path == ["step-1"]
