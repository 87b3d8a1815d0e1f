"""SVG snapshots of the walk at 80x24 and 40x12 (issue 17), with the fixture guide
tests/fixtures/wide/long-lines.yaml (a 120-character command, a step with two
commands and a caution, a check, an escalation with a long command), so they never
change with the bundled guides. What they show is asserted in test_walk_width.py;
after an intended visual change, review the report and run
`pytest tests/test_walk_width_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from .test_walk_width import NOTICE, wide_app
from .tui_helpers import make_app, no_blink

SIZES = {"80x24": (80, 24), "40x12": (40, 12)}
#: Keys from the start of long-lines to each of its screens.
SCREENS = {
    "long-command": [],
    "caution": ["1"],
    "check": ["2"],
    "outcome": ["3"],
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", SCREENS)
def test_walk(snap_compare, where: str, size: str) -> None:  # type: ignore[no-untyped-def]
    async def walk_there(pilot) -> None:  # type: ignore[no-untyped-def]
        """The keys, then every worker done: a check's probe runs in a thread, and
        on a loaded machine the screenshot came before its result (CI saw it)."""
        await no_blink(pilot)
        await pilot.press(*SCREENS[where])
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(wide_app(), terminal_size=SIZES[size], run_before=walk_there)


def test_copy_picker(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        wide_app(), press=["1", "a", "c"], terminal_size=(80, 24), run_before=no_blink
    )


@pytest.mark.parametrize("size", SIZES)
def test_first_run_notice_in_the_walk(snap_compare, size: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(wide_app(notice=NOTICE), terminal_size=SIZES[size], run_before=no_blink)


def test_home_with_the_detail_pane(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=no_blink)


def test_home_at_40x12(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(40, 12), run_before=no_blink)
