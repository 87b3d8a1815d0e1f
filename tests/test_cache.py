"""The library cache: a warm start reads no guide file, one changed file costs one
read, and nothing stale is ever shown: not a guide, not a translation, not a
message in another language, not a broken cache file."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from selfhelp_tui.guides import library, load_library
from selfhelp_tui.guides.cache import LibraryCache
from selfhelp_tui.guides.library import LoadMode, Source
from selfhelp_tui.i18n import install, use_language

from .conftest import I18N, LIBRARY


def _copy(tmp_path: Path, source: Path = LIBRARY, pattern: str = "*.yaml") -> Path:
    folder = tmp_path / "guides"
    folder.mkdir()
    for path in source.glob(pattern):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def _load(folder: Path, cache: Path, lang: str | None = None):  # type: ignore[no-untyped-def]
    return load_library([Source(folder, "mine")], cache=cache, mode=LoadMode(lang=lang))


def _slot_files(cache: Path) -> list[Path]:
    """The cache's files: one per set of guide folders (guides/cache.py MAX_SLOTS)."""
    return sorted(cache.parent.glob(f"{cache.stem}-*{cache.suffix}"))


def _touch_later(path: Path) -> None:
    later = time.time() + 5
    os.utime(path, (later, later))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The guide files the library reads (not the ones it opens)."""
    seen: list[str] = []
    real = library.read_entry

    def counting(path: Path, origin: str, mode: LoadMode):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, origin, mode)

    monkeypatch.setattr(library, "read_entry", counting)
    return seen


def test_a_warm_start_reads_no_guide_and_gives_the_same_library(tmp_path: Path, reads) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "cache" / "library.pickle"
    cold = _load(folder, cache)
    assert len(_slot_files(cache)) == 1 and sorted(reads) == ["first-steps.yaml", "printer.yaml"]
    reads.clear()
    warm = _load(folder, cache)
    assert reads == []
    # The cards come without their search terms (only search needs them, after the
    # first screen); with them, they are the cold start's exactly.
    assert all(card.terms == () for card in warm.infos.values())
    assert {c.id: c for c in warm.search_cards()} == cold.infos
    assert warm.infos == cold.infos and list(warm.guides) == list(cold.guides)
    assert [d.format() for d in warm.diagnostics()] == [d.format() for d in cold.diagnostics()]
    # Opening a guide reads its file, whole.
    for guide_id in cold.guides:
        assert warm.guides[guide_id].nodes == cold.guides[guide_id].nodes


def test_one_changed_guide_is_the_only_file_read_again(tmp_path: Path, reads) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    printer = folder / "printer.yaml"
    printer.write_text(
        printer.read_text().replace(
            'title: "The printer does not print"', 'title: "Printer silent"'
        )
    )
    _touch_later(printer)
    reads.clear()
    lib = _load(folder, cache)
    assert reads == ["printer.yaml"]
    assert lib.infos["printer"].title == "Printer silent"
    assert lib.guides["printer"].title == "Printer silent"


def test_a_removed_guide_is_gone_and_a_new_one_appears(tmp_path: Path) -> None:
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    (folder / "first-steps.yaml").rename(folder / "first-steps.yml.off")
    assert "first-steps" not in _load(folder, cache).guides
    (folder / "first-steps.yml.off").rename(folder / "again.yaml")
    assert "first-steps" in _load(folder, cache).guides


def test_a_changed_translation_changes_the_title_shown(tmp_path: Path) -> None:
    folder, cache = _copy(tmp_path, I18N, "printer.*"), tmp_path / "c.pickle"
    po = folder / "printer.nb.po"
    before = _load(folder, cache, "nb").infos["printer"].title
    text = po.read_text(encoding="utf-8")
    msgstr = f'msgstr "{before}"'
    assert msgstr in text, "the fixture translates the title"
    po.write_text(text.replace(msgstr, 'msgstr "Skriveren er stille"'), encoding="utf-8")
    _touch_later(po)
    assert _load(folder, cache, "nb").infos["printer"].title == "Skriveren er stille"
    po.unlink()
    english = _load(folder, cache, "nb").infos["printer"]
    assert english.title != before and english.title_lang == "en"


def test_a_guide_broken_after_the_list_was_made_is_not_opened(tmp_path: Path) -> None:
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    lib = _load(folder, cache)
    (folder / "printer.yaml").write_text("format: 1\nid: printer\n")
    assert lib.get("printer") is None
    assert [d.code for d in lib.reopen_failures["printer"].errors] == [
        "missing-key"
    ] * 2  # kind, title


def test_diagnostics_follow_the_language_not_the_cache(tmp_path: Path, write_guide) -> None:  # type: ignore[no-untyped-def]
    path = write_guide("bad.yaml", "format: 1\nid: bad\nkind: troubleshooter\ntitle: x\n")
    cache = tmp_path / "c.pickle"
    english = load_library([Source(path.parent, "x")], cache=cache)
    use_language("qps")  # the pseudo-language: every message marked, translated or not
    try:
        pseudo = load_library([Source(path.parent, "x")], cache=cache)
    finally:
        install(None)
    assert english.diagnostics()[0].format() != pseudo.diagnostics()[0].format()


def test_a_broken_or_foreign_cache_file_is_ignored(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    slot = library._slot([Source(folder, "mine")])
    for content in (b"", b"not a pickle", pickle.dumps({"key": "another version", "files": []})):
        cache = tmp_path / "c.pickle"
        cache.with_name(f"c-{slot}.pickle").write_bytes(content)
        assert set(_load(folder, cache).guides) == {"printer", "first-steps"}
        # rewritten with real entries
        assert LibraryCache(cache, LoadMode(), True, slot=slot).data


def test_the_cli_uses_the_cache_in_the_data_folder(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from .conftest import selfhelp_cmd

    folder = _copy(tmp_path)
    for _ in range(2):
        done = subprocess.run(
            [*selfhelp_cmd(), "--no-bundled", "--guides", str(folder), "list"],
            capture_output=True, text=True, env=cli_env, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0 and "printer" in done.stdout
    assert _slot_files(Path(cli_env["SELFHELP_DATA_DIR"]) / "cache" / "library.pickle")


def test_a_warm_start_needs_neither_the_yaml_reader_nor_the_guide_model(tmp_path: Path) -> None:
    """What keeps a warm start fast on a big library: cards come from the cache, and
    the parts that read and check guides are imported only when a guide is opened."""
    import subprocess
    import sys

    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from selfhelp_tui.guides.library import LoadMode, Source, load_library\n"
        f"lib = load_library([Source(Path({str(folder)!r}), 'mine')], cache=Path({str(cache)!r}),"
        " mode=LoadMode(lang=None))\n"
        "assert sorted(lib.infos) == ['first-steps', 'printer'], lib.infos\n"
        "heavy = {'yaml', 'selfhelp_tui.guides.model', 'selfhelp_tui.guides.loader'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "lib.get('printer')\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.splitlines()
    assert before == "[]"
    assert after == "['selfhelp_tui.guides.loader', 'selfhelp_tui.guides.model', 'yaml']"


def test_a_warm_start_shows_failures_and_reads_the_other_entries_only_when_asked(
    tmp_path: Path, reads
) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "cache" / "library.pickle"
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    cold = _load(folder, cache)
    reads.clear()
    warm = _load(folder, cache)
    assert reads == []
    assert [r.path.name for r in warm.failures] == ["broken.yaml"]
    assert warm._results is None  # the saved entries are still pickled
    assert [d.format() for d in warm.failures[0].diagnostics] == [
        d.format() for d in cold.failures[0].diagnostics
    ]
    # Asked for, every file's entry is there, as read cold.
    assert [(r.path.name, r.ok) for r in warm.results] == [
        (r.path.name, r.ok) for r in cold.results
    ]
    assert warm.diagnostics() == cold.diagnostics()
    assert [r.path.name for r in warm.failures] == ["broken.yaml"]


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The guide files read to open a guide (not the ones the library lists)."""
    from selfhelp_tui.guides import loader

    seen: list[str] = []
    real = loader.load_guide

    def counting(path: Path, origin: str = "", **options):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return real(path, origin, **options)

    monkeypatch.setattr(loader, "load_guide", counting)
    return seen


