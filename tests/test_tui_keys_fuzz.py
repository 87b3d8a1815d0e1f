"""Random key sequences through the real app, starting on every screen: whatever
is pressed, no unhandled exception, and the app is still answering."""

from __future__ import annotations

import random

import pytest

from .tui_helpers import make_app

KEYS = [
    *"0123456789abcdefghijklmnopqrstuvwxyz?",
    "enter", "escape", "backspace", "tab", "shift+tab", "up", "down", "left", "right",
    "home", "end", "pageup", "pagedown", "space", "f1", "ctrl+p", "delete",
]  # fmt: skip
# Keys that would end the run: quit is tested elsewhere; here we want to keep going.
EXCLUDED = {"q", "ctrl+q", "ctrl+c"}

STARTS = {
    "home": (None, []),
    "walk-question": ("printer", []),
    "walk-step": ("printer", ["2"]),
    "tutorial": ("first-steps", []),
    "outcome": ("printer", ["1", "2"]),
    "confirm": ("printer", ["1", "q"]),
}


@pytest.mark.parametrize("start", sorted(STARTS))
@pytest.mark.parametrize("seed", [1, 2])
async def test_random_keys_never_crash(start: str, seed: int) -> None:
    guide, prefix = STARTS[start]
    rng = random.Random(f"{start}-{seed}")
    keys = [k for k in (rng.choice(KEYS) for _ in range(40)) if k not in EXCLUDED]
    app = make_app(start_guide=guide)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*prefix)
        for key in keys:
            await pilot.press(key)
            if not app.is_running:
                break
        await pilot.pause()
        assert app.is_running or app.return_code == 0
    assert app._exception is None
