"""The record: exactly the documented anonymous fields, nothing else.

No user or host name, no path, no address, no environment, no free text, no
installation id. `record_id` is random per walk and exists only so a receiver
can drop duplicates.
"""

from __future__ import annotations

import datetime as dt
import os

from .. import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA_VERSION = 1
FIELDS = (
    "schema",
    "record_id",
    "guide_id",
    "guide_version",
    "kind",
    "lang",
    "path",
    "outcome",
    "rating",
    "flagged",
    "duration_s",
    "day",
    "app_version",
    "frontend",
)
OUTCOMES = ("resolved", "unresolved", "escalate", "completed", "abandoned")


def new_record_id() -> str:
    """A random (version 4) UUID as text. Made here from `os.urandom` because the
    `uuid` module imports `platform` and more, about 2 ms of every start."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def make_record(session: Any, record_id: str, today: dt.date | None = None) -> dict[str, Any]:
    """The record of a session, from its public fields only (never `extra`, where
    probe output and other local-only data live)."""
    guide = session.guide
    outcome = session.ended or "abandoned"
    # "Did this solve your problem?": the reader's answer beats the node's result.
    if session.helped is False and outcome in ("resolved", "completed"):
        outcome = "unresolved"
    elif session.helped is True and outcome == "unresolved":
        outcome = "resolved"
    day = today or dt.datetime.now(dt.timezone.utc).date()
    return {
        "schema": SCHEMA_VERSION,
        "record_id": record_id,
        "guide_id": guide.id,
        "guide_version": guide.version,
        "kind": guide.kind,
        "lang": session.shown_lang if hasattr(session, "shown_lang") else guide.lang,
        "path": list(session.walk.path),
        "outcome": outcome,
        "rating": session.rating,
        "flagged": list(session.flagged),
        "duration_s": session.duration_s(),
        "day": day.isoformat(),
        "app_version": __version__,
        "frontend": session.frontend,
    }


def validate_record(data: Any) -> dict[str, Any]:
    """A record read from an export, checked field by field; raises ValueError."""
    if not isinstance(data, dict) or tuple(sorted(data)) != tuple(sorted(FIELDS)):
        raise ValueError("not a selfhelp outcome record")
    if data["schema"] != SCHEMA_VERSION or data["outcome"] not in OUTCOMES:
        raise ValueError("unknown schema or outcome")
    if not isinstance(data["path"], list) or not isinstance(data["flagged"], list):
        raise ValueError("path and flagged are lists")
    return data