def _open(folder: Path, cache: Path, opens: list[str], lang: str | None = None):  # type: ignore[no-untyped-def]
    """Opens printer from a library just read; the files read to open it."""
    lib = _load(folder, cache, lang)
    opens.clear()  # reading the list (cold) reads guides too
    return lib.get("printer"), list(opens)


def test_a_guide_opened_before_is_opened_again_without_reading_it(tmp_path: Path, opens) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "cache" / "library.pickle"
    first, read = _open(folder, cache, opens)
    assert read == ["printer.yaml"]
    again, read = _open(folder, cache, opens)
    assert read == []  # from the cache, as it was opened
    assert again == first and again is not first
    assert (cache.parent / "opened" / "printer.pickle").is_file()


def test_an_opened_guide_is_read_again_when_its_file_changes(tmp_path: Path, opens) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "cache" / "library.pickle"
    _open(folder, cache, opens)
    printer = folder / "printer.yaml"
    printer.write_text(
        printer.read_text().replace('title: "The printer does not print"', 'title: "Silent"')
    )
    _touch_later(printer)
    guide, read = _open(folder, cache, opens)
    assert read == ["printer.yaml"] and guide.title == "Silent"


def test_an_opened_guide_follows_its_translation_and_the_language(tmp_path: Path, opens) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path, I18N, "printer.*"), tmp_path / "cache" / "library.pickle"
    english, _read = _open(folder, cache, opens)
    norwegian, read = _open(folder, cache, opens, "nb")
    assert read == ["printer.yaml"]  # not the English one from the cache
    assert norwegian.title != english.title
    assert _open(folder, cache, opens, "nb") == (norwegian, [])
    po = folder / "printer.nb.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace(f'msgstr "{norwegian.title}"', 'msgstr "Stille"'), encoding="utf-8")
    _touch_later(po)
    guide, read = _open(folder, cache, opens, "nb")
    assert read == ["printer.yaml"] and guide.title == "Stille"


