"""The library cache: a warm start reads what did not change, and never serves a
stale guide, a stale translation of a message, or a broken cache file."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.cache import LoadCache
from selfhelp_tui.guides.library import Source
from selfhelp_tui.i18n import install, use_language

from .conftest import LIBRARY


def _copy_library(tmp_path: Path) -> Path:
    folder = tmp_path / "guides"
    folder.mkdir()
    for path in LIBRARY.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def _load(folder: Path, cache: Path):  # type: ignore[no-untyped-def]
    return load_library([Source(folder, "mine")], cache=cache)


def test_a_warm_start_gives_the_same_library_without_parsing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder, cache = _copy_library(tmp_path), tmp_path / "cache" / "library.pickle"
    cold = _load(folder, cache)
    assert cache.exists()
    from selfhelp_tui.guides import library

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached file was parsed again")

    monkeypatch.setattr(library, "load_guide", no_parsing)
    warm = _load(folder, cache)
    assert list(warm.guides) == list(cold.guides)
    for guide_id, guide in cold.guides.items():
        assert warm.guides[guide_id].nodes == guide.nodes
        assert warm.guides[guide_id].title == guide.title
    assert [d.format() for d in warm.diagnostics()] == [d.format() for d in cold.diagnostics()]


def test_a_changed_guide_is_read_again(tmp_path: Path) -> None:
    folder, cache = _copy_library(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    printer = folder / "printer.yaml"
    text = printer.read_text()
    printer.write_text(
        text.replace('title: "The printer does not print"', 'title: "Printer silent"')
    )
    later = time.time() + 5
    os.utime(printer, (later, later))
    assert _load(folder, cache).guides["printer"].title == "Printer silent"


def test_a_removed_guide_is_gone_and_a_new_one_appears(tmp_path: Path) -> None:
    folder, cache = _copy_library(tmp_path), tmp_path / "c.pickle"
    _load(folder, cache)
    (folder / "first-steps.yaml").rename(folder / "first-steps.yml.off")
    assert "first-steps" not in _load(folder, cache).guides
    (folder / "first-steps.yml.off").rename(folder / "again.yaml")
    assert "first-steps" in _load(folder, cache).guides


def test_diagnostics_follow_the_language_not_the_cache(tmp_path: Path, write_guide) -> None:  # type: ignore[no-untyped-def]
    path = write_guide("bad.yaml", "format: 1\nid: bad\nkind: troubleshooter\ntitle: x\n")
    cache = tmp_path / "c.pickle"
    english = load_library([Source(path.parent, "x")], cache=cache)
    use_language("qps")  # the pseudo-language: every message marked, translated or not
    try:
        norwegian = load_library([Source(path.parent, "x")], cache=cache)
    finally:
        install(None)
    assert english.diagnostics()[0].format() != norwegian.diagnostics()[0].format()


def test_a_broken_or_foreign_cache_file_is_ignored(tmp_path: Path) -> None:
    folder = _copy_library(tmp_path)
    for content in (b"", b"not a pickle", pickle.dumps({"key": "another version", "entries": {}})):
        cache = tmp_path / "c.pickle"
        cache.write_bytes(content)
        assert set(_load(folder, cache).guides) == {"printer", "first-steps"}
        assert LoadCache(cache, "en").old  # rewritten with real entries


def test_the_cli_uses_the_cache_in_the_data_folder(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from .conftest import selfhelp_cmd

    folder = _copy_library(tmp_path)
    for _ in range(2):
        done = subprocess.run(
            [*selfhelp_cmd(), "--no-bundled", "--guides", str(folder), "list"],
            capture_output=True, text=True, env=cli_env, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0 and "printer" in done.stdout
    assert (Path(cli_env["SELFHELP_DATA_DIR"]) / "cache" / "library.pickle").exists()
