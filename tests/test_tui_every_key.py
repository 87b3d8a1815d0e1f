"""Every key of every screen, pressed once on a fresh app, with what it must do.

The table must name every binding a screen declares: a key added without a test
here fails `test_every_binding_has_an_expectation`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source

from .conftest import FIXTURES
from .tui_helpers import make_app, screen_name

# screen -> (guide to open, keys to get there)
SCREENS: dict[str, tuple[str | None, list[str]]] = {
    "HomeScreen": (None, []),
    "WalkScreen": ("printer", ["1"]),  # on 'queue', which has code to copy
    "OutcomeScreen": ("printer", ["1", "2"]),
    "ConfirmScreen": ("printer", ["1", "q"]),
    "HelpScreen": ("printer", ["f1"]),
    "TagScreen": (None, ["ctrl+t"]),
    "CopyScreen": ("long-lines", ["1", "a", "c"]),  # a step with two commands
}
#: Screens reached in another library than the fixtures' (default).
LIBRARIES = {"CopyScreen": FIXTURES / "wide"}

Check = Callable[[Any], bool]


def on(name: str) -> Check:
    return lambda app: screen_name(app) == name


def node(node_id: str) -> Check:
    return lambda app: screen_name(app) == "WalkScreen" and app.screen.walk.node.id == node_id


def exited(app: Any) -> bool:
    return not app.is_running


def rated(n: int) -> Check:
    return lambda app: app.screen.session.rating == n


def highlighted(*allowed: int) -> Check:
    def check(app: Any) -> bool:
        options = app.screen.query_one("#guide-list")
        return options.highlighted in [a % options.option_count for a in allowed]

    return check


EXPECT: dict[str, dict[str, Check]] = {
    "HomeScreen": {
        "ctrl+q": exited,
        "down": highlighted(1),
        "up": highlighted(0, -1),  # at the top: stays, or wraps to the bottom
        "enter": node("power"),
        "ctrl+t": on("TagScreen"),
        "escape": lambda app: app.screen.query_one("#search", Input).value == "",
    },
    "WalkScreen": {
        "1": node("cancel-jobs"),
        "2": on("OutcomeScreen"),  # no jobs listed: call support
        # 3-9: no such choice here; the bell rings and nothing moves.
        **{str(n): node("queue") for n in range(3, 10)},
        "backspace": node("power"),
        "escape": node("power"),
        "r": on("ConfirmScreen"),  # a step was taken: restarting asks first
        "c": lambda app: app.clipboard == "lpstat -o",
        "a": node("queue"),  # no caution here: nothing happens
        "o": node("queue"),  # no check here: nothing happens
        "s": node("queue"),  # no report saver in this app: not offered
        "u": lambda app: app.screen.session.flagged == ["queue"],
        "q": on("ConfirmScreen"),
    },
    "OutcomeScreen": {
        "escape": on("HomeScreen"),
        "backspace": node("queue"),
        "q": exited,
        "s": on("OutcomeScreen"),  # no report saver in this app: not offered
        "c": lambda app: app.clipboard == "lpstat -t",
        "y": lambda app: app.screen.session.helped is True,
        "n": lambda app: app.screen.session.helped is False,
        **{str(n): rated(n) for n in range(1, 6)},
    },
    "ConfirmScreen": {
        "y": exited,
        "enter": exited,
        "n": node("queue"),
        "escape": node("queue"),
    },
    "HelpScreen": {
        "escape": on("WalkScreen"),
        "question_mark": on("WalkScreen"),
        "f1": on("WalkScreen"),
        "q": on("WalkScreen"),
    },
    "TagScreen": {
        "escape": on("HomeScreen"),
    },
    "CopyScreen": {
        "escape": lambda app: screen_name(app) == "WalkScreen" and app.clipboard == "",
        "1": lambda app: screen_name(app) == "WalkScreen" and app.clipboard == "sudo apt clean",
        "2": lambda app: app.clipboard == "sudo apt autoremove --purge",
        **{str(n): on("CopyScreen") for n in range(3, 10)},  # no such command: the bell
    },
}


def _screen_class(name: str) -> type:
    from selfhelp_tui.tui.screens import confirm, copy, help, home, outcome, tags, walk

    for module in (home, walk, outcome, confirm, help, tags, copy):
        if hasattr(module, name):
            return getattr(module, name)
    raise KeyError(name)


def _keys(name: str) -> list[str]:
    return [b.key for b in _screen_class(name).BINDINGS]  # type: ignore[attr-defined]


def test_every_binding_has_an_expectation() -> None:
    for name in SCREENS:
        missing = set(_keys(name)) - set(EXPECT[name])
        assert not missing, f"{name}: no test for {sorted(missing)}"


CASES = [(name, key) for name in SCREENS for key in EXPECT[name]]


@pytest.mark.parametrize("name,key", CASES, ids=[f"{n}-{k}" for n, k in CASES])
async def test_each_key_does_what_it_says(name: str, key: str) -> None:
    guide, keys = SCREENS[name]
    library = load_library([Source(LIBRARIES[name], "fixtures")]) if name in LIBRARIES else None
    app = make_app(library, start_guide=guide)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        assert screen_name(app) == name
        await pilot.press(key)
        await pilot.pause()
        assert EXPECT[name][key](app), (name, key, screen_name(app))
    assert app._exception is None
