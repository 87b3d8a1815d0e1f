"""The loader and validator on good and bad files, with exact positions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selfhelp_tui.guides import load_guide, load_library
from selfhelp_tui.guides.library import Source
from selfhelp_tui.guides.model import TUTORIAL_END, QuestionNode

from .conftest import BAD, BUNDLED, LIBRARY

#: `# expect: LINE:COL SEVERITY CODE`, and `after LINE:COL` for a knock-on of the
#: error there (reported with it: see docs/diagnostics.md).
EXPECT = re.compile(
    r"^# expect: (\d+):(\d+) (error|warning) ([a-z-]+)(?: after (\d+):(\d+))?$", re.M
)


def expected(path: Path) -> list[tuple[int, int, str, str, tuple[int, int] | None]]:
    return [
        (int(line), int(col), sev, code, (int(cl), int(cc)) if cl else None)
        for line, col, sev, code, cl, cc in EXPECT.findall(path.read_text(encoding="utf-8"))
    ]


BAD_FILES = sorted(BAD.glob("*.yaml"))
#: Files that cannot carry a `# expect:` comment because they are not UTF-8 text.
BINARY_EXPECT = {
    "utf16.yaml": [(1, 1, "error", "bad-encoding", None)],
    "invalid-utf8.yaml": [(3, 12, "error", "bad-encoding", None)],
    "nul-byte.yaml": [(2, 1, "error", "bad-encoding", None)],
}


@pytest.fixture(scope="module")
def bad_library():  # type: ignore[no-untyped-def]
    """The whole corpus loaded as one library, the way `validate` and the app see
    it (links between guides are checked across files)."""
    return load_library([Source(BAD, "bad")], override=False)


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_bad_file_gives_exactly_its_diagnostics(path: Path, bad_library) -> None:  # type: ignore[no-untyped-def]
    (result,) = [r for r in bad_library.results if r.path.name == path.name]
    got = [
        (d.line, d.column, d.severity.value, d.code, d.cause[1:3] if d.cause else None)
        for d in result.diagnostics
    ]
    want = BINARY_EXPECT.get(path.name) or expected(path)
    assert got == want
    assert got, "every bad file must say what is wrong with it"
    if any(sev == "error" for _, _, sev, _, _ in got):
        assert result.info is None
    else:
        assert result.info is not None  # warnings never stop a guide


def test_corpus_is_large_and_the_rest_still_loads(bad_library) -> None:  # type: ignore[no-untyped-def]
    assert len(BAD_FILES) >= 50
    loaded = sorted(bad_library.guides)
    assert loaded == sorted(r.info.id for r in bad_library.results if r.info is not None)
    assert {"confusable-ids", "single-choice", "empty-link"} <= set(loaded)


def test_misspelt_next_names_file_line_and_suggests() -> None:
    result = load_guide(BAD / "bad-next.yaml")
    (diag,) = result.diagnostics
    text = diag.format()
    assert text.startswith(f"{diag.file}:19:15: error: next 'chek-again' is not a node")
    assert "did you mean 'check-again'?" in text
    assert text.endswith("[unknown-node]")


def test_python_tags_build_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(
        f'format: 1\nid: evil\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n'
    )
    result = load_guide(path)
    assert [(d.line, d.code) for d in result.errors if d.code == "unsafe-tag"] == [
        (3, "unsafe-tag")
    ]
    assert not marker.exists()


def test_alias_bomb_is_rejected_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = load_guide(path)
    assert [d.code for d in result.errors] == ["too-many-values"]


def test_good_library_loads_with_no_diagnostics() -> None:
    lib = load_library([Source(LIBRARY, "fixtures")])
    assert sorted(lib.guides) == ["first-steps", "printer"]
    assert lib.diagnostics() == []
    printer = lib.guides["printer"]
    assert printer.version == 2
    assert printer.origin == "fixtures"
    assert isinstance(printer.nodes["power"], QuestionNode)
    assert printer.nodes["queue"].pos.line == 27


def test_tutorial_becomes_a_chain_of_steps() -> None:
    guide = load_guide(LIBRARY / "first-steps.yaml").guide
    assert guide is not None
    assert guide.start == "step-1"
    assert guide.step_ids() == ["step-1", "step-2", "step-3"]
    assert guide.nodes["step-3"].links()[0].target == TUTORIAL_END


def test_broken_guide_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.yaml").write_bytes((LIBRARY / "printer.yaml").read_bytes())
    (folder / "broken.yaml").write_bytes((BAD / "bad-next.yaml").read_bytes())
    lib = load_library([Source(folder, "mixed")])
    assert list(lib.guides) == ["printer"]
    assert [r.path.name for r in lib.failures] == ["broken.yaml"]
    assert lib.failures[0].guide_id == "bad-next"


def test_later_folder_overrides_by_id(tmp_path: Path) -> None:
    override = tmp_path / "override"
    override.mkdir()
    text = (
        (LIBRARY / "printer.yaml")
        .read_text()
        .replace('title: "The printer does not print"', 'title: "Our own printer guide"')
    )
    (override / "printer.yaml").write_text(text)
    lib = load_library([Source(LIBRARY, "lib"), Source(override, "ours")])
    assert lib.guides["printer"].title == "Our own printer guide"
    assert lib.guides["printer"].origin == "ours"
    assert lib.replaced == {"printer": "lib"}
    # A bundled guide is replaced only when the config allows it (override_bundled).
    sources = [Source(LIBRARY, "bundled"), Source(override, "ours")]
    kept = load_library(sources)
    assert kept.guides["printer"].origin == "bundled" and kept.replaced == {}
    assert [d.code for r in kept.failures for d in r.errors] == ["shadows-bundled"]
    allowed = load_library(sources, override_bundled=frozenset({"printer"}))
    assert allowed.guides["printer"].origin == "ours"
    assert allowed.replaced == {"printer": "bundled"} and not allowed.failures


def test_duplicate_id_in_one_folder_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "dups"
    folder.mkdir()
    text = (LIBRARY / "printer.yaml").read_text()
    (folder / "a.yaml").write_text(text)
    (folder / "b.yaml").write_text(text)
    lib = load_library([Source(folder, "x")])
    assert list(lib.guides) == ["printer"]
    (failure,) = lib.failures
    assert [(d.line, d.code) for d in failure.errors] == [(2, "duplicate-id")]


def test_links_between_guides_are_checked(write_guide) -> None:  # type: ignore[no-untyped-def]
    body = """format: 1
