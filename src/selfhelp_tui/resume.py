"""Never lose your place: the walk in progress, saved after every step.

One small JSON file in the user state folder, written atomically (config.write_atomic:
temp file, fsync, rename), so a killed process or a power cut leaves the last step
or the one before, never half a file. It holds what rebuilding the walk needs (the
options taken, replayed through the engine) and what the outcome log needs to see
one walk rather than two (the record id, the time already spent, the flags). It is
the user's own and never leaves the machine; it is removed when the walk ends.

A saved walk is replayed, not trusted: when the guide changed since (another
version, a node gone, a choice that now leads elsewhere) the frontends say so and
offer to start again instead of showing a wrong step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from pathlib import Path

from .config import write_atomic
from .engine import Session, SessionObserver, Walk, WalkError
from .engine.session import builtin_facts
from .guides.library import Library
from .i18n import _
from .paths import Dirs
from .record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RESUME_NAME = "walk.json"
STATE_VERSION = 1


def resume_path(dirs: Dirs) -> Path:
    return dirs.state / RESUME_NAME


@record(frozen=True)
class SavedWalk:
    guide_id: str
    guide_version: int
    choices: tuple[int, ...]
    path: tuple[str, ...]
    record_id: str
    elapsed_s: float = 0.0
    started: str = ""  # ISO time the walk began (shown, never sent)
    flagged: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    #: The step the reader stood on, 1-based, as the walk screen counts (0: unknown).
    shown_step: int = 0

    @property
    def step(self) -> int:
        return self.shown_step or len(self.path)

    @classmethod
    def of(cls, session: Session) -> SavedWalk:
        walk = session.walk
        return cls(
            guide_id=walk.root.id,
            guide_version=walk.root.version,
            choices=tuple(walk.choices),
            path=tuple(walk.path),
            record_id=session.record_id,
            elapsed_s=session.elapsed(),
            started=dt.datetime.fromtimestamp(
                session.started_at - session.elapsed_before, dt.timezone.utc
            ).isoformat(timespec="seconds"),
            flagged=tuple(session.flagged),
            extra={k: v for k, v in session.extra.items() if k in RESUMABLE_EXTRA},
            shown_step=walk.step,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "state": STATE_VERSION,
            "guide_id": self.guide_id,
            "guide_version": self.guide_version,
            "choices": list(self.choices),
            "path": list(self.path),
            "record_id": self.record_id,
            "elapsed_s": round(self.elapsed_s, 3),
            "started": self.started,
            "flagged": list(self.flagged),
            "extra": self.extra,
            "step": self.shown_step,
        }

    @classmethod
    def from_json(cls, data: Any) -> SavedWalk:
        """Raises ValueError on anything that is not a state file of ours."""
        if not isinstance(data, dict) or data.get("state") != STATE_VERSION:
            raise ValueError("not a selfhelp walk state")
        choices, path = data.get("choices"), data.get("path")
        if not (
            isinstance(data.get("guide_id"), str)
            and isinstance(data.get("guide_version"), int)
            and isinstance(choices, list)
            and all(type(c) is int and c >= 0 for c in choices)
            and isinstance(path, list)
            and all(isinstance(p, str) for p in path)
            and len(path) == len(choices) + 1
            and isinstance(data.get("record_id"), str)
            and isinstance(data.get("elapsed_s"), (int, float))
        ):
            raise ValueError("malformed walk state")
        flagged = data.get("flagged") or []
        extra = data.get("extra") or {}
        return cls(
            guide_id=data["guide_id"],
            guide_version=data["guide_version"],
            choices=tuple(choices),
            path=tuple(path),
            record_id=data["record_id"],
            elapsed_s=max(0.0, float(data["elapsed_s"])),
            started=str(data.get("started", "")),
            flagged=tuple(f for f in flagged if isinstance(f, str)),
            extra=extra if isinstance(extra, dict) else {},
            shown_step=data["step"] if type(data.get("step")) is int else 0,
        )


#: Keys of Session.extra that a resumed walk needs back (acknowledged cautions, the
#: check results shown so far). Consent to run commands is never carried over: whoever
#: resumes is asked again.
RESUMABLE_EXTRA = ("acknowledged", "checks")


def load_saved(dirs: Dirs, notices: list[str] | None = None) -> SavedWalk | None:
    """The saved walk, or None. A file that cannot be read (truncated by a crash,
    corrupted) is removed, with a notice added to `notices`: a broken state file
    must never stand between the user and the app."""
    path = resume_path(dirs)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if notices is not None:
            notices.append(
                _("Your place in a guide could not be read ({error}).").format(error=exc)
            )
        return None
    try:
        return SavedWalk.from_json(json.loads(raw.decode("utf-8")))
    except (ValueError, UnicodeDecodeError):
        clear_saved(dirs)
        if notices is not None:
            notices.append(_("Your saved place in a guide was damaged and has been discarded."))
        return None


def save(dirs: Dirs, saved: SavedWalk) -> None:
    data = json.dumps(saved.to_json(), ensure_ascii=False, sort_keys=True)
    write_atomic(resume_path(dirs), data.encode("utf-8"))


def clear_saved(dirs: Dirs) -> None:
    with contextlib.suppress(OSError):
        resume_path(dirs).unlink(missing_ok=True)


class ResumeKeeper(SessionObserver):
    """Saves the walk after every step; forgets it when there is nothing to resume
    (an outcome was reached, or the reader left from the first node)."""

    def __init__(self, dirs: Dirs) -> None:
        self.dirs = dirs
        #: Why the state could not be saved, once (shown like the outcome log's notices).
        self.notices: list[str] = []
        self._failed = False

    def _save(self, session: Session) -> None:
        try:
            save(self.dirs, SavedWalk.of(session))
        except OSError as exc:
            if not self._failed:
                self._failed = True
                self.notices.append(
                    _("Could not save your place in the guide ({error}).").format(error=exc)
                )

    def on_step(self, session: Session) -> None:
        if session.walk.finished:
            clear_saved(self.dirs)
        else:
            self._save(session)

    def on_update(self, session: Session) -> None:
        if session.is_open:
            self._save(session)

    def on_end(self, session: Session) -> None:
        if session.walk.finished or session.walk.at_start:
            clear_saved(self.dirs)
        else:  # closed midway: keep it, so the next start offers to go on
            self._save(session)

    def drain_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices


@record(frozen=True)
class ResumeProblem:
    """Why a saved walk cannot be resumed as it was, in words for the reader."""

    message: str
    #: The guide to offer a fresh start in, if it is still in the library.
    guide_id: str | None


def resume_session(
    saved: SavedWalk,
    library: Library,
    frontend: str,
    observers: list[SessionObserver],
    clock: Any = time.time,
) -> Session | ResumeProblem:
    """Rebuild the saved walk as a live session, or say why it cannot be."""
    guide = library.get(saved.guide_id)
    if guide is None:
        return ResumeProblem(
            _("The guide '{id}' you were walking is no longer in the library.").format(
                id=saved.guide_id
            ),
            None,
        )
    changed = _(
        "The guide '{title}' has changed since you left it at step {step}; "
        "start it again from the beginning?"
    ).format(title=guide.title, step=saved.step)
    if guide.version != saved.guide_version:
        return ResumeProblem(changed, guide.id)
    try:
        walk = Walk.replay(guide, list(saved.choices), library.get, builtin_facts())
    except WalkError:
        return ResumeProblem(changed, guide.id)
    if tuple(walk.path) != saved.path or walk.finished:
        return ResumeProblem(changed, guide.id)
    return Session(
        walk,
        frontend,
        observers,
        clock=clock,
        elapsed_before=saved.elapsed_s,
        flagged=[f for f in saved.flagged if f in walk.path],
        extra=dict(saved.extra),
        record_id=saved.record_id,
    )


def resume_question(saved: SavedWalk, library: Library) -> str:
    guide = library.get(saved.guide_id)
    title = guide.title if guide else saved.guide_id
    return _("Resume '{title}' at step {step}?").format(title=title, step=saved.step)
