"""Guide translations: the translated view, node-by-node fallback, stale and
unknown translations in `selfhelp validate`, and `selfhelp i18n extract`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from selfhelp_tui.engine import Session
from selfhelp_tui.guides import load_guide
from selfhelp_tui.guides.library import Source, load_library
from selfhelp_tui.guides.model import Guide
from selfhelp_tui.guides.translate import (
    HASH_NOTE,
    localize,
    read_translation,
    source_hash,
    source_strings,
    translation_path,
)
from selfhelp_tui.i18n import use_language
from selfhelp_tui.i18n.po import format_po
from selfhelp_tui.texts import fallback_notice

from .conftest import I18N, selfhelp_cmd


def run(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*selfhelp_cmd(), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )


@pytest.fixture
def guides(tmp_path: Path) -> Path:
    """A writable copy of the translated fixture guides."""
    folder = tmp_path / "guides"
    shutil.copytree(I18N, folder)
    return folder


def printer(folder: Path = I18N) -> Guide:
    guide = load_guide(folder / "printer.yaml").guide
    assert guide is not None
    return guide


def po_line(path: Path, msgctxt: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(f'msgctxt "{msgctxt}"') + 1


# --- the translated view ------------------------------------------------------


def test_source_strings_name_node_and_field() -> None:
    contexts = [s.context for s in source_strings(printer())]
    assert contexts[:6] == ["title", "summary", "tags/0", "tags/1", "symptoms/0", "symptoms/1"]
    assert "power/text" in contexts and "power/choices/1/label" in contexts
    assert "call-support/text" in contexts
    steps = load_guide(I18N / "first-steps.yaml").guide
    assert steps is not None
    assert [s.context for s in source_strings(steps)][-2:] == ["step-3/title", "step-3/text"]


def test_a_translated_guide_is_shown_in_the_readers_language() -> None:
    view = localize(printer(), "hu")
    assert view.title == "A nyomtató nem nyomtat"
    assert view.nodes["power"].choices[0].label == "Igen, be van kapcsolva"  # type: ignore[attr-defined]
    assert "`lpstat -o`" in view.nodes["queue"].text
    assert view.shown_lang("power") == "hu" and not view.falls_back("power")
    # The source stays as written, for search and for the writer.
    assert view.variants()[1].title == "The printer does not print"
    assert printer().nodes["power"].text.startswith("Is the printer")


def test_a_guide_without_a_hungarian_file_falls_back_to_its_source_with_a_notice() -> None:
    guide = load_guide(I18N / "first-steps.yaml").guide
    assert guide is not None and not translation_path(guide.path, "hu").exists()  # type: ignore[arg-type]
    use_language("hu")
    view = localize(guide, "hu")
    assert view.title == "First steps"
    assert view.nodes["step-1"].text.startswith("This tutorial has three steps")
    assert view.falls_back("step-1")
    assert fallback_notice(view, "step-1") == "Nincs lefordítva – eredeti nyelven (English)"


def test_the_fallback_is_node_by_node(guides: Path) -> None:
    po_path = guides / "printer.es.po"
    po = read_translation(po_path)
    entry = po.find("queue/choices/1/label")
    assert entry is not None
    entry.msgstr = ""  # one answer of one question left untranslated
    po_path.write_text(format_po(po), encoding="utf-8")
    view = localize(printer(guides), "es")
    assert view.nodes["power"].text.startswith("¿Está la impresora")
    # The whole question stays in English, so its answers match its text.
    assert view.nodes["queue"].text.startswith("Run `lpstat -o`")
    assert view.falls_back("queue") and not view.falls_back("power")
    assert view.title == "La impresora no imprime"


def test_a_stale_translation_is_not_shown(guides: Path) -> None:
    path = guides / "printer.yaml"
    path.write_text(
        path.read_text().replace("then print again", "then print a test page"), encoding="utf-8"
    )
    view = localize(printer(guides), "es")
    assert view.nodes["cancel-jobs"].text.startswith("Cancel the stuck jobs")
    assert view.falls_back("cancel-jobs") and not view.falls_back("works")


def test_the_pseudo_locale_needs_no_file() -> None:
    view = localize(printer(), "qps")
    assert view.title.startswith("[") and "`lpstat -o`" in view.nodes["queue"].text
    assert not view.falls_back("queue")


def test_the_session_says_which_language_was_shown(guides: Path) -> None:
    (guides / "printer.hu.po").unlink()
    lib = load_library([Source(guides, "t")])
    lib_ru = {gid: localize(g, "ru") for gid, g in lib.guides.items()}
    session = Session.start(lib_ru["printer"], "plain")
    session.choose(0)
    assert session.shown_lang == "ru" and session.shown_langs() == ["ru"]
    hu = Session.start(localize(lib.guides["printer"], "hu"), "plain")
    assert hu.shown_lang == "en"  # no Hungarian file: the reader read English
    english = Session.start(lib.guides["printer"], "plain")
    assert english.shown_lang == "en"


# --- validate -----------------------------------------------------------------


def test_the_translated_fixtures_validate_clean(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("validate", "--strict", str(I18N), env=cli_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_editing_an_english_node_makes_the_spanish_translation_stale(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    path = guides / "printer.yaml"
    path.write_text(
        path.read_text().replace("then print again", "then print a test page"), encoding="utf-8"
    )
    proc = run("validate", "--lang", "es", "guides/printer.yaml", env=cli_env, cwd=guides.parent)
    line = po_line(guides / "printer.es.po", "cancel-jobs/text")
    assert proc.stdout.splitlines() == [
        f"guides/printer.es.po:{line}:1: warning: the es translation of node 'cancel-jobs' "
        "(text) is stale: the source text changed since it was translated (update it with "
        "`selfhelp i18n extract guides/printer.yaml --lang es`, then review it) "
        "[translation-stale]"
    ]
    assert proc.returncode == 0
    assert run("validate", "--strict", "guides", env=cli_env, cwd=guides.parent).returncode == 1
    # The other languages are stale too when no --lang limits the check.
    every = run("validate", "guides", env=cli_env, cwd=guides.parent).stdout
    assert every.count("[translation-stale]") == 4


def test_a_translation_of_a_node_that_does_not_exist_is_an_error(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    po_path = guides / "printer.nb.po"
    po_path.write_text(
        po_path.read_text().replace('msgctxt "works/text"', 'msgctxt "work/text"'),
        encoding="utf-8",
    )
    proc = run("validate", "guides", env=cli_env, cwd=guides.parent)
    line = po_line(po_path, "work/text")
    assert proc.returncode == 1
    assert (
        f"guides/printer.nb.po:{line}:1: error: translation for node 'work', which is not a "
        "node of guide 'printer' (did you mean 'works'?) [translation-unknown-node]"
    ) in proc.stdout.splitlines()
    # ... and the real node is now reported as missing its translation.
    assert "node 'works': 1 string not translated into nb (works/text)" in proc.stdout


def test_missing_translations_are_warnings_and_lang_limits_them(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    po_path = guides / "printer.ru.po"
    po = read_translation(po_path)
    for ctx in ("power/text", "power/choices/0/label"):
        entry = po.find(ctx)
        assert entry is not None
        entry.msgstr = ""
    po_path.write_text(format_po(po), encoding="utf-8")
    proc = run("validate", "guides", env=cli_env, cwd=guides.parent)
    assert proc.stdout.splitlines() == [
        f"guides/printer.ru.po:{po_line(po_path, 'power/text')}:1: warning: node 'power': "
        "2 strings not translated into ru (power/text, power/choices/0/label) "
        "[translation-missing]"
    ]
    assert run("validate", "--lang", "nb", "guides", env=cli_env, cwd=guides.parent).stdout == ""
    no_file = run("validate", "--lang", "ca", "guides", env=cli_env, cwd=guides.parent)
    assert no_file.stdout.count("[translation-missing]") == 2  # both guides: no ca file
    assert "guides/printer.yaml:1:1: warning: the guide has no ca translation" in no_file.stdout


def test_broken_and_orphaned_translation_files(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    (guides / "printer.nb.po").write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    (guides / "router.nb.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    proc = run("validate", "guides", env=cli_env, cwd=guides.parent)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert (
        "guides/printer.nb.po:2:8: error: the string is not closed: a double quote is missing "
        "at its end [po-syntax]"
    ) in lines
    assert (
        "guides/router.nb.po:1:1: error: translation of 'router', but there is no "
        "router.yaml beside it [translation-no-guide]"
    ) in lines


def test_changed_code_in_a_translation_is_a_warning(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    po_path = guides / "printer.hu.po"
    po_path.write_text(
        po_path.read_text().replace("a `cancel -a` paranccsal", "a `cancel -all` paranccsal"),
        encoding="utf-8",
    )
    proc = run("validate", "guides", env=cli_env, cwd=guides.parent)
    assert proc.stdout.splitlines() == [
        f"guides/printer.hu.po:{po_line(po_path, 'cancel-jobs/text')}:1: warning: the hu "
        "translation of node 'cancel-jobs' (text) does not contain the code `cancel -a` "
        "exactly as in the source (commands and code must be copied as they are) "
        "[translation-code-changed]"
    ]


# --- i18n extract -----------------------------------------------------------------


def test_extract_writes_every_string_with_its_source_and_hash(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    proc = run(
        "i18n", "extract", "guides/printer.yaml", "--lang", "ca", env=cli_env, cwd=guides.parent
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        "wrote guides/printer.ca.po: 19 strings, 0 translated, 0 to review, 19 to do"
    )
    po = read_translation(guides / "printer.ca.po")
    assert po.headers["Language"] == "ca" and po.headers["X-Source-Language"] == "en"
    entry = po.find("queue/text")
    assert entry is not None and entry.msgstr == ""
    assert entry.msgid == printer(guides).nodes["queue"].text.rstrip("\n")
    assert entry.extracted_value(HASH_NOTE) == source_hash(entry.msgid)
    assert entry.references == ["printer.yaml:29"]
    assert len(list(po.live())) == len(source_strings(printer(guides)))


def test_extract_keeps_work_and_marks_changed_sources_for_review(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    path = guides / "printer.yaml"
    path.write_text(
        path.read_text().replace("then print again", "then print a test page"), encoding="utf-8"
    )
    proc = run(
        "i18n",
        "extract",
        "printer",
        "--no-bundled",
        "--guides",
        "guides",
        env=cli_env,
        cwd=guides.parent,
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        "updated guides/printer.es.po: 19 strings, 18 translated, 1 to review, 0 to do"
        in proc.stdout
    )
    assert proc.stdout.count("updated ") == 4  # every existing translation, no --lang needed
    po = read_translation(guides / "printer.es.po")
    entry = po.find("cancel-jobs/text")
    assert entry is not None and entry.fuzzy
    assert entry.msgid.endswith("then print a test page.")
    assert entry.previous_msgid == "Cancel the stuck jobs with `cancel -a`, then print again."
    assert entry.msgstr.startswith("Cancele los trabajos")  # the work is kept
    still = po.find("works/text")
    assert still is not None and still.translated and still.msgstr == "¿Imprime ahora?"
    # Fuzzy is still stale for validate and is not shown ...
    check = run("validate", "--lang", "es", "guides/printer.yaml", env=cli_env, cwd=guides.parent)
    assert "is marked fuzzy (needs review) [translation-stale]" in check.stdout
    assert localize(printer(guides), "es").falls_back("cancel-jobs")
    # ... until the translator reviews it (Poedit clears the flag when saving).
    entry.msgstr = "Cancele los trabajos atascados con `cancel -a` e imprima una página de prueba."
    entry.set_fuzzy(False)
    (guides / "printer.es.po").write_text(format_po(po), encoding="utf-8")
    assert (
        run(
            "validate", "--lang", "es", "guides/printer.yaml", env=cli_env, cwd=guides.parent
        ).stdout
        == ""
    )
    assert localize(printer(guides), "es").nodes["cancel-jobs"].text.endswith("página de prueba.")


def test_extract_follows_renamed_nodes_and_keeps_removed_strings(guides: Path) -> None:
    from selfhelp_tui.guides.translate import update_translation

    path = guides / "printer.yaml"
    path.write_text(
        path.read_text()
        .replace("cancel-jobs", "clear-queue")
        .replace('      - label: "No jobs are listed"\n        next: call-support\n', ""),
        encoding="utf-8",
    )
    po, report = update_translation(
        printer(guides), read_translation(guides / "printer.nb.po"), "nb"
    )
    moved = po.find("clear-queue/text")
    assert moved is not None and moved.translated  # same text, new node id: kept as is
    assert moved.msgstr.startswith("Avbryt jobbene")
    removed = [e for e in po.entries if e.obsolete]
    assert [e.msgid for e in removed] == ["No jobs are listed"] and removed[
        0
    ].msgstr == "Nei, lista er tom"
    assert report.obsolete == 1 and report.translated == report.total


def test_extract_refuses_the_source_language_and_broken_files(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    same = run(
        "i18n", "extract", "guides/printer.yaml", "--lang", "en", env=cli_env, cwd=guides.parent
    )
    assert same.returncode == 1 and "is written in en" in same.stderr
    (guides / "printer.nb.po").write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    broken = run(
        "i18n", "extract", "guides/printer.yaml", "--lang", "nb", env=cli_env, cwd=guides.parent
    )
    assert broken.returncode == 1
    assert "guides/printer.nb.po:2:8: error: the string is not closed" in broken.stderr
    assert (guides / "printer.nb.po").read_text() == 'msgid "a"\nmsgstr "b\n'  # left alone


def test_rewrapping_a_paragraph_keeps_its_translations_current(cli_env, guides: Path) -> None:  # type: ignore[no-untyped-def]
    """Markdown shows a soft line break as a space: a writer who breaks a paragraph's
    lines elsewhere (as a fix of a code span cut across two lines needs) has not
    changed what any translation says, so extract keeps them current. A changed
    word still makes them stale."""
    path = guides / "printer.yaml"
    source = path.read_text(encoding="utf-8")
    path.write_text(
        source.replace("Cancel the stuck jobs with `cancel -a`, then print again.",
                       "Cancel the stuck jobs with\n      `cancel -a`, then print again."),
        encoding="utf-8",
    )  # fmt: skip
    assert path.read_text(encoding="utf-8") != source
    before = run("validate", "--lang", "es", "guides/printer.yaml", env=cli_env, cwd=guides.parent)
    assert "[translation-stale]" in before.stdout  # the hash saw the change
    extracted = run("i18n", "extract", "guides/printer.yaml", "--lang", "es", env=cli_env, cwd=guides.parent)  # fmt: skip
    assert extracted.returncode == 0, extracted.stderr
    after = run("validate", "--lang", "es", "guides/printer.yaml", env=cli_env, cwd=guides.parent)
    assert after.stdout == "", after.stdout
    assert "#, fuzzy" not in po_entry_text(guides / "printer.es.po", "cancel-jobs/text")
    # A word changed, too: stale, and marked for review by extract.
    path.write_text(
        path.read_text(encoding="utf-8").replace("then print again", "then print a test page"),
        encoding="utf-8",
    )
    run("i18n", "extract", "guides/printer.yaml", "--lang", "es", env=cli_env, cwd=guides.parent)
    stale = run("validate", "--lang", "es", "guides/printer.yaml", env=cli_env, cwd=guides.parent)
    assert "[translation-stale]" in stale.stdout
    assert "#, fuzzy" in po_entry_text(guides / "printer.es.po", "cancel-jobs/text")


def po_entry_text(path: Path, context: str) -> str:
    """The lines of one entry of a PO file, from its comments to its msgstr."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    return next(b for b in blocks if f'msgctxt "{context}"' in b)
