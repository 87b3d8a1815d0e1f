"""Schema 1 as a msgspec type, for reading records in bulk (report, upload).

msgspec decodes a JSON line straight into this struct and checks every field on
the way, in C: what `record_problem` checks, field by field, in a fraction of the
time (the report reads millions of lines). A line it refuses is looked at again
with `record_problem`, which says why. Kept apart from `record.py`, which a walk
imports to write its record: importing msgspec (~30 ms with the typing machinery
it brings) has no place on a walk's start.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from .record import MAX_DURATION_S, record_problem

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Record(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One outcome record: exactly the documented fields (docs/feedback.md)."""

    schema: Literal[1]
    record_id: Text
    guide_id: Text
    guide_version: Annotated[int, msgspec.Meta(ge=0)]
    kind: Literal["troubleshooter", "tutorial"]
    lang: Text
    path: list[str]
    outcome: Literal["resolved", "unresolved", "escalate", "completed", "abandoned"]
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None
    flagged: list[str]
    duration_s: Annotated[int, msgspec.Meta(ge=0, le=MAX_DURATION_S)]
    day: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    app_version: Text
    frontend: Text


_decode = msgspec.json.Decoder(Record).decode


def decode_line(line: bytes) -> Record | str:
    """A record, or why the line is not one ("not JSON", or `record_problem`'s
    reason)."""
    try:
        return _decode(line)
    except msgspec.DecodeError:
        return _why(line)


def _why(line: bytes) -> str:
    import json

    try:
        data = json.loads(line)
    except ValueError:  # not JSON, or not UTF-8
        return "not JSON"
    problem = record_problem(data)
    # msgspec is the stricter of the two only where JSON itself is odd (a key
    # given twice): say so rather than let the line through.
    return problem or "not a record of schema 1"


def from_dict(data: Any) -> Record | str:
    """A record from a row already parsed (the local log), or why it is not one."""
    try:
        return msgspec.convert(data, Record, strict=True)
    except msgspec.ValidationError:
        return record_problem(data) or "not a record of schema 1"
