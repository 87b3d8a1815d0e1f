"""How every frontend handles a `check` node, so the TUI, plain mode and the
browser agree on the one thing that must never differ: a command runs only after
the reader saw it and agreed, and only from a guide they trust.

A frontend asks `plan()` what to do, asks for consent when told to, calls
`perform()` (which may take up to the probe's timeout: run it off the UI thread),
then `continue_after()` goes on by the result, or says the fallback question must
be asked. Nothing here draws anything.
"""

from __future__ import annotations

from enum import Enum

from ..guides.model import CheckNode
from ..probes import ProbeResult, describe_probe, needs_consent, run_probe
from ..record import asdict
from .session import Session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Plan(Enum):
    RUN = "run"  # a built-in probe, or a command the reader already allowed
    ASK = "ask"  # a command: show it and ask before running
    FALLBACK = "fallback"  # a command from an untrusted guide: never offered


#: Session.extra key: the guides whose every check the reader allowed, for this
#: session only (a walk that follows a link into another guide asks again there;
#: a resumed walk asks again).
ALLOW_ALL = "consent"


def plan(session: Session, node: CheckNode, trusted: bool) -> Plan:
    """`trusted`: whether the guide the node belongs to (the current one, which a
    link may have changed) comes from a trusted folder."""
    if not needs_consent(node.probe):
        return Plan.RUN
    if not trusted:
        return Plan.FALLBACK
    allowed = session.extra.get(ALLOW_ALL) or ()
    return Plan.RUN if session.walk.guide.id in allowed else Plan.ASK


def allow_all(session: Session) -> None:
    allowed: list[str] = session.extra.setdefault(ALLOW_ALL, [])
    if session.walk.guide.id not in allowed:
        allowed.append(session.walk.guide.id)


def description(node: CheckNode) -> str:
    """What will be checked, in one line; for a command, the exact command."""
    try:
        return describe_probe(node.probe, node.params)
    except ValueError:
        return node.probe


def probe(session: Session, node: CheckNode) -> ProbeResult:
    """Run the probe only (safe off the UI thread: it touches no session state)."""
    try:
        return run_probe(node.probe, node.params, extra_secret_patterns=session.guide.redact)
    except ValueError as exc:  # an unknown probe: the loader rejects these already
        return ProbeResult("error", str(exc))


def perform(session: Session, node: CheckNode) -> ProbeResult:
    """Run the probe and keep its result with this visit (local only)."""
    result = probe(session, node)
    record(session, node, result)
    return result


def record(
    session: Session,
    node: CheckNode,
    result: ProbeResult,
    declined: bool = False,
    by_reader: bool | None = None,
) -> None:
    """`by_reader`: the reader decided this (agreed to run a command, or refused);
    by default, a command that ran. A built-in probe runs unasked: nothing the
    reader did is lost if the walk is left (Session.has_progress)."""
    data: dict[str, Any] = asdict(result)
    data["command"] = list(result.command)
    data["probe"] = node.probe
    data["checked"] = description(node)
    data["declined"] = declined
    data["by_reader"] = (
        (not declined and needs_consent(node.probe)) if by_reader is None else by_reader
    )
    session.record_check(data)


def decline(session: Session, node: CheckNode, reason: str, by_reader: bool = False) -> None:
    """The reader said no (`by_reader`), or the guide is not trusted: the fallback
    is asked."""
    record(session, node, ProbeResult("unavailable", reason), declined=True, by_reader=by_reader)


def continue_after(session: Session, result: ProbeResult) -> bool:
    """Go on by a decided result (True); False means: ask the fallback question."""
    if not result.decided:
        return False
    session.choose(0 if result.status == "pass" else 1)
    return True


def fallback_index(choice: int) -> int:
    """The walk option of fallback answer `choice` (0-based): after pass and fail."""
    return choice + 2
