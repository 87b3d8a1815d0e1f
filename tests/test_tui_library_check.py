"""The TUI's first screen shows the library as the cache saved it, without looking
at a single file, and looks at them right after: what changed since the last start
reaches the list a moment later, with what the reader typed kept (guides/cache.py,
SelfhelpApp._check_library)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

import selfhelp_tui.tui.app as app_module
from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source
from selfhelp_tui.tui.app import CHECK_DELAY, SelfhelpApp

from .conftest import LIBRARY


def _folder_and_cache(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "guides"
    folder.mkdir()
    for path in LIBRARY.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    cache = tmp_path / "cache" / "library.pickle"
    load_library([Source(folder, "mine")], cache=cache)  # the last start's
    return folder, cache


def _retitle(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))
    later = time.time() + 5
    os.utime(path, (later, later))


def _titles(app: SelfhelpApp) -> list[str]:
    options = app.screen.query_one("#guide-list", OptionList)
    return [
        str(options.get_option_at_index(i).prompt).splitlines()[0]
        for i in range(options.option_count)
    ]


async def _checked(app: SelfhelpApp, pilot, now: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Once the check has run: by its timer, or `now` (its timer held back)."""
    if now:
        app._check_library()
    else:
        await pilot.pause(CHECK_DELAY + 0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_guide_changed_since_the_last_start_shows_changed_once_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "CHECK_DELAY", 600)  # checked when the test says
    folder, cache = _folder_and_cache(tmp_path)
    _retitle(folder / "printer.yaml", "The printer does not print", "Printer silent")
    (folder / "first-steps.yaml").unlink()
    shown = load_library([Source(folder, "mine")], cache=cache, check_later=True)
    app = SelfhelpApp(shown)
    async with app.run_test() as pilot:
        first = _titles(app)
        assert any("The printer does not print" in t for t in first), first
        assert any("First steps" in t for t in first), first
        await pilot.press(*"print")  # typed before the check
        assert any("The printer does not print" in t for t in _titles(app)), _titles(app)
        await _checked(app, pilot, now=True)
        assert app.library is not shown
        assert app.screen.query_one("#search", Input).value == "print"
        after = _titles(app)
        assert len(after) == 1 and "Printer silent" in after[0], after
        await pilot.press("escape")  # every guide again: the removed one is gone
        await pilot.pause()
        assert not any("First steps" in t for t in _titles(app)), _titles(app)


async def test_an_unchanged_library_is_kept_as_shown(tmp_path: Path) -> None:
    folder, cache = _folder_and_cache(tmp_path)
    shown = load_library([Source(folder, "mine")], cache=cache, check_later=True)
    app = SelfhelpApp(shown)
    async with app.run_test() as pilot:
        before = _titles(app)
        await _checked(app, pilot)
        assert app.library is shown and shown.check is None  # checked, nothing new
        assert _titles(app) == before


async def test_a_library_that_was_empty_gets_its_search_box(tmp_path: Path) -> None:
    folder = tmp_path / "guides"
    folder.mkdir()
    cache = tmp_path / "cache" / "library.pickle"
    load_library([Source(folder, "mine")], cache=cache)
    (folder / "printer.yaml").write_bytes((LIBRARY / "printer.yaml").read_bytes())
    app = SelfhelpApp(load_library([Source(folder, "mine")], cache=cache, check_later=True))
    async with app.run_test() as pilot:
        assert app.screen.query("#empty-library")
        await _checked(app, pilot)
        assert not app.screen.query("#empty-library")
        assert any("The printer does not print" in t for t in _titles(app))


async def test_guides_that_fail_to_load_are_listed_as_they_are_now(tmp_path: Path) -> None:
    """A guide broken since the last start joins the failures under the list; one
    mended leaves it; the last one mended takes the list of failures away."""
    folder, cache = _folder_and_cache(tmp_path)
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    load_library([Source(folder, "mine")], cache=cache)  # the last start's: one broken
    (folder / "worse.yaml").write_text("id: worse\ntitle: [unclosed\n")

    async def shown_failures() -> str:
        app = SelfhelpApp(load_library([Source(folder, "mine")], cache=cache, check_later=True))
        async with app.run_test() as pilot:
            await _checked(app, pilot)
            found = app.screen.query("#failures")
            return str(found.first(Static).render()) if found else ""

    text = await shown_failures()
    assert "2 guides could not be loaded" in text and "worse.yaml" in text, text
    (folder / "worse.yaml").unlink()
    text = await shown_failures()
    assert "1 guide could not be loaded" in text and "worse.yaml" not in text, text
    (folder / "broken.yaml").unlink()
    assert await shown_failures() == ""
