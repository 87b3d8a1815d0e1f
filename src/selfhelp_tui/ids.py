"""Record ids: a random (version 4) UUID as text, for a walk's outcome record.

Apart from feedback/record.py so that a walk that logs nothing (a scripted plain
walk) does not import the outcome log's code and `datetime` (~2.5 ms) to make one.
"""

from __future__ import annotations

import os


def new_record_id() -> str:
    """Made here from `os.urandom` because the `uuid` module imports `platform` and
    more, about 2 ms of every start."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
