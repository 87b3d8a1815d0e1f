"""Russian and Hungarian at 80x24: longer words and Cyrillic must not break the
layout (title bar, the step line with its notice, the choices, the footer).

Baselines live in tests/__snapshots__/test_snapshots_i18n; see test_snapshots.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import LoadMode, Source
from selfhelp_tui.i18n import use_language

from .conftest import I18N
from .tui_helpers import make_app, no_blink

SIZE = (80, 24)


@pytest.fixture(params=["ru", "hu"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    use_language(request.param)
    yield request.param


def app_in(lang: str, start_guide: str | None = None):  # type: ignore[no-untyped-def]
    lib = load_library([Source(I18N, "fixtures")], mode=LoadMode(lang=lang))
    return make_app(lib, start_guide=start_guide)


def test_home(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_in(lang), terminal_size=SIZE, run_before=no_blink)


def test_walk_question(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_in(lang), press=["enter", "1"], terminal_size=SIZE, run_before=no_blink)


def test_walk_step(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app_in(lang), press=["enter", "1", "1"], terminal_size=SIZE, run_before=no_blink
    )


def test_tutorial_step(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Russian has the tutorial translated; Hungarian falls back with the notice."""
    assert snap_compare(
        app_in(lang, "first-steps"), press=["enter"], terminal_size=SIZE, run_before=no_blink
    )


def test_outcome(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app_in(lang), press=["enter", "1", "2"], terminal_size=SIZE, run_before=no_blink
    )


def test_quit_confirmation(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        app_in(lang, "printer"), press=["1", "q"], terminal_size=SIZE, run_before=no_blink
    )
