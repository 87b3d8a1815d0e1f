"""The real Textual app, driven with the Pilot through whole guides."""

from __future__ import annotations

from textual.widgets import Markdown, OptionList, Static

from .tui_helpers import make_app, screen_name


async def test_home_lists_guides_and_enter_opens_one() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        assert screen_name(app) == "HomeScreen"
        options = app.screen.query_one("#guide-list", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "printer",
            "first-steps",
        ]
        await pilot.press("enter")
        assert screen_name(app) == "WalkScreen"
        assert app.screen.walk.root.id == "printer"
        # Home is the app's first screen itself, the walk one pushed over it.
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen", "WalkScreen"]


async def test_walk_a_guide_to_its_outcome_with_digits_and_arrows() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("enter")  # open printer
        await pilot.press("1")  # on
        await pilot.press("down", "up", "enter")  # arrows + enter: choice 1, jobs waiting
        assert app.screen.walk.node.id == "cancel-jobs"
        await pilot.press("enter")  # continue the step
        await pilot.press("1")  # prints now
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        assert str(app.screen.query_one("#outcome-title", Static).render()) == "Resolved"
        await pilot.press("escape")
        assert screen_name(app) == "HomeScreen"


async def test_back_and_restart() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        walk = app.screen.walk
        await pilot.press("2", "enter", "1")
        assert walk.path == ["power", "switch-on", "power", "queue"]
        await pilot.press("backspace")
        assert walk.path == ["power", "switch-on", "power"]
        await pilot.press("escape")
        assert walk.path == ["power", "switch-on"]
        await pilot.press("r")  # a step was taken: it asks first
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("y")
        assert walk.path == ["power"]
        markdown = app.screen.query_one("#node-text", Markdown)
        assert "switched" in markdown.source


async def test_back_at_the_start_returns_to_the_list() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("enter", "backspace")
        assert screen_name(app) == "HomeScreen"


async def test_quit_midway_asks_first() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("1", "q")
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        assert screen_name(app) == "WalkScreen"
        assert app.screen.walk.path == ["power", "queue"]
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_quit_at_the_start_does_not_ask() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_digit_beyond_the_choices_does_nothing() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("7")
        assert app.screen.walk.path == ["power"]


async def test_tutorial_shows_step_counter_and_completes() -> None:
    app = make_app(start_guide="first-steps")
    async with app.run_test() as pilot:
        await pilot.pause()
        where = app.screen.query_one("#where", Static)
        assert str(where.render()) == "Step 1 of 3"
        await pilot.press("enter", "enter")
        assert str(where.render()) == "Step 3 of 3"
        await pilot.press("1")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        assert str(app.screen.query_one("#outcome-title", Static).render()) == "Tutorial completed"


async def test_outcome_backspace_returns_into_the_guide() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("1", "2")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        await pilot.press("backspace")
        await pilot.pause()
        assert screen_name(app) == "WalkScreen"
        assert app.screen.walk.node.id == "queue"


async def test_rich_markup_in_guide_text_is_shown_literally(write_guide) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.guides import load_library
    from selfhelp_tui.guides.library import Source

    path = write_guide(
        "markup.yaml",
        "format: 1\nid: markup\nkind: troubleshooter\ntitle: '[reverse]Fake[/reverse]'\n"
        "summary: s\nsymptoms: [s]\nstart: q\nnodes:\n  q:\n    type: question\n"
        "    text: '[blink]Click here[/blink]'\n    choices:\n"
        "      - {label: '[bold]Yes[/bold]', next: done}\n      - {label: 'No', next: done}\n"
        "  done: {type: outcome, result: resolved, text: ok}\n",
    )
    library = load_library([Source(path.parent, "t")])
    app = make_app(library, start_guide="markup")
    async with app.run_test() as pilot:
        await pilot.pause()
        title = app.screen.query_one("#title-bar", Static)
        assert str(title.render()) == "[reverse]Fake[/reverse]"
        choices = app.screen.query_one("#choices", OptionList)
        assert str(choices.get_option_at_index(0).prompt) == "1. [bold]Yes[/bold]"


async def test_no_color_still_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("enter", "1", "2")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        assert app.no_color
