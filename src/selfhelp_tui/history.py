"""Recently used guides, for the top of the home screen.

A short list of guide ids in the user state folder: the user's own, local, and
never part of the outcome log. A file that cannot be read is an empty history.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from .config import write_atomic
from .paths import Dirs

RECENT_NAME = "recent.json"
#: How many guides the "Recently used" group shows.
RECENT_MAX = 3


def recent_path(dirs: Dirs) -> Path:
    return dirs.state / RECENT_NAME


def recent_guides(dirs: Dirs) -> list[str]:
    try:
        data = json.loads(recent_path(dirs).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [g for g in data if isinstance(g, str)][:RECENT_MAX]


def note_opened(dirs: Dirs, guide_id: str) -> None:
    """Move a guide to the front of the list; failing to save is not worth a word."""
    ids = [guide_id, *(g for g in recent_guides(dirs) if g != guide_id)][:RECENT_MAX]
    with contextlib.suppress(OSError):
        write_atomic(recent_path(dirs), json.dumps(ids).encode("utf-8"))
