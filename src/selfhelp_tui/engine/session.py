"""A session: a walk as a person lives it, and the one place frontends report to.

The walk says where the reader is; the session adds what frontends and the
features built on them need to know: when it started, which nodes the reader
flagged as unclear, the rating, how it ended. Observers (the outcome log, the
resume file, the session report) subscribe to it, so every frontend (TUI, plain
mode, browser) gets every feature by driving a Session, and a new feature is one
new observer. Still no I/O here: observers do their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from ..guides.model import CheckNode, Guide
from ..i18n import _
from ..ids import new_record_id
from ..record import field, record
from .walk import Resolver, Walk, WalkError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol
else:
    Protocol = object  # a plain base class at run time: no `typing` import

#: Longest duration a record may claim (a walk left open overnight is not data).
MAX_DURATION_S = 24 * 60 * 60


class SessionObserver(Protocol):
    """What a feature implements to follow sessions. Every method is optional in
    spirit: implement the ones you need, leave the others empty."""

    def on_step(self, session: Session) -> None: ...
    def on_end(self, session: Session) -> None: ...
    def on_update(self, session: Session) -> None: ...


@record
class Session:
    walk: Walk
    frontend: str
    observers: list[SessionObserver] = field(default_factory=list)
    clock: Callable[[], float] = time.time
    #: Seconds spent before this process (a resumed walk continues its duration).
    elapsed_before: float = 0.0
    started_at: float = 0.0
    flagged: list[str] = field(default_factory=list)
    rating: int | None = None
    #: How the session ended: an outcome result, or "abandoned"; None while open.
    ended: str | None = None
    #: Answers to the outcome screen's "did this help?" (None: not answered).
    helped: bool | None = None
    #: Free slots for features (facts, check results, acknowledgements...).
    extra: dict[str, Any] = field(default_factory=dict)
    #: Random per walk, kept across a resume so the outcome log sees one walk.
    record_id: str = field(default_factory=new_record_id)

    def __post_init__(self) -> None:
        if not self.started_at:
            self.started_at = self.clock()

    @classmethod
    def start(
        cls,
        guide: Guide,
        frontend: str,
        resolve: Resolver | None = None,
        observers: Iterable[SessionObserver] = (),
        facts: dict[str, str] | None = None,
    ) -> Session:
        """`facts` override the built-in ones (an empty value removes one): for
        scripts, and for walking a guide's branches as on another machine."""
        known = builtin_facts()
        for name, value in (facts or {}).items():
            if value:
                known[name] = value
            else:
                known.pop(name, None)
        return cls(Walk(guide, resolve, known), frontend, list(observers))

    # --- reading ------------------------------------------------------------
    @property
    def guide(self) -> Guide:
        return self.walk.root

    @property
    def is_open(self) -> bool:
        return self.ended is None

    def _langs_walked(self) -> list[str]:
        return [self.walk.guide_of(p).shown_lang(p.node_id) for p in self.walk.stack]

    def shown_langs(self) -> list[str]:
        """The languages the nodes walked so far were shown in, first seen first
        (more than one when a translation fell back to the source for some node)."""
        return list(dict.fromkeys(self._langs_walked()))

    @property
    def shown_lang(self) -> str:
        """The language the reader actually read the walk in, for the outcome record:
        the language most of the nodes walked were shown in (the translation's on a
        tie). Not the language asked for: a guide without a translation counts in
        its source language."""
        walked = self._langs_walked()
        loc = self.guide.localization
        asked = loc.lang if loc else self.guide.lang
        return max(dict.fromkeys(walked), key=lambda lang: (walked.count(lang), lang == asked))

    def elapsed(self) -> float:
        """Seconds spent on this walk, across resumes."""
        return self.elapsed_before + max(0.0, self.clock() - self.started_at)

    def duration_s(self) -> int:
        return int(min(MAX_DURATION_S, self.elapsed()))

    # --- moves (forwarded to the walk, then to observers) --------------------
    def choose(self, index: int) -> None:
        self._check_caution()
        self.walk.choose(index)
        self._after_move()

    def answer(self, answer: int | str) -> None:
        self._check_caution()
        self.walk.answer(answer)
        self._after_move()

    # --- safety gates ----------------------------------------------------------
    @property
    def step_key(self) -> str:
        """The current visit (its place in the path): results and acknowledgements
        belong to a visit, so walking back and forth never mixes them up."""
        return str(len(self.walk.stack) - 1)

    def needs_acknowledgement(self) -> bool:
        node = self.walk.node
        return bool(node.caution) and self.step_key not in self.extra.get("acknowledged", {})

    def acknowledge(self) -> None:
        """The reader has read the caution here (a deliberate key, not Enter)."""
        if not self.walk.node.caution:
            return
        acks: dict[str, str] = self.extra.setdefault("acknowledged", {})
        acks[self.step_key] = self.walk.position.node_id
        self._notify("on_update")

    def _check_caution(self) -> None:
        if self.needs_acknowledgement():
            raise WalkError(_("read the caution and acknowledge it first"))

    # --- checks ------------------------------------------------------------------
    def check_result(self) -> dict[str, Any] | None:
        """What the check at this visit found (see record_check), if it ran."""
        return self.extra.get("checks", {}).get(self.step_key)

    def record_check(self, result: dict[str, Any]) -> None:
        """Keep a check's result with this visit, for the screen and the report.
        Never part of the outcome log (feedback/record.py reads no `extra`)."""
        if not isinstance(self.walk.node, CheckNode):
            raise WalkError(_("this is not a check"))
        self.extra.setdefault("checks", {})[self.step_key] = result
        self._notify("on_update")

    def back(self) -> bool:
        moved = self.walk.back()
        if moved:
            self._forget_after()
            self._notify("on_step")
        return moved

    def restart(self) -> None:
        self.walk.restart()
        self._forget_after()
        self._notify("on_step")

    def _forget_after(self) -> None:
        """Results and acknowledgements of visits undone by back/restart are gone,
        and a check stepped back onto runs again (the reader may have fixed
        something): the next visit checks (and asks) afresh. Marks of nodes no
        longer in the path go too: the record is true to the path walked."""
        here = len(self.walk.stack) - 1
        for key, keep_here in (("checks", False), ("acknowledged", True)):
            kept = self.extra.get(key)
            if kept:
                for step in [
                    k for k in kept if int(k) > here or (int(k) == here and not keep_here)
                ]:
                    del kept[step]
        if self.flagged:
            walked = set(self.walk.path)
            self.flagged[:] = [node_id for node_id in self.flagged if node_id in walked]

    def has_progress(self) -> bool:
        """Whether leaving or restarting now would lose something the reader did: a
        move, a check they agreed to (or refused), a caution acknowledged, a mark.
        Every frontend asks before quitting or restarting by this one rule."""
        if self.flagged or self.extra.get("acknowledged"):
            return True
        checks: dict[str, dict[str, Any]] = self.extra.get("checks") or {}
        if any(found.get("by_reader") for found in checks.values()):
            return True
        for step in self.walk.moves():
            found = checks.get(str(step))
            # A move a built-in probe made on its own is not the reader's.
            if found is None or found.get("declined") or found.get("by_reader"):
                return True
        return False

    def _after_move(self) -> None:
        self._notify("on_step")
        if self.walk.finished:
            self.end(self.walk.outcome or "completed")

    # --- what the reader tells us -------------------------------------------
    def flag_current(self) -> bool:
        """Mark the current node as unclear; False if it was flagged already."""
        node_id = self.walk.path[-1]
        if node_id in self.flagged:
            return False
        self.flagged.append(node_id)
        self._notify("on_update")
        return True

    def rate(self, rating: int | None) -> None:
        if rating is not None and not 1 <= rating <= 5:
            raise ValueError("a rating is 1 to 5")
        self.rating = rating
        self._notify("on_update")

    def set_helped(self, helped: bool | None) -> None:
        self.helped = helped
        self._notify("on_update")

    def end(self, outcome: str) -> None:
        """End the session once: with the outcome reached, or "abandoned"."""
        if self.ended is not None:
            return
        self.ended = outcome
        self._notify("on_end")

    def reopen(self) -> None:
        """Step back from an outcome into the guide: the session goes on (the
        record already written for it is updated when it ends again)."""
        self.ended = None

    def drain_notices(self) -> list[str]:
        """Messages observers want shown to the user once (see FeedbackRecorder)."""
        out: list[str] = []
        for observer in self.observers:
            drain = getattr(observer, "drain_notices", None)
            if drain is not None:
                out.extend(drain())
        return out

    def _notify(self, event: str) -> None:
        for observer in self.observers:
            handler = getattr(observer, event, None)
            if handler is not None:
                handler(self)


def builtin_facts() -> dict[str, str]:
    """Facts every walk starts with: the OS, and on Linux the distribution, its
    package manager and init system (machine.py)."""
    from ..machine import machine_facts

    return machine_facts()
