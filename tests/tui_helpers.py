"""Helpers for driving the real app with the Pilot."""

from __future__ import annotations

from selfhelp_tui.guides import Library, load_library
from selfhelp_tui.guides.library import Source

from .conftest import LIBRARY


def fixture_library() -> Library:
    return load_library([Source(LIBRARY, "fixtures")])


def make_app(library: Library | None = None, start_guide: str | None = None):  # type: ignore[no-untyped-def]
    from selfhelp_tui.tui.app import SelfhelpApp

    return SelfhelpApp(library or fixture_library(), start_guide=start_guide)


def screen_name(app) -> str:  # type: ignore[no-untyped-def]
    return type(app.screen).__name__


async def no_blink(pilot) -> None:  # type: ignore[no-untyped-def]
    """Stop every text cursor blinking, so snapshots do not depend on timing."""
    from textual.widgets import Input

    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """The screen as the reader sees it, as text, read from the app's own SVG
    screenshot: each run of text is placed at its cell (x is column * cell width)."""
    import html
    import re
    from collections import defaultdict

    svg = app.export_screenshot()
    pattern = (
        r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>(.*?)</text>'
    )
    rows: dict[float, list[tuple[int, str]]] = defaultdict(list)
    cell = 0.0
    for x, y, length, raw in re.findall(pattern, svg):
        text = html.unescape(raw).replace("\xa0", " ")
        cell = cell or float(length) / len(text)
        rows[float(y)].append((round(float(x) / cell), text))
    lines = []
    for y in sorted(rows):
        line = ""
        for column, text in sorted(rows[y]):
            line = line.ljust(column) + text
        lines.append(line.rstrip())
    return "\n".join(lines)