id: {id}
kind: troubleshooter
title: Linking
summary: Links to another guide.
symptoms: [link]
start: go
nodes:
  go:
    type: step
    text: Continue in the other guide.
    next: {target}
"""
    write_guide("a.yaml", body.format(id="a", target="guide:printr#queue"))
    path = write_guide("b.yaml", body.format(id="b", target="guide:printer#nope"))
    lib = load_library([Source(LIBRARY, "lib"), Source(path.parent, "tmp")])
    codes = {r.path.name: [(d.line, d.code, d.hint) for d in r.errors] for r in lib.failures}
    assert codes == {
        "a.yaml": [(12, "unknown-guide", "did you mean 'printer'?")],
        "b.yaml": [(12, "unknown-node", None)],
    }


def test_utf16_and_invalid_utf8_are_reported(tmp_path: Path) -> None:
    p16 = tmp_path / "u16.yaml"
    p16.write_bytes("format: 1\n".encode("utf-16"))
    bad8 = tmp_path / "bad8.yaml"
    bad8.write_bytes(b"format: 1\ntitle: caf\xe9\n")
    assert [(d.line, d.code) for d in load_guide(p16).errors] == [(1, "bad-encoding")]
    assert [(d.line, d.column, d.code) for d in load_guide(bad8).errors] == [
        (2, 11, "bad-encoding")
    ]


def test_escape_sequences_are_removed_from_text(write_guide) -> None:  # type: ignore[no-untyped-def]
    path = write_guide(
        "esc.yaml",
        'format: 1\nid: esc\nkind: tutorial\ntitle: "Clear\\x1b[2J screen"\n'
        "summary: s\nsymptoms: [s]\nsteps:\n  - title: t\n"
        '    text: "[bold red]x[/] \\x1b]0;pwn\\x07ok"\n',
    )
    result = load_guide(path)
    assert result.guide is not None
    assert result.guide.title == "Clear screen"
    assert result.guide.nodes["step-1"].text == "[bold red]x[/] ok"
    assert [d.code for d in result.diagnostics] == ["control-characters"] * 2


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_guides_are_clean(path: Path) -> None:
    """Nothing to fix in a bundled guide. `run-probe` is a reminder, not a fault:
    bundled guides are trusted, and their `run` checks still ask the reader first."""
    from selfhelp_tui.guides.model import CheckNode

    result = load_guide(path)
    assert result.guide is not None
    # Only the warning every `run` check carries (it runs a command), once each.
    runs = [n for n in result.guide.nodes.values() if isinstance(n, CheckNode) and n.probe == "run"]
    assert [d for d in result.diagnostics if d.code != "run-probe"] == []
    assert len(result.diagnostics) == len(runs)


def test_the_documented_example_is_a_clean_guide(tmp_path: Path) -> None:
    from .conftest import ROOT

    doc = (ROOT / "docs" / "guide-format.md").read_text(encoding="utf-8")
    example = doc.split("## A complete example", 1)[1].split("```yaml\n", 1)[1]
    example = example.rsplit("\n```", 1)[0] + "\n"
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    result = load_guide(path)
    assert result.diagnostics == []
    assert result.guide is not None and len(result.guide.nodes) == 6
    assert len(result.guide.tests) == 3


def test_hostile_folder_links_fifos_and_unreadable_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    outside = tmp_path / "secret.yaml"
    outside.write_bytes((LIBRARY / "printer.yaml").read_bytes())
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "good.yaml").write_bytes((LIBRARY / "first-steps.yaml").read_bytes())
    (folder / "escape.yaml").symlink_to(outside)
    (folder / "dangling.yaml").symlink_to(folder / "missing.yaml")
    os.mkfifo(folder / "pipe.yaml")
    locked = folder / "locked.yaml"
    locked.write_bytes((LIBRARY / "printer.yaml").read_bytes())
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # root can read mode 000 files: simulate EACCES
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    lib = load_library([Source(folder, "pack")])
    assert list(lib.guides) == ["first-steps"]
    diags = {(Path(d.file).name, d.severity.value, d.code) for d in lib.diagnostics()}
    assert diags == {
        ("escape.yaml", "warning", "link-outside-folder"),
        ("pipe.yaml", "warning", "not-a-file"),
        ("dangling.yaml", "error", "unreadable"),
        ("locked.yaml", "error", "unreadable"),
    }


def test_file_larger_than_the_limit_is_rejected_without_parsing(tmp_path: Path) -> None:
    from selfhelp_tui.guides.yamlsrc import MAX_FILE_BYTES

    path = tmp_path / "huge.yaml"
    path.write_bytes(b"format: 1\n" + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    result = load_guide(path)
    assert [(d.line, d.code) for d in result.errors] == [(1, "file-too-large")]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (LIBRARY / "first-steps.yaml").read_bytes())
    result = load_guide(path)
    assert result.diagnostics == [] and result.guide is not None


@pytest.fixture(scope="module")
def bundled_library():  # type: ignore[no-untyped-def]
    return load_library([Source(BUNDLED, "bundled")])


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_guide_tests_pass_and_visit_every_node(path: Path, bundled_library) -> None:  # type: ignore[no-untyped-def]
    """A test may follow a link into another bundled guide (`guide:disk-full`) and
    end at that guide's outcome; only this guide's own nodes count as visited."""
    from selfhelp_tui.engine import Walk
    from selfhelp_tui.engine.testing import follow_path

    library = bundled_library  # for links between guides
    guide = load_guide(path).guide
    assert guide is not None and guide.tests
    visited: set[str] = set()
    for test in guide.tests:
        walk = Walk(guide, library.get, builtin_facts=dict(test.facts))
        if test.path:
            follow_path(walk, test.path)
        for answer in test.answers:
            walk.answer(answer)
        visited.update(p for p in walk.path if "#" not in p)  # this guide's own nodes
        if test.outcome:
            assert walk.outcome == test.outcome, test.name
        else:
            assert walk.node.id == test.node, test.name
    assert visited == set(guide.nodes)


def test_bundled_library_is_big_enough() -> None:
    lib = load_library([Source(BUNDLED, "bundled")])
    kinds = [g.kind for g in lib.guides.values()]
    assert kinds.count("tutorial") >= 2
    troubleshooters = [g for g in lib.guides.values() if g.kind == "troubleshooter"]
    assert len(troubleshooters) >= 4
    assert all(len(g.nodes) >= 10 for g in troubleshooters)


def test_installed_package_ships_the_bundled_guides() -> None:
    """In CI the project is installed from a wheel: the guides must be inside it."""
    from selfhelp_tui.guides import bundled_guides_dir

    shipped = {p.name for p in bundled_guides_dir().glob("*.yaml")}
    assert shipped == {p.name for p in BUNDLED.glob("*.yaml")}


def test_parallel_load_gives_exactly_the_serial_result(tmp_path: Path) -> None:
    """validate parses big libraries in worker processes: same guides, same
    diagnostics, same order as one process."""
    from bench.generate import generate

    from selfhelp_tui.guides.library import PARALLEL_MIN_FILES

    folder = generate(tmp_path / "lib", PARALLEL_MIN_FILES + 6, 8)
    (folder / "zz-broken.yaml").write_text("format: 1\nid: [\n", encoding="utf-8")
    serial = load_library([Source(folder, "x")], override=False, workers=1)
    parallel = load_library([Source(folder, "x")], override=False, workers=2)
    assert list(parallel.guides) == list(serial.guides) and len(serial.guides) > PARALLEL_MIN_FILES
    assert [(r.path, [d.format() for d in r.diagnostics]) for r in parallel.results] == [
        (r.path, [d.format() for d in r.diagnostics]) for r in serial.results
    ]
    assert parallel.guides["g00001"].nodes == serial.guides["g00001"].nodes


def test_selfhelp_test_reads_each_guide_once(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The library keeps cards and reads a guide when opened; `selfhelp test` opens
    every guide, so it keeps each as read instead of reading it twice."""
    from selfhelp_tui.cli import main
    from selfhelp_tui.guides import loader

    reads: list[str] = []
    real = loader.load_guide

    def counting(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        reads.append(Path(path).name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_guide", counting)
    assert main(["test", str(LIBRARY)]) == 0
    assert "passed, 0 failed" in capsys.readouterr().out
    assert sorted(reads) == sorted(p.name for p in LIBRARY.glob("*.yaml"))
