"""Finding the right guide: the search core, the home screen and `selfhelp search`."""

from __future__ import annotations

import json
import subprocess

import pytest
from textual.widgets import Input, OptionList

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source
from selfhelp_tui.guides.search import SearchIndex

from .conftest import BUNDLED, selfhelp_cmd
from .tui_helpers import make_app, screen_name


@pytest.fixture(scope="module")
def bundled():  # type: ignore[no-untyped-def]
    return load_library([Source(BUNDLED, "bundled")])


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("no space", "disk-full"),
        ("No space left on device", "disk-full"),
        ("printr not prnting", "printer-cups"),
        ("printing not printer", "printer-cups"),
        ("ssh permision denied", "ssh-connection"),
        ("rejected push", "git-push-rejected"),
        ("wifi", "no-network-linux"),
        ("Temporary failure in name resolution", "no-network-linux"),
        ("kex_exchange_identification", "ssh-connection"),
        ("passwordless ssh", "ssh-key-login"),
        ("set up ssh key", "ssh-key-login"),
        ("write guide", "writing-your-first-guide"),
    ],
)
def test_ranking_forgives_typos_and_word_order(bundled, query: str, first: str) -> None:  # type: ignore[no-untyped-def]
    hits = SearchIndex(bundled.search_cards()).search(query)
    assert hits and hits[0].guide.id == first


def test_matched_words_are_reported_and_nothing_matches_nonsense(bundled) -> None:  # type: ignore[no-untyped-def]
    index = SearchIndex(bundled.search_cards())
    (top, *_rest) = index.search("prnter")
    assert "printer" in top.matched
    assert index.search("zzzqqq") == []


async def test_typing_no_space_on_home_lists_disk_full_first(bundled) -> None:  # type: ignore[no-untyped-def]
    app = make_app(bundled)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#search", Input)
        await pilot.press(*"no space")
        await pilot.pause()
        options = app.screen.query_one("#guide-list", OptionList)
        assert options.get_option_at_index(0).id == "disk-full"
        await pilot.press("enter")
        assert screen_name(app) == "WalkScreen" and app.screen.walk.root.id == "disk-full"


async def test_arrows_and_enter_from_the_search_box(bundled) -> None:  # type: ignore[no-untyped-def]
    app = make_app(bundled)
    async with app.run_test() as pilot:
        await pilot.pause()
        options = app.screen.query_one("#guide-list", OptionList)
        second = options.get_option_at_index(1).id
        await pilot.press("down", "down", "up", "enter")
        assert app.screen.walk.root.id == second


async def test_no_match_says_so_and_escape_shows_everything(bundled) -> None:  # type: ignore[no-untyped-def]
    app = make_app(bundled)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"zzzqqq")
        await pilot.pause()
        options = app.screen.query_one("#guide-list", OptionList)
        assert options.option_count == 1
        assert "No guide matches 'zzzqqq'" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        assert screen_name(app) == "HomeScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert options.option_count == len(bundled.guides)


