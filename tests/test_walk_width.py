"""The walk shows exactly what the guide says, at any width (issue 17): long
commands, cautions, breadcrumbs, the footer, the first-run notice and the home
screen's detail pane, at 80x24 and 40x12.

The real app with the Pilot; what is asserted is what is drawn (the widgets' lines,
the screen's text). Snapshots of the same screens are in test_walk_width_snapshots.py.
"""

from __future__ import annotations

import itertools

import pytest
from textual.geometry import Region
from textual.widget import Widget

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source
from selfhelp_tui.guides.text import CONTINUES

from .conftest import FIXTURES
from .tui_helpers import fixture_library, screen_name, screen_text

WIDE = FIXTURES / "wide"
#: The fixture's 120-character command (step 1) and its escalation's command.
LONG = (
    "sudo du -xh / --max-depth=2 2>/dev/null | sort -rh | head -n 20; "
    "df -h --output=source,pcent,target /var /home /srv /opt"
)
ESCALATE = (
    "df -h; df -i; sudo du -xh / --max-depth=1 2>/dev/null | sort -rh | head -n 15 "
    "| tee /tmp/disk-report-for-support.txt"
)
SIZES = [(80, 24), (40, 12)]
NOTICE = "selfhelp keeps an anonymous note of how each guide ended: the first-run notice."


def wide_app(start: str | None = "long-lines", notice: str | None = None):  # type: ignore[no-untyped-def]
    from selfhelp_tui.tui.app import SelfhelpApp

    library = load_library([Source(WIDE, "fixtures")])
    return SelfhelpApp(library, start_guide=start, notice=notice)


def drawn_lines(widget: Widget) -> list[str]:
    """Every line the widget draws, as laid out (also those scrolled out of view)."""
    width, height = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


def code_lines(lines: list[str]) -> list[str]:
    """The lines of code blocks (drawn two cells in), continuation marks as drawn."""
    return [line.strip() for line in lines if line.startswith("  ") and line.strip()]


def joined_code(lines: list[str]) -> str:
    """Code lines put back together where a line goes on after the mark."""
    out: list[str] = []
    for line in code_lines(lines):
        if line.startswith(CONTINUES + " ") and out:
            out[-1] += line.removeprefix(CONTINUES + " ")
        else:
            out.append(line)
    return "\n".join(out)


# --- item 1: long commands are shown whole, continued visibly ----------------------
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x12"])
async def test_a_120_character_command_is_drawn_whole_with_a_mark_where_it_goes_on(
    size: tuple[int, int],
) -> None:
    app = wide_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = drawn_lines(app.screen.query_one("#node-text"))
        code = code_lines(lines)
        assert len(code) >= 2 and all(len(line) <= size[0] for line in lines)
        # Every line after the first goes on after the mark: one command, not two.
        assert [line.startswith(CONTINUES) for line in code] == [False] + [True] * (len(code) - 1)
        assert joined_code(lines) == LONG
        # Where it does not fit the height, the body scrolls, and says so.
        body = app.screen.query_one("#node-body")
        if body.virtual_size.height > body.size.height:
            assert body.show_vertical_scrollbar


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x12"])
async def test_the_outcome_shows_its_command_whole(size: tuple[int, int]) -> None:
    """It was cut at the edge with no sign (`head -n 1` where the guide says 15)."""
    app = wide_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("3")  # give up: the escalation, with its long command
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        lines = drawn_lines(app.screen.query_one("#node-text"))
        assert joined_code(lines) == ESCALATE
        assert all(len(line) <= size[0] for line in lines)


# --- item 2: `c` copies the step's command, says what ----------------------------
def _notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_c_copies_the_command_not_the_inline_code_before_it() -> None:
    """Step 1 says `df -h` in its text before its command: `c` copied `df -h`."""
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == LONG
        # The notice says exactly what was copied: all 120 characters of it.
        assert _notices(app) == [f"Copied to the clipboard: {LONG}"]


