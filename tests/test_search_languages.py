"""A symptom typed in any of the six languages finds its guide, whatever the
interface language: the bundled guides with the queries of tests/data/
search_queries.yaml, and hand-made translations (tests/fixtures/search) that prove
the mechanism on its own."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from functools import cache
from pathlib import Path

import pytest
import yaml

from selfhelp_tui.guides import Library, load_library
from selfhelp_tui.guides.library import LoadMode, Source
from selfhelp_tui.guides.search import SearchIndex, find_tags, tag_groups
from selfhelp_tui.guides.textsearch import stems_of, stop_words
from selfhelp_tui.i18n import use_language

from .conftest import BUNDLED, FIXTURES, selfhelp_cmd

QUERIES = Path(__file__).parent / "data" / "search_queries.yaml"
SEARCH = FIXTURES / "search"
LANGS = ("en", "nb", "hu", "es", "ru", "ca")
MIN_QUERIES = 5


def queries() -> dict[str, dict[str, list[str]]]:
    data = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@cache
def bundled(lang: str) -> Library:
    """The bundled guides as a reader of `lang` gets them (cards in that language)."""
    return load_library([Source(BUNDLED, "bundled")], mode=LoadMode(lang=lang))


@cache
def bundled_index(lang: str) -> SearchIndex:
    return SearchIndex(bundled(lang).search_cards())


def has_language(guide_id: str, lang: str) -> bool:
    """The guide is written in `lang` or has a translation file into it."""
    info = bundled("en").infos[guide_id]
    assert info.path is not None
    source_lang = info.title_lang if info.source is None else info.source.title_lang
    return lang == source_lang or (info.path.with_name(f"{info.path.stem}.{lang}.po")).exists()


def split_cases() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(guide, lang, query) that must pass now, and those waiting for a translation."""
    due, pending = [], []
    for guide_id, by_lang in queries().items():
        for lang, texts in by_lang.items():
            for text in texts:
                (due if has_language(guide_id, lang) else pending).append((guide_id, lang, text))
    return due, pending


class PendingSearchQueries(UserWarning):
    """Queries waiting for a guide's translation (listed in every run's summary)."""


@pytest.mark.parametrize("ui", LANGS)
@pytest.mark.parametrize("query_lang", LANGS)
def test_each_query_puts_its_guide_first(ui: str, query_lang: str) -> None:
    use_language(ui)
    index = bundled_index(ui)
    due, _pending = split_cases()
    mine = [(g, q) for g, lang, q in due if lang == query_lang]
    assert mine, f"no query in {query_lang} is due: every guide's would be pending"
    wrong = []
    for guide_id, text in mine:
        hits = index.search(text)
        if not hits or hits[0].guide.id != guide_id:
            got = [(h.guide.id, round(h.score, 2)) for h in hits[:3]]
            wrong.append(f"{text!r}: wanted {guide_id}, got {got}")
    assert not wrong, f"interface {ui}, queries in {query_lang}:\n" + "\n".join(wrong)


def test_pending_queries_are_listed_and_wait_only_for_a_translation() -> None:
    """A query whose guide has no translation into its language is not run; it is
    counted and named here (and in the warnings summary) until the file exists."""
    due, pending = split_cases()
    assert due  # the English queries at least
    for guide_id, lang, _text in pending:
        assert guide_id in bundled("en").infos
        assert not has_language(guide_id, lang)
    by_guide: dict[str, set[str]] = {}
    for guide_id, lang, _text in pending:
        by_guide.setdefault(guide_id, set()).add(lang)
    summary = "; ".join(f"{g}: {', '.join(sorted(ls))}" for g, ls in sorted(by_guide.items()))
    message = f"{len(pending)} of {len(due) + len(pending)} search queries wait for a translation"
    print(f"{message} ({summary})")
    for guide_id, lang, text in pending:
        print(f"  pending {guide_id} [{lang}] {text}")
    if pending:
        warnings.warn(PendingSearchQueries(f"{message}: {summary}"), stacklevel=1)


