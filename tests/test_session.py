"""Sessions: what frontends report, and what observers are told."""

from __future__ import annotations

import pytest

from selfhelp_tui.engine import Session
from selfhelp_tui.engine.session import MAX_DURATION_S

from .tui_helpers import fixture_library


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, list[str], str | None]] = []

    def on_step(self, s: Session) -> None:
        self.events.append(("step", s.walk.path, s.ended))

    def on_end(self, s: Session) -> None:
        self.events.append(("end", s.walk.path, s.ended))

    def on_update(self, s: Session) -> None:
        self.events.append(("update", s.walk.path, s.ended))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(rec: Recorder, clock: Clock | None = None) -> Session:
    guide = fixture_library().guides["printer"]
    session = Session.start(guide, "test", observers=[rec])
    if clock:
        session.clock = clock
        session.started_at = clock()
    return session


def test_observers_see_every_move_and_one_end() -> None:
    rec = Recorder()
    s = make(rec)
    s.answer(1)
    s.back()
    s.back()  # at the start: nothing happens, nobody is told
    s.answer(1)
    s.answer(2)
    s.end("abandoned")  # already ended: ignored
    assert rec.events == [
        ("step", ["power", "queue"], None),
        ("step", ["power"], None),
        ("step", ["power", "queue"], None),
        ("step", ["power", "queue", "call-support"], None),
        ("end", ["power", "queue", "call-support"], "escalate"),
    ]
    assert s.ended == "escalate"


def test_flag_rate_and_helped_are_updates() -> None:
    rec = Recorder()
    s = make(rec)
    assert s.flag_current() is True
    assert s.flag_current() is False
    s.rate(4)
    s.set_helped(False)
    with pytest.raises(ValueError):
        s.rate(6)
    assert s.flagged == ["power"] and s.rating == 4 and s.helped is False
    assert [e[0] for e in rec.events] == ["update", "update", "update"]


def test_duration_counts_resumed_time_and_is_capped() -> None:
    clock = Clock()
    s = make(Recorder(), clock)
    s.elapsed_before = 30
    clock.now += 12.7
    assert s.duration_s() == 42
    clock.now += 3 * MAX_DURATION_S
    assert s.duration_s() == MAX_DURATION_S


def test_abandoning_midway() -> None:
    rec = Recorder()
    s = make(rec)
    s.answer(2)
    s.end("abandoned")
    assert rec.events[-1] == ("end", ["power", "switch-on"], "abandoned")