async def test_c_on_a_step_with_several_commands_lets_the_reader_pick() -> None:
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "a")  # several commands; the caution read
        await pilot.press("c")
        await pilot.pause()
        assert screen_name(app) == "CopyScreen"
        assert app.clipboard == ""  # nothing copied before the reader picks
        choices = app.screen.query_one("#copy-list")
        assert [str(choices.get_option_at_index(i).prompt) for i in range(2)] == [
            "1. sudo apt clean",
            "2. sudo apt autoremove --purge",
        ]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert screen_name(app) == "WalkScreen"
        assert app.clipboard == "sudo apt autoremove --purge"
        assert _notices(app)[-1] == "Copied to the clipboard: sudo apt autoremove --purge"
        await pilot.press("c", "escape")  # cancelled: nothing copied, nothing said
        await pilot.pause()
        assert app.clipboard == "sudo apt autoremove --purge" and len(_notices(app)) == 1


async def test_c_works_on_the_outcome_screen() -> None:
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == ESCALATE
        assert _notices(app) == [f"Copied to the clipboard: {ESCALATE}"]


async def test_a_step_without_code_offers_no_copy() -> None:
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2")  # the check: no code in its text
        await pilot.pause()
        assert app.screen.check_action("copy_code", ()) is False
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == ""


# --- item 6: quit and restart ask by one rule ---------------------------------
async def test_q_at_the_first_step_asks_once_the_reader_did_something() -> None:
    """It quit at once at step 1 whatever had been done there."""
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("q")  # nothing done yet: quits at once
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")  # marked as unclear: that would be lost
        await pilot.press("q")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        assert screen_name(app) == "WalkScreen" and app.is_running
        await pilot.press("ctrl+q")  # every way to quit asks the same
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


async def test_r_asks_before_dropping_a_walk_and_the_record_keeps_the_path() -> None:
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")  # nothing to lose: at once, nothing asked
        await pilot.pause()
        assert screen_name(app) == "WalkScreen"
        await pilot.press("1", "u")  # a step taken and marked unclear
        await pilot.press("r")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        session = app.screen.session
        assert session.walk.path == ["first", "several"] and session.flagged == ["several"]
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert session.walk.path == ["first"]
        assert session.flagged == []  # the mark of a step no longer walked is gone
        assert str(app.screen.query_one("#where").render()) == "Step 1"


async def test_back_to_the_list_from_the_first_step_asks_by_the_same_rule() -> None:
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u", "backspace")  # a mark would be lost
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        assert screen_name(app) == "WalkScreen" and app.screen.session.flagged == ["first"]
        await pilot.press("backspace", "y")
        await pilot.pause()
        assert screen_name(app) == "HomeScreen"
        await pilot.press("enter")  # the same guide again, nothing done: back at once
        await pilot.pause()
        await pilot.press("backspace")
        await pilot.pause()
        assert screen_name(app) == "HomeScreen"


# --- item 7: cautions and breadcrumbs drawn as node text -----------------------
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x12"])
async def test_a_caution_is_reflowed_and_its_code_has_no_backticks(size: tuple[int, int]) -> None:
    """The caution kept the file's line breaks ("nor the" / "only other one") and
    showed `uname -r` in backticks."""
    app = wide_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        screen = screen_text(app)
        # The lines inside the caution's frame, as drawn, up to what the reader must do.
        boxed = [line.strip()[1:].split("┃")[0].strip() for line in screen.splitlines()
                 if line.strip().startswith("┃")]  # fmt: skip
        # (At 40x12 the line saying to press `a` is below, the body scrolls to it.)
        end = next((i for i, line in enumerate(boxed) if line.startswith("Press a")), None)
        lines = boxed[:end]
        lines = [line for line in lines if line and line != "CAUTION"]
        assert " ".join(lines) == (
            "Never remove the kernel the machine is running now (uname -r shows it), "
            "nor the only other one: the machine may no longer start."
        )
        width = len(next(line for line in screen.splitlines() if "┏" in line).strip()) - 4
        # Reflowed: no line could have taken the next one's first word.
        for line, after in itertools.pairwise(lines):
            assert len(line) + 1 + len(after.split()[0]) > width, (line, after)
        assert "`" not in screen