def test_every_bundled_guide_has_queries_in_every_language() -> None:
    data = queries()
    guides = set(bundled("en").infos)
    assert set(data) <= guides, f"queries for guides that are not bundled: {set(data) - guides}"
    short = [
        f"{guide_id} [{lang}]: {len(data.get(guide_id, {}).get(lang) or [])}"
        for guide_id in sorted(guides)
        for lang in LANGS
        if len(data.get(guide_id, {}).get(lang) or []) < MIN_QUERIES
    ]
    assert not short, f"fewer than {MIN_QUERIES} queries in tests/data/search_queries.yaml:\n" + (
        "\n".join(short)
    )


# --- the mechanism, on hand-made translations ---------------------------------------


@cache
def fixture_library(ui: str, folder: Path = SEARCH) -> Library:
    return load_library([Source(folder, "fixtures")], mode=LoadMode(lang=ui))


def first(library: Library, query: str) -> str | None:
    hits = SearchIndex(library.search_cards()).search(query)
    return hits[0].guide.id if hits else None


@pytest.mark.parametrize("ui", LANGS)
@pytest.mark.parametrize(
    ("query", "guide"),
    [
        ("disco lleno", "disk"),  # Spanish translation only
        ("disk ful", "disk"),
        ("диск заполнен", "disk"),
        ("нет интернета", "net"),
        ("la impressora no imprimeix", "printer"),
        ("impresora no imprime", "printer"),
        ("skriveren skriver ikke", "printer"),
        ("nyomtató nem nyomtat", "printer"),
        ("nyomtato nem nyomtat", "printer"),  # no accents
        ("impresion atascada", "printer"),  # another form: "impresión atascada"
        ("принтер не печатает", "printer"),
        ("ingen nettverk", "net"),
        # Only the stems meet here (neither a prefix nor within a typo or two).
        ("imprimiendo", "printer"),  # "imprime"
        ("проблемы с сетями", "net"),  # "сеть"
    ],
)
def test_a_symptom_in_any_language_finds_its_guide_under_any_interface(
    ui: str, query: str, guide: str
) -> None:
    use_language(ui)
    assert first(fixture_library(ui), query) == guide


@pytest.mark.parametrize("ui", LANGS)
def test_a_stop_word_never_decides_the_match(ui: str, tmp_path: Path) -> None:
    """'нет' is in the disk guide's Russian text ('нет места'): it must not bring it
    up for 'нет интернета', even when the network guide has no Russian translation."""
    folder = tmp_path / "guides"
    shutil.copytree(SEARCH, folder)
    (folder / "net.ru.po").unlink()
    library = load_library([Source(folder, "fixtures")], mode=LoadMode(lang=ui))
    hits = SearchIndex(library.search_cards()).search("нет интернета")
    assert "disk" not in [h.guide.id for h in hits]
    # The same words with the translation back: the network guide, and only it.
    assert first(fixture_library(ui), "нет интернета") == "net"
    # Not indexed either: "нет" alone (nothing else to search by) matches nothing.
    assert SearchIndex(fixture_library(ui).search_cards()).search("нет") == []


@pytest.mark.parametrize("ui", LANGS)
def test_stop_words_of_any_language_are_left_out_of_a_query(ui: str) -> None:
    """'no' would match 'normally' (the disk guide's summary) as a prefix."""
    index = SearchIndex(fixture_library(ui).search_cards())
    assert index.query_words("la impresora no imprime") == ["impresora", "imprime"]
    assert index.query_words("нет интернета") == ["интернета"]
    assert index.query_words("skriveren skriver ikke") == ["skriveren", "skriver"]
    assert index.query_words("nem") == ["nem"]  # nothing else: the word itself
    assert [h.guide.id for h in index.search("la impresora no imprime")] == ["printer"]


