"""The live preview, driven with the Pilot while the guide file is rewritten."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Markdown, Static

from selfhelp_tui.tui.app import PreviewApp

from .conftest import BAD, LIBRARY


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()  # make sure the change is seen even within one mtime tick
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


async def wait_for(pilot, condition, tries: int = 100) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the preview did not update")


def panel(app: PreviewApp) -> str:
    return str(app.screen.query_one("#preview-panel", Static).render())


async def test_saving_the_file_updates_the_screen_and_keeps_the_node(tmp_path: Path) -> None:
    path = tmp_path / "printer.yaml"
    source = (LIBRARY / "printer.yaml").read_text()
    write(path, source)
    app = PreviewApp(path, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # -> queue
        screen = app.screen
        assert screen.walk.path == ["power", "queue"]
        assert "Diagnostics\nnone" in panel(app)
        write(path, source.replace("Does it list any jobs?", "Are any jobs listed?"))
        await wait_for(
            pilot, lambda: "Are any jobs listed?" in screen.query_one("#node-text", Markdown).source
        )
        assert screen.walk.path == ["power", "queue"]

        # A broken save shows its errors and keeps the last good version on screen...
        write(path, source.replace("next: cancel-jobs", "next: cancel-jbos"))
        await wait_for(pilot, lambda: "unknown-node" in panel(app) or "cancel-jbos" in panel(app))
        assert "did you mean 'cancel-jobs'?" in panel(app)
        assert screen.walk.path == ["power", "queue"]
        # ...and the preview recovers as soon as the file is fixed.
        write(path, source)
        await wait_for(pilot, lambda: "Diagnostics\nnone" in panel(app))
        await pilot.press("1", "enter", "1")
        assert screen.walk.outcome == "resolved"
        assert "Outcome: Resolved" in str(screen.query_one("#where", Static).render())


async def test_a_node_that_disappears_falls_back_to_the_path_before_it(tmp_path: Path) -> None:
    path = tmp_path / "printer.yaml"
    source = (LIBRARY / "printer.yaml").read_text()
    write(path, source)
    app = PreviewApp(path, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("2")  # -> switch-on
        screen = app.screen
        write(path, source.replace("next: switch-on", "next: power"))
        await wait_for(pilot, lambda: screen.walk.path == ["power"])


async def test_file_broken_from_the_start_then_fixed(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    write(path, (BAD / "tabs.yaml").read_text())
    app = PreviewApp(path, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "indent with spaces, not tabs" in panel(app)
        await pilot.press("1", "backspace", "r", "g", "escape")  # nothing to walk: no crash
        write(path, (LIBRARY / "first-steps.yaml").read_text())
        await wait_for(pilot, lambda: "Diagnostics\nnone" in panel(app))
        assert app.screen.walk.path == ["step-1"]


async def test_jump_to_a_node_and_record_the_walk_as_a_test(tmp_path: Path) -> None:
    path = tmp_path / "printer.yaml"
    write(path, (LIBRARY / "printer.yaml").read_text())
    app = PreviewApp(path, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.press(*"works", "enter")
        await pilot.pause()
        assert app.screen.walk.path == ["power", "queue", "cancel-jobs", "works"]
        await pilot.press("1", "t")
        await pilot.pause()
    recorded = path.with_name("printer.yaml.recorded-tests").read_text()
    assert recorded == (
        "  - name: recorded walk to fixed\n"
        "    path: [power, queue, cancel-jobs, works, fixed]\n"
        "    outcome: resolved\n"
    )
    assert path.read_text() == (LIBRARY / "printer.yaml").read_text()  # never rewritten