async def test_breadcrumbs_draw_inline_code_without_backticks() -> None:
    app = wide_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        crumbs = str(app.screen.query_one("#breadcrumbs").render())
        assert crumbs == "Run df -h first, then t… › Clean the package cache:"


# --- item 8: the footer by priority, `?` for the rest -------------------------
def _footer_keys(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The keys the footer shows (key: what it does), checking none is cut off."""
    from textual.widgets._footer import FooterKey

    footer = app.screen.query_one("Footer")
    shown = [key for key in footer.query(FooterKey) if key.display and key.region]
    palette = [key for key in shown if key.has_class("-command-palette")]
    # The palette's key is docked at the right: the others end before it.
    edge = palette[0].region.x if palette else app.size.width
    for key in shown:
        if key not in palette:
            assert key.region.right <= edge, f"{key.key_display} is cut off"
    return {key.key_display: key.description for key in shown}


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x12"])
@pytest.mark.parametrize(
    "keys,must",
    [
        ([], ["q", "?"]),
        (["1"], ["a", "q", "?"]),  # the caution: `a` first
        (["2"], ["q", "?"]),  # the check
        (["3"], ["q", "y", "n", "?"]),  # the outcome
    ],
    ids=["question", "caution", "check", "outcome"],
)
async def test_the_footer_is_never_cut_and_keeps_quit_and_help(
    size: tuple[int, int], keys: list[str], must: list[str]
) -> None:
    """At 80 columns the caution step's footer ended in `? H`; at 40, no Quit, no Help."""
    app = wide_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        shown = _footer_keys(app)
        assert all(key in shown for key in must), shown


async def test_help_lists_every_key_the_footer_leaves_out() -> None:
    from selfhelp_tui.tui.screens.help import screen_keys

    app = wide_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # the caution step: more keys than 40 columns hold
        await pilot.pause()
        walk = app.screen
        shown = set(_footer_keys(app).values())
        offered = {
            b.description
            for b in walk.BINDINGS
            if b.show and walk.check_action(b.action.partition("(")[0], ())
        }
        left_out = offered - shown
        assert left_out  # the footer did leave some out here
        await pilot.press("question_mark")
        await pilot.pause()
        assert screen_name(app) == "HelpScreen"
        listed = {what for _keys, what in screen_keys(walk)}
        assert left_out <= listed, left_out - listed


async def test_at_40x12_the_check_and_its_result_are_on_screen() -> None:
    app = wide_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "Check: Does" in text and "Failed:" in text
        assert "1. Continue" in text and "q Quit" in text and "? Help" in text


async def test_the_check_result_is_brought_back_into_view_when_the_body_is_laid_out_again() -> None:
    """The result is scrolled into view after the refresh that shows it, and again
    whenever the step's body gets another height while it is shown: on a loaded
    machine the body's new height was laid out after that refresh, and the result
    stayed below the text (1 snapshot in 12 under load, before)."""
    app = wide_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        body = app.screen.query_one("#node-body")
        assert body.max_scroll_y > 0 and body.scroll_y == body.max_scroll_y
        body.scroll_home(animate=False)  # as if laid out after the scroll
        await pilot.pause()
        assert body.scroll_y == 0
        from textual.widgets import Static

        await body.mount(Static("one\ntwo\nthree"))  # the body's height changes
        await pilot.pause()
        await pilot.pause()
        assert body.scroll_y > 0
        assert "Failed:" in screen_text(app)


# --- item 9: the first-run notice covers nothing -------------------------------
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x12"])
async def test_the_first_run_notice_never_covers_the_choices(size: tuple[int, int]) -> None:
    """It was a toast over the choices of the first steps."""
    app = wide_app(notice=NOTICE)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        for label in ("1. Several commands", "2. A check", "3. Give up"):
            assert label in text
        assert not app._notifications  # not a toast over the screen
        notice = app.screen.query_one("#first-run")
        assert NOTICE in str(notice.render())
        body = app.screen.query_one("#node-body")
        assert notice.parent is body  # in the scrolling text, under the step
        assert not notice.region.overlaps(app.screen.query_one("#choices").region)
        if size == (80, 24):
            assert NOTICE[:40] in text
        await pilot.press("1")  # the reader moves on: it has been seen
        await pilot.pause()
        assert not app.screen.query("#first-run")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "40x12"])