def test_stems_and_stop_words_per_language() -> None:
    assert stems_of("imprime", "es") == stems_of("imprimir", "es")
    assert stems_of("disken", "nb") == stems_of("disker", "nb") == ["disk"]
    # Stemmed as written and without accents, as readers often type it.
    assert stems_of("nyomtatót", "hu") == ["nyomtato", "nyomtat"]
    assert stems_of("интернета", "ru") == stems_of("интернет", "ru")
    assert stems_of("impressores", "ca") == stems_of("impressora", "ca")
    assert stems_of("word", "xx") == []  # no stemmer: words match as they are
    for lang, word in [("ru", "нет"), ("es", "no"), ("nb", "ikke"), ("hu", "nem"), ("ca", "no")]:
        assert word in stop_words(lang)
    # A command or a technical word is never a stop word, in any language.
    for word in ("du", "vi", "var", "man", "red", "disk", "full", "ssh"):
        assert word not in stop_words()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "happy connections 2nd 100s printers"),  # happi: not a beginning
        ("hu", "nyomtatót lemezterület"),  # two stems: as written and without accents
        ("ru", "сетями интернета"),
        ("es", "impresión imprimiendo"),
    ],
)
def test_a_cards_terms_give_back_each_words_stems(lang: str, text: str) -> None:
    """Stems are written short in the terms (a length where they begin the word);
    read back, they are the stems themselves."""
    from selfhelp_tui.guides.textsearch import (
        fields_of,
        fold,
        make_terms,
        raw_words,
        split_line,
        split_token,
    )

    terms = make_terms({lang: fields_of(text, "", [], [])}, "g", "xx", [])
    read = {}
    for line in terms:
        split = split_line(line)
        if split is None:  # the line of words side by side (pairs_of)
            assert line.startswith("P")
            continue
        for token in split[2]:
            word, stems = split_token(token)
            read[word] = stems
    for raw in raw_words(text):
        want = stems_of(raw, lang)
        assert read[fold(raw)] == (tuple(want) if want != [fold(raw)] else (fold(raw),))
    assert any("=" in line and any(c.isdigit() for c in line) for line in terms)


def test_a_translated_tag_is_one_tag_with_its_source() -> None:
    use_language("ru")
    groups = tag_groups(fixture_library("ru").sorted_guides())
    names = [g.name for g in groups]
    # `network` (net, translated) and the printer's untranslated `network` are one tag.
    assert names.count("сеть") == 1 and "network" not in names
    network = next(g for g in groups if g.name == "сеть")
    assert {g.id for g in network.guides} == {"net", "printer"}
    for spelling in ("сеть", "network", "Network", "red", "nettverk"):
        assert find_tags(groups, spelling) == [network]
    assert find_tags(groups, "net") == [network]  # a prefix: #net
    assert find_tags(groups, "zzz") == []
    use_language("en")
    english = tag_groups(fixture_library("en").sorted_guides())
    assert [g.name for g in english].count("network") == 1


