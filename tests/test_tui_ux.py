"""The end user's comforts, driven through the real app: help overlay, command
palette, copying code, breadcrumbs and progress, tags, recently used, themes."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, ProgressBar, Static

from selfhelp_tui.config import load_config
from selfhelp_tui.paths import resolve_dirs
from selfhelp_tui.tui.screens.walk import collapse_crumbs, crumb_label

from .tui_helpers import fixture_library, make_app, screen_name


def _app_with_prefs(tmp_path: Path, theme: str | None = None):  # type: ignore[no-untyped-def]
    from selfhelp_tui.tui.app import AppPrefs, SelfhelpApp

    dirs = resolve_dirs(str(tmp_path / "data"), env={})
    return SelfhelpApp(fixture_library(), prefs=AppPrefs(dirs, theme)), dirs


def _listed(app) -> list[str]:  # type: ignore[no-untyped-def]
    options = app.screen.query_one("#guide-list", OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


# --- help overlay ----------------------------------------------------------------
@pytest.mark.parametrize(
    "keys", [[], ["enter"], ["enter", "1", "2"]], ids=["home", "walk", "outcome"]
)
@pytest.mark.parametrize("opener", ["f1", "question_mark"])
async def test_help_lists_every_binding_of_the_screen_it_was_opened_on(keys, opener) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        screen = app.screen
        if opener == "question_mark" and screen_name(app) == "HomeScreen":
            # On home, `?` is typed into the search box; F1 is the help key there.
            screen.query_one("#guide-list", OptionList).focus()
            await pilot.pause()
            await pilot.press("f1")
        else:
            await pilot.press(opener)
        await pilot.pause()
        assert screen_name(app) == "HelpScreen"
        listed = {description for _keys, description in app.screen.keys}
        keys_listed = {k for keys, _d in app.screen.keys for k in keys.split(", ")}
        # Every key the screen binds is listed (with what it does there now: a
        # focused list's own Down beats the screen's).
        own = [b for bs in screen._bindings.key_to_bindings.values() for b in bs]
        assert own
        for binding in own:
            if not screen.check_action(binding.action.partition("(")[0], ()):
                continue  # not offered here (copy with no code on the node)
            shown = binding.key_display or app.get_key_display(binding)
            assert shown in keys_listed, (shown, keys_listed)
        assert "Help" in listed and "Quit" in listed
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


# --- command palette -------------------------------------------------------------
async def test_palette_offers_open_restart_back_theme_and_quit() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Back", "Restart", "Theme", "Quit", "Open: The printer does not print"):
            assert wanted in titles
        await pilot.press("1")  # into the guide
        assert len(app.screen.walk.stack) == 2
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"restart")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert screen_name(app) == "ConfirmScreen"  # as `r`: a step was taken, it asks
        await pilot.press("y")
        await pilot.pause()
        assert screen_name(app) == "WalkScreen"
        assert len(app.screen.walk.stack) == 1


async def test_palette_opens_a_guide_by_name() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"first steps")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert screen_name(app) == "WalkScreen"
        assert app.screen.walk.root.id == "first-steps"


# --- code, breadcrumbs, progress -------------------------------------------------
async def test_c_copies_the_steps_command_exactly() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("c")  # the first node has no code: nothing copied, a notice
        await pilot.pause()
        assert app.clipboard == ""
        await pilot.press("1")  # queue: inline `lpstat -o` before the fenced block
        await pilot.press("c")
        await pilot.pause()
        assert (
            app.clipboard == "lpstat -o"
        )  # the block's (tests/test_walk_width.py: not the inline's)
        assert [n.message for n in app._notifications][-1] == "Copied to the clipboard: lpstat -o"


def test_breadcrumbs_collapse_from_the_middle_and_keep_the_current_node() -> None:
    labels = [crumb_label(None, f"Question number {i} about **things**") for i in range(8)]
    assert labels[0].plain == "Question number 0 about…"
    collapsed = collapse_crumbs(labels, 60).plain
    assert len(collapsed) <= 60
    assert collapsed.startswith(labels[0].plain + " › … › ")
    assert collapsed.endswith(labels[-1].plain)
    assert collapse_crumbs(labels[:2], 10).plain == " › ".join(lb.plain for lb in labels[:2])


def test_breadcrumbs_draw_inline_code_and_not_its_backticks() -> None:
    label = crumb_label(None, "Run `lpstat -o` in a terminal.")
    assert label.plain == "Run lpstat -o in a term…"  # 24 cells
    assert [(span.start, span.end, span.style) for span in label.spans] == [(4, 13, ".code_inline")]


async def test_walk_shows_breadcrumbs_and_a_tutorial_shows_progress() -> None:
    app = make_app(start_guide="printer")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#breadcrumbs").display
        assert not app.screen.query_one("#walk-progress").display
        await pilot.press("1")
        await pilot.pause()
        crumbs = str(app.screen.query_one("#breadcrumbs", Static).render())
        assert crumbs.startswith("Is the printer switched…") and " › Run lpstat -o" in crumbs
    app = make_app(start_guide="first-steps")
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.pause()
        bar = app.screen.query_one("#progress", ProgressBar)
        assert app.screen.query_one("#walk-progress").display
        step, total = app.screen.walk.step_number()
        assert (bar.progress, bar.total) == (step, total) and step == 2


# --- home: recently used and tags -----------------------------------------------
async def test_recently_used_guides_come_first_on_the_next_start(tmp_path: Path) -> None:
    app, _dirs = _app_with_prefs(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert _listed(app) == ["printer", "first-steps"]  # nothing used yet: no group
        app.open_guide("first-steps")
        await pilot.pause()
    app, _ = _app_with_prefs(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert _listed(app) == ["None", "recent/first-steps", "None", "printer", "first-steps"]
        options = app.screen.query_one("#guide-list", OptionList)
        assert options.highlighted == 1  # the headings are skipped
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.walk.root.id == "first-steps"


async def test_ctrl_t_browses_by_tag() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen_name(app) == "TagScreen"
        tags = [t for t, _n in app.screen.tags]
        assert "hardware" in tags
        tag_list = app.screen.query_one("#tag-list", OptionList)
        tag_list.highlighted = tags.index("hardware")
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "HomeScreen"
        assert app.screen.query_one("#search", Input).value == "#hardware"
        assert _listed(app) == ["None", "printer"]
        app.screen.query_one("#search", Input).value = "#nosuchtag"
        await pilot.pause()
        options = app.screen.query_one("#guide-list", OptionList)
        assert "No guide is tagged" in str(options.get_option_at_index(0).prompt)


# --- themes ------------------------------------------------------------------------
async def test_the_theme_chosen_is_remembered_in_the_config(tmp_path: Path) -> None:
    app, dirs = _app_with_prefs(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "selfhelp-high-contrast" in app.available_themes
        app.theme = "selfhelp-high-contrast"
        await pilot.pause()
    assert load_config(dirs)["theme"] == "selfhelp-high-contrast"
    app, _ = _app_with_prefs(tmp_path, theme=load_config(dirs)["theme"])
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "selfhelp-high-contrast"


async def test_outcome_offers_another_guide_and_quit() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("enter", "1", "2")
        await pilot.pause()
        actions = app.screen.query_one("#outcome-actions", OptionList)
        prompts = [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
        assert prompts == ["Start another guide", "Quit"]
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "HomeScreen"


# --- a long list: the first paint holds the top of it, the rest follows ------------
def _big_library(tmp_path: Path, count: int = 250):  # type: ignore[no-untyped-def]
    from bench.generate import generate

    from selfhelp_tui.guides import load_library
    from selfhelp_tui.guides.library import Source

    return load_library([Source(generate(tmp_path / "lib", count, 3), "big")])


async def test_a_long_list_shows_a_page_and_grows_as_the_reader_goes(tmp_path: Path) -> None:
    """The list never holds more entries than a page beyond what the reader has
    reached: nothing is added while they only look, a page is added as they move
    near the end, and End (repeated) reaches every guide, in order, once."""
    from selfhelp_tui.tui.app import SelfhelpApp
    from selfhelp_tui.tui.screens import home

    library = _big_library(tmp_path)
    app = SelfhelpApp(library)
    async with app.run_test() as pilot:
        await pilot.pause()
        first = _listed(app)
        assert len(first) == home.PAGE
        await pilot.pause(home.INDEX_DELAY + 0.3)  # the index is made; the list stays
        assert _listed(app) == first
        app.screen.query_one("#guide-list", OptionList).focus()
        for _ in range(3):
            await pilot.press("end")  # the end of what is there: a page more each time
            await pilot.pause()
        whole = _listed(app)
        assert whole[: home.PAGE] == first
        assert whole == [g.id for g in library.sorted_guides()]
        assert len(set(whole)) == 250


async def test_a_search_matching_every_guide_makes_only_a_page(tmp_path: Path) -> None:
    """Every guide matches `g0` (their ids): the list is one page, as is the whole
    list again after Escape; a search typed before the index is made still finds."""
    from selfhelp_tui.tui.app import SelfhelpApp
    from selfhelp_tui.tui.screens import home

    library = _big_library(tmp_path)
    app = SelfhelpApp(library)
    async with app.run_test() as pilot:
        await pilot.press(*"g00042")
        await pilot.pause()
        found = _listed(app)
        assert found and found[0] == "g00042" and len(found) < 250
        await pilot.press(*["backspace"] * 4)
        await pilot.pause()
        assert len(app.screen.index.search("g0")) == 250
        assert len(_listed(app)) == home.PAGE
        await pilot.press("escape")
        await pilot.pause()
        assert _listed(app) == [g.id for g in library.sorted_guides()][: home.PAGE]


async def test_each_key_in_the_search_box_paints_the_screen_once(tmp_path: Path) -> None:
    """A key typed on the home screen is one paint of the screen, whether the list
    stays long, becomes one line ("no guide matches", its scroll bar gone) or long
    again. Each paint more came a frame (17-33 ms) after the screen the reader
    needed, and the home screen's figure in the bench is to the last paint."""
    from textual._compositor import CompositorUpdate

    from selfhelp_tui.tui import app as app_module
    from selfhelp_tui.tui.app import SelfhelpApp
    from selfhelp_tui.tui.screens import home

    from .tui_helpers import no_blink

    paints: list[object] = []

    class Counting(SelfhelpApp):  # type: ignore[misc]
        CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")  # beside the app

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                paints.append(renderable)

    library = _big_library(tmp_path)
    app = Counting(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await no_blink(pilot)
        await pilot.pause(home.INDEX_DELAY + 0.3)
        assert app.screen.index  # made, as a reader's first look would let it be
        for key in ["g", "0", "0", "z", "backspace", "backspace", "1", "escape"]:
            paints.clear()
            await pilot.press(key)
            await pilot.pause(0.25)  # several frames: a late paint would be here
            assert len(paints) == 1, f"{key!r} painted the screen {len(paints)} times"
        assert len(_listed(app)) == home.PAGE


async def test_moving_or_scrolling_towards_the_end_adds_the_next_page(tmp_path: Path) -> None:
    from selfhelp_tui.tui.app import SelfhelpApp
    from selfhelp_tui.tui.screens import home

    app = SelfhelpApp(_big_library(tmp_path))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert len(_listed(app)) == home.PAGE
        await pilot.press(*["down"] * (home.PAGE - home.FILL_MARGIN - 1))
        await pilot.pause()
        assert len(_listed(app)) == home.PAGE
        await pilot.press("down")
        await pilot.pause()
        assert len(_listed(app)) == 2 * home.PAGE
        options = app.screen.query_one("#guide-list", OptionList)
        assert options.highlighted == home.PAGE - home.FILL_MARGIN
        options.scroll_end(animate=False, immediate=True)  # the mouse wheel, at once
        await pilot.pause()
        assert len(_listed(app)) == 250


async def test_the_home_screen_is_laid_out_once_at_start_up_and_again_on_a_real_resize(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Textual passes the first screen three Resize events of the size it was just
    laid out at, each a whole layout and repaint (tui/screens/steady.py)."""
    from textual.screen import Screen

    from selfhelp_tui.tui.screens.home import HomeScreen

    resized: list[object] = []
    real = Screen._screen_resized

    def counting(self, size):  # type: ignore[no-untyped-def]
        if isinstance(self, HomeScreen) and self.stack_updates:  # else it lays out nothing
            resized.append(size)
        return real(self, size)

    monkeypatch.setattr(Screen, "_screen_resized", counting)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert resized == []
        assert app.screen.has_class("-narrow") and app.screen.has_class("-tall")
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert len(resized) == 1
        assert app.screen.has_class("-wide") and not app.screen.has_class("-narrow")
        assert app.screen.query_one("#guide-detail").display
