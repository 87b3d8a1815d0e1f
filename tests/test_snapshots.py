"""SVG snapshots of every screen at 80x24 (pytest-textual-snapshot).

Baselines live in tests/__snapshots__; after an intended visual change, review
the report and run `pytest tests/test_snapshots.py --snapshot-update`.
Textual is pinned exactly in pyproject.toml because baselines change between
its releases.
"""

from __future__ import annotations

from .tui_helpers import make_app, no_blink

SIZE = (80, 24)


def test_home(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=no_blink)


def test_walk_question(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), press=["enter", "1"], terminal_size=SIZE, run_before=no_blink)


def test_walk_step(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(), press=["enter", "1", "1"], terminal_size=SIZE, run_before=no_blink
    )


def test_walk_tutorial_step(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(start_guide="first-steps"),
        press=["enter"],
        terminal_size=SIZE,
        run_before=no_blink,
    )


def test_outcome(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(), press=["enter", "1", "2"], terminal_size=SIZE, run_before=no_blink
    )


def test_quit_confirmation(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(start_guide="printer"), press=["1", "q"], terminal_size=SIZE, run_before=no_blink
    )
