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


def test_search_results(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), press=[*"prnter jobs"], terminal_size=SIZE, run_before=no_blink)


def test_help_overlay(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(start_guide="printer"), press=["question_mark"], terminal_size=SIZE,
        run_before=no_blink,
    )  # fmt: skip


def test_resume_prompt(snap_compare, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.engine import Session
    from selfhelp_tui.resume import SavedWalk
    from selfhelp_tui.tui.app import ResumeOffer, SelfhelpApp

    from .tui_helpers import fixture_library

    library = fixture_library()
    session = Session.start(library.guides["printer"], "tui")
    session.choose(0)
    session.choose(0)
    offer = ResumeOffer(SavedWalk.of(session), False, lambda: None)
    app = SelfhelpApp(library, resume=offer)
    assert snap_compare(app, terminal_size=SIZE, run_before=no_blink)


def test_walk_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(), press=["enter", "1", "1"], terminal_size=(120, 40), run_before=no_blink
    )


def test_tutorial_at_200x60(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(start_guide="first-steps"), press=["enter"], terminal_size=(200, 60),
        run_before=no_blink,
    )  # fmt: skip


def test_walk_without_colour(snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """NO_COLOR: monochrome, and the selected choice still stands out."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), press=["enter", "1"], terminal_size=SIZE, run_before=no_blink)


def test_high_contrast_theme(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def high_contrast(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.theme = "selfhelp-high-contrast"
        await no_blink(pilot)

    assert snap_compare(make_app(), press=["enter", "1"], terminal_size=SIZE,
                        run_before=high_contrast)  # fmt: skip