def test_search_cli_prints_ranked_results(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run([*selfhelp_cmd(), "search", "printr", "not", "prnting", "--format", "json"],
                          capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 0
    hits = json.loads(proc.stdout)
    assert hits[0]["id"] == "printer-cups" and "printer" in hits[0]["matched"]
    none = subprocess.run([*selfhelp_cmd(), "search", "zzzqqq"], capture_output=True,
                          text=True, env=cli_env, timeout=60)  # fmt: skip
    assert none.returncode == 1 and "No guide matches" in none.stdout


async def test_typing_while_the_list_has_focus_goes_to_the_search(bundled) -> None:  # type: ignore[no-untyped-def]
    app = make_app(bundled)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#guide-list", OptionList).focus()
        await pilot.press(*"wifi")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == "wifi"
        options = app.screen.query_one("#guide-list", OptionList)
        assert options.get_option_at_index(0).id == "no-network-linux"


def test_list_entries_are_measured_by_their_lines_unless_they_wrap() -> None:
    from selfhelp_tui.tui.screens.home import ListLines

    entry = ListLines("A title  (Troubleshooter)\nA summary much longer than the list is wide")
    assert entry.get_height({"text_wrap": "nowrap"}, 20) == 2
    assert entry.get_height({"text_wrap": "wrap"}, 20) > 2  # laid out, as Content does


async def test_a_big_library_lists_every_guide_on_two_lines_and_searches_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Entries never wrap (a long summary ends with an ellipsis), so thousands are
    measured at once; a search typed before the index is made still finds."""
    from bench.generate import generate

    from selfhelp_tui.tui.screens.home import FIRST_PAINT

    folder = generate(tmp_path / "lib", 300, 3, seed=4)
    library = load_library([Source(folder, "big")])
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#guide-list", OptionList)
        # The top of the list for the first paint (the rest follows: test_tui_ux.py).
        assert options.option_count == FIRST_PAINT
        assert options.virtual_size.height == 2 * FIRST_PAINT  # two lines each
        shown = [strip.text for strip in options.render_lines(options.region.reset_offset)]
        assert any(line.rstrip().endswith("…") for line in shown), shown
        assert app.screen._index is None  # not made yet: the first paint came first
        first = library.sorted_guides()[0]
        word = max(first.title.split(), key=len)
        await pilot.press(*word)
        await pilot.pause()
        assert options.option_count >= 1
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        hits = [h.guide.id for h in app.screen.index.search(word)]
        assert first.id in hits
        assert ids == hits[: len(ids)] and len(ids) == min(len(hits), FIRST_PAINT)


def test_on_equal_scores_a_troubleshooter_comes_before_a_tutorial() -> None:
    """ "cannot ssh to the server" scored ssh-connection and the ssh-key-login tutorial
    alike (in five languages); the reader has a problem, not a lesson in mind."""
    from selfhelp_tui.guides.index import GuideInfo

    def card(guide_id: str, kind: str, title: str) -> GuideInfo:
        info = GuideInfo(guide_id, title, kind, "", ("ssh",), ("ssh server",))
        from selfhelp_tui.guides.textsearch import card_terms

        return info._replace(terms=card_terms(info))

    # The tutorial's title sorts first, so only the kind can put the other first.
    cards = [
        card("a-tutorial", "tutorial", "A ssh lesson"),
        card("b-fix", "troubleshooter", "B ssh fix"),
    ]
    hits = SearchIndex(cards).search("ssh server")
    assert hits[0].score == hits[1].score
    assert [h.guide.id for h in hits] == ["b-fix", "a-tutorial"]


def test_a_compound_word_finds_the_guide_by_its_parts() -> None:
    """Hungarian and Norwegian write compounds as one word: "internetkapcsolat"
    (internet + kapcsolat) and "veiledningsformat" must find guides that have the
    parts, and a long word with no known part finds nothing."""
    from selfhelp_tui.guides.index import GuideInfo
    from selfhelp_tui.guides.textsearch import card_terms

    def card(guide_id: str, symptoms: tuple[str, ...]) -> GuideInfo:
        info = GuideInfo(guide_id, guide_id, "troubleshooter", "", (), symptoms)
        return info._replace(terms=card_terms(info))

    index = SearchIndex(
        [card("net", ("nincs internet", "megszakadt a kapcsolat")), card("guide", ("format",))]
    )
    assert [h.guide.id for h in index.search("internetkapcsolat")] == ["net"]
    assert [h.guide.id for h in index.search("veiledningsformat")] == ["guide"]
    assert index.search("xyzzyplughwords") == []


def test_words_side_by_side_in_a_symptom_outrank_the_same_words_apart() -> None:
    """ "/boot er full": disk-full has the words in one symptom, machine-slow has
    "boot" in one and "full" in another; both score the same word by word, and the
    one that says it as the reader did comes first, whatever the titles."""
    from selfhelp_tui.guides.index import GuideInfo
    from selfhelp_tui.guides.textsearch import card_terms

    def card(guide_id: str, title: str, symptoms: tuple[str, ...]) -> GuideInfo:
        info = GuideInfo(guide_id, title, "troubleshooter", "", (), symptoms)
        return info._replace(terms=card_terms(info))

    apart = card("slow", "A slow machine", ("slow boot", "memory full"))
    together = card("disk", "B disk", ("/boot is full",))
    hits = SearchIndex([apart, together]).search("boot full")
    assert [h.guide.id for h in hits] == ["disk", "slow"]
    assert hits[0].score > hits[1].score
    # Reversed order of the words is no pair: back to the titles' order.
    assert [h.guide.id for h in SearchIndex([apart, together]).search("full boot")] == [
        "slow",
        "disk",
    ]


def test_two_letters_the_wrong_way_round_are_one_typo() -> None:
    """ "diksen er full" (disken) found nothing by its first word: a swap of two
    letters is one slip, as short words allow one."""
    from selfhelp_tui.guides.index import GuideInfo
    from selfhelp_tui.guides.search import _within
    from selfhelp_tui.guides.textsearch import card_terms

    assert _within("diksen", "disken", 1) and _within("teh", "the", 1)
    assert not _within("dkisen", "disken", 1)  # two letters moved two places: two edits
    info = GuideInfo("disk", "disk", "troubleshooter", "", (), ("disken er full",))
    index = SearchIndex([info._replace(terms=card_terms(info))])
    assert [h.guide.id for h in index.search("diksen")] == ["disk"]