def test_the_library_cache_keeps_every_languages_terms(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A warm start reads no translation: the cards carry the terms of every
    language. A changed translation is read again, and found by its new words."""
    folder = tmp_path / "guides"
    shutil.copytree(SEARCH, folder)
    cache = tmp_path / "cache" / "library.pickle"
    cold = load_library([Source(folder, "t")], cache=cache, mode=LoadMode(lang="en"))
    assert first(cold, "disco lleno") == "disk"
    from selfhelp_tui.guides import textsearch

    def no_reading(guide):  # type: ignore[no-untyped-def]
        raise AssertionError("a warm start read a guide's translations")

    monkeypatch.setattr(textsearch, "guide_terms", no_reading)
    warm = load_library([Source(folder, "t")], cache=cache, mode=LoadMode(lang="en"))
    assert first(warm, "disco lleno") == "disk"
    monkeypatch.undo()
    po = folder / "disk.es.po"
    po.write_text(po.read_text(encoding="utf-8").replace("disco lleno", "almacenamiento agotado"))
    changed = load_library([Source(folder, "t")], cache=cache, mode=LoadMode(lang="en"))
    assert first(changed, "almacenamiento agotado") == "disk"


def test_the_cli_finds_a_guide_by_a_translation_and_by_a_tag_prefix(cli_env) -> None:  # type: ignore[no-untyped-def]
    base = [*selfhelp_cmd(), "--lang", "en"]
    proc = subprocess.run([*base, "search", "disco", "lleno", "--no-bundled", "--guides",
                           str(SEARCH)], capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "disk"
    tags = subprocess.run([*base, "search", "#net", "--no-bundled", "--guides", str(SEARCH)],
                          capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    assert tags.returncode == 0, tags.stderr
    assert {line.split()[0] for line in tags.stdout.splitlines()} == {"net", "printer"}


async def test_the_tag_browser_lists_a_translated_tag_once_and_hash_tag_finds_it() -> None:
    from textual.widgets import Input, OptionList

    from .tui_helpers import make_app

    use_language("ru")
    app = make_app(fixture_library("ru"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        tags = app.screen.query_one("#tag-list", OptionList)
        prompts = [str(tags.get_option_at_index(i).prompt) for i in range(tags.option_count)]
        assert [p for p in prompts if p.startswith(("сеть", "network"))] == ["сеть  2 руководства"]
        index = next(i for i, p in enumerate(prompts) if p.startswith("сеть"))
        await pilot.press(*["down"] * index, "enter")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == "#сеть"
        options = app.screen.query_one("#guide-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert set(ids) - {None} == {"net", "printer"}
        search = app.screen.query_one("#search", Input)
        search.value = ""
        await pilot.press(*"#net")
        await pilot.pause()
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert set(ids) - {None} == {"net", "printer"}
        assert "С тегом 'сеть'" in str(options.get_option_at_index(0).prompt)


def run_search(cli_env, *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [*selfhelp_cmd(), *args], capture_output=True, text=True, env=cli_env, timeout=60
    )


def test_the_cli_in_russian_never_answers_no_internet_with_the_disk_guide(cli_env) -> None:  # type: ignore[no-untyped-def]
    """`selfhelp --lang ru search нет интернета` matched disk-full on 'нет' ('нет места')."""
    proc = run_search(cli_env, "--lang", "ru", "search", "нет", "интернета")
    listed = [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
    assert "disk-full" not in listed, proc.stdout
    if has_language("no-network-linux", "ru"):  # required as soon as it is translated
        assert proc.returncode == 0 and listed[0] == "no-network-linux", proc.stdout
    # With a Russian translation of a network guide (the fixtures): that guide first.
    fixtures = run_search(cli_env, "--lang", "ru", "search", "нет интернета", "--no-bundled",
                          "--guides", str(SEARCH))  # fmt: skip
    assert fixtures.returncode == 0, fixtures.stderr
    assert fixtures.stdout.split()[0] == "net"
    assert "disk" not in {line.split()[0] for line in fixtures.stdout.splitlines()}


@pytest.mark.parametrize("ui", ["en", "ru"])
def test_the_cli_finds_the_disk_guide_by_its_spanish_words(cli_env, ui: str) -> None:  # type: ignore[no-untyped-def]
    """With the bundled guides: disk-full has a Spanish translation."""
    proc = run_search(cli_env, "--lang", ui, "search", "disco", "lleno")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "disk-full"


@pytest.mark.parametrize("ui", LANGS)
def test_every_bundled_source_tag_is_one_tag_of_the_browser(ui: str) -> None:
    """A tag and its translations are one entry (`network` and `hálózat` under the
    Hungarian interface, where one guide translates it and another does not)."""
    use_language(ui)
    groups = tag_groups(bundled(ui).sorted_guides())
    names = [g.name for g in groups]
    assert len(names) == len(set(names)), names
    for card in bundled("en").sorted_guides():
        for tag in card.tags:
            holding = [g for g in groups if tag.casefold() in g.spellings]
            assert len(holding) == 1, (tag, [g.name for g in holding])
            assert card.id in {c.id for c in holding[0].guides}
    if ui == "hu":
        network = next(g for g in groups if "network" in g.spellings)
        assert network.name == "hálózat"
        assert {"ssh-connection", "no-network-linux"} <= {c.id for c in network.guides}