def test_a_damaged_opened_guide_is_read_again(tmp_path: Path, opens) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "cache" / "library.pickle"
    first, _read = _open(folder, cache, opens)
    (cache.parent / "opened" / "printer.pickle").write_bytes(b"\x80\x05garbage")
    assert _open(folder, cache, opens) == (first, ["printer.yaml"])
    assert _open(folder, cache, opens) == (first, [])  # written again, whole


def test_each_folder_set_keeps_its_own_cache(
    tmp_path: Path, reads, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Switching between folder sets (the bundled guides, then a customer's folder
    beside them, then back) parses nothing that was parsed before, and a set seen
    before is taken whole: no checks across guides are made again."""
    rebuilt: list[int] = []
    real_fill = library._fill

    def fill(lib, entries, sources_of, policy, refs=None):  # type: ignore[no-untyped-def]
        rebuilt.append(len(entries))
        return real_fill(lib, entries, sources_of, policy, refs)

    monkeypatch.setattr(library, "_fill", fill)
    mine = _copy(tmp_path)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "other.yaml").write_text(
        (LIBRARY / "printer.yaml").read_text().replace("id: printer", "id: printer-two")
    )
    cache = tmp_path / "cache" / "library.pickle"
    one = [Source(mine, "mine")]
    both = [Source(mine, "mine"), Source(theirs, "theirs")]
    load_library(one, cache=cache)
    reads.clear()
    lib = load_library(both, cache=cache)
    assert reads == ["other.yaml"]  # the files of the first set are not read again
    assert set(lib.guides) == {"printer", "first-steps", "printer-two"}
    reads.clear()
    rebuilt.clear()
    assert set(load_library(one, cache=cache).guides) == {"printer", "first-steps"}
    assert set(load_library(both, cache=cache).guides) == {"printer", "first-steps", "printer-two"}
    assert reads == [] and rebuilt == []
    assert len(_slot_files(cache)) == 2


def test_the_least_recently_used_folder_sets_are_dropped(tmp_path: Path, reads) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.guides.cache import MAX_SLOTS

    mine = _copy(tmp_path)
    cache = tmp_path / "cache" / "library.pickle"
    first = [Source(mine, "mine")]
    load_library(first, cache=cache)
    for i in range(MAX_SLOTS + 2):
        extra = tmp_path / f"extra-{i}"
        extra.mkdir()
        load_library([*first, Source(extra, f"x{i}")], cache=cache)
        if i == MAX_SLOTS // 2:
            load_library(first, cache=cache)  # used again: kept
        time.sleep(0.01)  # distinct modification times
    assert len(_slot_files(cache)) == MAX_SLOTS
    reads.clear()
    load_library(first, cache=cache)
    assert reads == []


def test_validate_and_test_make_no_search_terms(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Search terms read and stem every translation of a guide: the library a walk
    or a search uses makes them, the one validate and test read does not."""
    from selfhelp_tui.guides import textsearch
    from selfhelp_tui.guides.library import LoadMode, Source, load_library

    folder = _copy(tmp_path)
    searched = load_library([Source(folder, "mine")])
    assert all(card.terms for card in searched.infos.values())

    def no_terms(guide):  # type: ignore[no-untyped-def]
        raise AssertionError("search terms made for a library that is not searched")

    monkeypatch.setattr(textsearch, "guide_terms", no_terms)
    checked = load_library([Source(folder, "mine")], mode=LoadMode(search=False), workers=1)
    assert set(checked.infos) == set(searched.infos)
    assert all(card.terms == () for card in checked.infos.values())


@pytest.fixture
def parts_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The parts of the library cache file read after its head (guides/cache.py)."""
    from selfhelp_tui.guides import cache as cache_module

    seen: list[str] = []
    real = cache_module.Parts.read

    def counting(self, name: str):  # type: ignore[no-untyped-def]
        seen.append(name)
        return real(self, name)

    monkeypatch.setattr(cache_module.Parts, "read", counting)
    return seen


def test_each_part_of_the_cache_is_read_only_by_what_needs_it(
    tmp_path: Path, parts_read: list[str]
) -> None:
    folder, cache = _copy(tmp_path), tmp_path / "cache" / "library.pickle"
    cold = _load(folder, cache)
    parts_read.clear()
    warm = _load(folder, cache)
    assert parts_read == ["files"]  # to compare them with the files as they are
    assert warm.get("printer") is not None  # a plain walk: where the guide is, no card
    assert parts_read == ["files", "locations"]
    # The home screen's list: the cards, without the search terms.
    assert list(warm.sorted_guides()) == [c._replace(terms=()) for c in cold.sorted_guides()]
    assert parts_read == ["files", "locations", "cards"]
    warm.search_cards()
    assert warm.diagnostics() == cold.diagnostics()
    assert parts_read == ["files", "locations", "cards", "terms", "results"]


def test_a_cache_file_cut_short_is_ignored_and_made_again(tmp_path: Path, reads) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    cold = _load(folder, cache)
    (saved,) = _slot_files(cache)
    whole = saved.read_bytes()
    for cut in (1, len(whole) // 2, len(whole) - 20):
        saved.write_bytes(whole[:cut])
        LibraryCache.entries_path(saved).unlink()  # else unchanged files' entries come from it
        reads.clear()
        again = _load(folder, cache)
        assert sorted(reads) == ["first-steps.yaml", "printer.yaml"]  # read again, not trusted
        assert again.infos == cold.infos
        assert saved.stat().st_size == len(whole)  # and saved whole again


def test_parts_come_from_the_file_as_it_was_opened(tmp_path: Path) -> None:
    """A second selfhelp that saves the cache while the first one has not read its
    cards yet does not give the first the second's cards (cards that would not match
    the files it checked)."""
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    first = _load(folder, cache)  # its cards still unread
    printer = folder / "printer.yaml"
    printer.write_text(printer.read_text().replace("The printer does not print", "Silent"))
    _touch_later(printer)
    second = _load(folder, cache)  # saves the cache again, with the new title
    assert second.infos["printer"].title == "Silent"
    assert first.infos["printer"].title == "The printer does not print"
    assert _load(folder, cache).infos["printer"].title == "Silent"


# --- the TUI's first screen: the library as saved, checked right after -----------------


def _shown(folder: Path, cache: Path):  # type: ignore[no-untyped-def]
    return load_library([Source(folder, "mine")], cache=cache, check_later=True)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders the library looks at (one `stat` per file)."""
    seen: list[Path] = []
    real = library.scan_folder

    def counting(folder: Path, extra=None):  # type: ignore[no-untyped-def]
        seen.append(folder)
        return real(folder, extra)

    monkeypatch.setattr(library, "scan_folder", counting)
    return seen


