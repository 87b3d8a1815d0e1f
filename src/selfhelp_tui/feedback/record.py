"""The record: exactly the documented anonymous fields, nothing else.

No user or host name, no path, no address, no environment, no free text, no
installation id. `record_id` is random per walk and exists only so a receiver
can drop duplicates.
"""

from __future__ import annotations

import datetime as dt

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


KINDS = ("troubleshooter", "tutorial")
_FIELD_SET = frozenset(FIELDS)
MAX_DURATION_S = 86_400


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def record_problem(data: Any) -> str | None:
    """What is wrong with a record read from an export or found in the log, or
    None: exactly the documented fields, each of its documented type. Upload
    checks every record with this; the report reads records with the same checks
    made in C (feedback/schema.py) and asks this only why a line was refused."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.keys() != _FIELD_SET:
        missing, extra = _FIELD_SET - data.keys(), data.keys() - _FIELD_SET
        return (
            "fields differ from schema 1"
            + (f" (missing {', '.join(sorted(missing))})" if missing else "")
            + (f" (unknown {', '.join(sorted(map(str, extra)))})" if extra else "")
        )
    if data["schema"] != SCHEMA_VERSION or not _is_int(data["schema"]):
        return "schema is not 1"
    for name in ("record_id", "guide_id", "lang", "app_version", "frontend", "day"):
        value = data[name]
        if not isinstance(value, str) or not value or len(value) > 200:
            return f"{name} is not a short text"
    if data["outcome"] not in OUTCOMES:
        return "unknown outcome"
    if data["kind"] not in KINDS:
        return "unknown kind"
    if not _is_int(data["guide_version"]) or data["guide_version"] < 0:
        return "guide_version is not a whole number"
    if not _strings(data["path"]) or not _strings(data["flagged"]):
        return "path and flagged are lists of node ids"
    rating = data["rating"]
    if rating is not None and (not _is_int(rating) or not 1 <= rating <= 5):
        return "rating is not 1 to 5"
    duration = data["duration_s"]
    if not _is_int(duration) or not 0 <= duration <= MAX_DURATION_S:
        return "duration_s is not 0 to 86400"
    day = data["day"]
    if (
        len(day) != 10
        or day[4] != "-"
        or day[7] != "-"
        or not (day[:4] + day[5:7] + day[8:]).isdigit()
        or not day.isascii()
    ):
        return "day is not a date"
    return None


def validate_record(data: Any) -> dict[str, Any]:
    """A record read from an export, checked field by field; raises ValueError."""
    problem = record_problem(data)
    if problem is not None:
        raise ValueError(problem)
    return data