async def test_the_first_run_notice_on_the_home_screen_leaves_the_list_its_room(
    size: tuple[int, int],
) -> None:
    from selfhelp_tui.tui.app import SelfhelpApp

    long_notice = " ".join([NOTICE] * 4)
    app = SelfhelpApp(fixture_library(), notice=long_notice)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "The printer does not print" in text and "First steps" in text
        assert not app._notifications  # not a toast over the list
        notice = app.screen.query_one("#first-run")
        assert notice.region.height <= (6 if size == (80, 24) else 3)
        assert not notice.region.overlaps(app.screen.query_one("#guide-list").region)
        await pilot.press("enter")  # a guide opened: the notice has been seen
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(app) == "HomeScreen" and not app.screen.query("#first-run")


# --- item 10: the home screen's detail pane -------------------------------------
async def test_the_detail_pane_describes_the_highlighted_guide() -> None:
    from selfhelp_tui.tui.app import SelfhelpApp

    app = SelfhelpApp(fixture_library())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        detail = app.screen.query_one("#guide-detail")
        assert detail.display and detail.region.width > 30
        lines = [line.strip("│ ") for line in drawn_lines(detail)]
        text = "\n".join(lines)
        assert lines[0] == "The printer does not print"
        for part in (
            "troubleshooter · 5 questions and steps, 2",
            "Find out why a printer ignores your jobs",
            "Symptoms",
            "• printer not printing",
            "Tags: #printer #hardware",
            "From the folder fixtures",
            "Written in English",
        ):
            assert part in text, part
        await pilot.press("down")
        await pilot.pause()
        text = "\n".join(drawn_lines(detail))
        assert "First steps" in text and "tutorial · 3 steps" in text


async def test_the_detail_pane_is_hidden_where_the_list_needs_the_width() -> None:
    from selfhelp_tui.tui.app import SelfhelpApp

    app = SelfhelpApp(fixture_library())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#guide-detail").display
        body = app.screen.query_one("#home-body").region
        assert app.screen.query_one("#guide-list").region.width == body.width


@pytest.mark.parametrize(
    "lang,printer,first_steps",
    [
        ("en", "Written in English", "Written in English"),
        ("nb", "Oversatt til norsk bokmål", "Oversatt til norsk bokmål"),
        # No Spanish for first-steps; printer's, less one step's text.
        (
            "es",
            "Traducida en parte al español: 1 paso se muestra en English",
            "Sin traducir al español: se muestra en English",
        ),
    ],
)
async def test_the_detail_pane_says_whether_the_guide_is_translated(
    tmp_path, lang: str, printer: str, first_steps: str
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from selfhelp_tui.guides.library import LoadMode
    from selfhelp_tui.i18n import use_language
    from selfhelp_tui.tui.app import SelfhelpApp

    from .conftest import I18N

    folder = tmp_path / "guides"
    shutil.copytree(I18N, folder)
    po = folder / "printer.es.po"
    text = po.read_text(encoding="utf-8")
    one = 'msgstr "¿Está la impresora **encendida** y con la pantalla iluminada?"'
    assert one in text
    po.write_text(text.replace(one, 'msgstr ""'), encoding="utf-8")

    use_language(lang)
    library = load_library([Source(folder, "fixtures")], mode=LoadMode(lang=lang))
    app = SelfhelpApp(library)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        seen = {}
        for _ in range(2):
            detail = app.screen.query_one("#guide-detail")
            lines = [line.strip("│ ") for line in drawn_lines(detail)]
            seen[detail.guide.id] = " ".join(line for line in lines if line)
            await pilot.press("down")
            await pilot.pause()
        assert seen["printer"].endswith(printer)
        assert seen["first-steps"].endswith(first_steps)