def test_a_first_screen_comes_from_the_saved_library_and_its_check_finds_what_changed(
    tmp_path: Path, reads, scans: list[Path]
) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    printer = folder / "printer.yaml"
    printer.write_text(printer.read_text().replace("The printer does not print", "Silent"))
    _touch_later(printer)
    (folder / "first-steps.yaml").unlink()
    reads.clear()
    scans.clear()
    shown = _shown(folder, cache)
    # No folder looked at, no guide read: the list as it was saved.
    assert scans == [] and reads == []
    assert [card.title for card in shown.sorted_guides()] == [
        "The printer does not print",
        "First steps",
    ]
    assert shown.check is not None
    now = shown.check()
    assert scans == [folder] and reads == ["printer.yaml"]
    assert now is not None
    assert [card.title for card in now.sorted_guides()] == ["Silent"]
    # The next start shows the library as it is now, and its check finds nothing new.
    again = _shown(folder, cache)
    assert [card.title for card in again.sorted_guides()] == ["Silent"]
    assert again.check is not None and again.check() is None


def test_a_guide_opened_before_the_check_is_read_from_its_file_as_it_is(tmp_path: Path) -> None:
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    _load(folder, cache).get("printer")  # kept as last opened
    printer = folder / "printer.yaml"
    printer.write_text(printer.read_text().replace("The printer does not print", "Silent"))
    _touch_later(printer)
    shown = _shown(folder, cache)
    assert shown.card("printer").title == "The printer does not print"  # the list, as saved
    assert shown.guides["printer"].title == "Silent"  # the guide, as it is


def test_with_no_saved_library_the_first_screen_reads_the_folder_and_needs_no_check(
    tmp_path: Path, reads
) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy(tmp_path), tmp_path / "c.pickle"
    shown = _shown(folder, cache)
    assert sorted(reads) == ["first-steps.yaml", "printer.yaml"]
    assert shown.check is None and set(shown.guides) == {"printer", "first-steps"}


def test_the_first_screen_unpickles_only_the_cards_it_shows(tmp_path: Path) -> None:
    from bench.generate import generate

    folder, cache = generate(tmp_path / "lib", 300, 3), tmp_path / "c.pickle"
    cold = _load(folder, cache)
    shown = _shown(folder, cache)
    listed = shown.sorted_guides()
    assert len(listed) == 300
    first = listed[:20]
    saved = shown._saved_infos
    assert saved is not None and sum(card is not None for card in saved._cards) == 20
    assert first == [card._replace(terms=()) for card in cold.sorted_guides()[:20]]
    assert list(listed) == [card._replace(terms=()) for card in cold.sorted_guides()]
