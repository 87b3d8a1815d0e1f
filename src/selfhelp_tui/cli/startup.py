"""Start-up without the cyclic garbage collector.

A start makes tens of thousands of objects that live until exit (modules, the
parser, the library, the guide) and almost no garbage, yet the collector, set off by
allocations, walks them again and again while they are made: 6 ms of a plain walk's
60 on our 2-core machine. `main` pauses it; `started()`, called once the walk or the
app is about to begin (or when any other command starts its work), freezes what
start-up made out of the collector's reach and lets it collect what comes after.
"""

from __future__ import annotations

import gc

#: Whether the collector was on when start-up paused it (None: not paused).
_was_enabled: bool | None = None


def pause() -> None:
    global _was_enabled
    if _was_enabled is None:
        _was_enabled = gc.isenabled()
        gc.disable()


def started() -> None:
    """Start-up is over: keep what it made out of reach, collect the rest again."""
    global _was_enabled
    if _was_enabled is None:
        return
    gc.freeze()
    if _was_enabled:
        gc.enable()
    _was_enabled = None
