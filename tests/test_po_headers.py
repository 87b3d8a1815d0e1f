"""Every PO file selfhelp ships or writes has a complete header: the interface
catalogs and template, the bundled guides' translations, and what `selfhelp i18n
extract` makes. Checked in Python always, and by GNU msgfmt where it is installed
(.ci/run installs gettext)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from selfhelp_tui.i18n.catalog import LOCALE_DIR, TEMPLATE
from selfhelp_tui.i18n.headers import FIELDS, missing
from selfhelp_tui.i18n.po import parse_po

from .conftest import BUNDLED, FIXTURES, I18N, selfhelp_cmd

SHIPPED = sorted(
    [
        *LOCALE_DIR.glob("*.po"),
        *BUNDLED.glob("*.po"),
        *(FIXTURES / "search").glob("*.po"),
    ]
)
MSGFMT = shutil.which("msgfmt")


def headers(path: Path) -> dict[str, str]:
    return parse_po(path.read_text(encoding="utf-8")).headers


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_po_file_has_a_complete_header(path: Path) -> None:
    found = headers(path)
    assert missing(found) == [], path
    assert list(found)[: len(FIELDS)] == list(FIELDS)  # in the order gettext writes them
    lang = path.stem.split(".")[-1]
    assert found["Language"] == lang


def test_the_template_has_a_templates_header() -> None:
    found = headers(TEMPLATE)
    assert missing(found, template=True) == []
    assert found["Language"] == "" and found["Plural-Forms"].startswith("nplurals=INTEGER")


def test_the_check_catches_what_is_missing_or_wrong() -> None:
    good = headers(LOCALE_DIR / "ru.po")
    assert missing({k: v for k, v in good.items() if k != "Last-Translator"}) == [
        "no Last-Translator"
    ]
    assert missing({**good, "Plural-Forms": "nplurals=2; plural=(n != 1);"}) == [
        "Plural-Forms 'nplurals=2; plural=(n != 1);' is not ru's"
    ]
    assert missing({**good, "Language-Team": "LANGUAGE <LL@li.org>"}) == [
        "Language-Team is the template's 'LANGUAGE <LL@li.org>'"
    ]


def msgfmt(path: Path) -> subprocess.CompletedProcess[str]:
    assert MSGFMT is not None
    return subprocess.run(
        [MSGFMT, "--check-header", "--check-format", "--check-domain", "-o", "/dev/null",
         str(path)], capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_msgfmt_finds_nothing_to_say(path: Path) -> None:
    """msgfmt only warns about a missing header field (exit 0): no output at all."""
    proc = msgfmt(path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*selfhelp_cmd(), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )


def test_extract_writes_a_complete_header_and_keeps_the_translators(
    cli_env, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "guides"
    shutil.copytree(I18N, folder)
    for po in folder.glob("*.po"):
        po.unlink()
    made = run("i18n", "extract", "guides/printer.yaml", "--lang", "ru", env=cli_env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    path = folder / "printer.ru.po"
    fresh = headers(path)
    assert missing(fresh) == []
    assert fresh["Language-Team"] == "русский" and fresh["Project-Id-Version"] == "printer"
    assert fresh["Plural-Forms"].startswith("nplurals=3;")
    if MSGFMT is not None:
        assert msgfmt(path).stderr == ""
    # A translator (or their editor) fills in who they are; extract keeps it, and a
    # run with nothing to change leaves the file as it is.
    text = path.read_text(encoding="utf-8").replace(
        '"Last-Translator: \\n"', '"Last-Translator: Olga <olga@example.org>\\n"'
    )
    path.write_text(text, encoding="utf-8")
    again = run("i18n", "extract", "guides/printer.yaml", "--lang", "ru", env=cli_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert path.read_text(encoding="utf-8") == text
    # A changed source string is extracted again: a new POT-Creation-Date.
    guide = folder / "printer.yaml"
    guide.write_text(guide.read_text().replace("print job stuck", "print job stuck in queue"))
    text = text.replace(fresh["POT-Creation-Date"], "2001-01-01 00:00+0000")
    path.write_text(text, encoding="utf-8")
    run("i18n", "extract", "guides/printer.yaml", "--lang", "ru", env=cli_env, cwd=tmp_path)
    changed = headers(path)
    assert changed["POT-Creation-Date"] != "2001-01-01 00:00+0000"
    assert changed["Last-Translator"] == "Olga <olga@example.org>"


def test_the_interface_catalogs_are_up_to_date() -> None:
    """`python -m selfhelp_tui.i18n.extract --check`: nothing would change, headers
    and dates included (a run that changes no string rewrites no file)."""
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "selfhelp_tui.i18n.extract", "--check"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _update(guide_file: Path, po_text: str | None, lang: str = "ru") -> dict[str, str]:
    from selfhelp_tui.guides.loader import load_guide
    from selfhelp_tui.guides.translate import update_translation
    from selfhelp_tui.i18n.po import format_po

    guide = load_guide(guide_file).guide
    assert guide is not None
    po = parse_po(po_text) if po_text is not None else None
    updated, _report = update_translation(guide, po, lang)
    return {"text": format_po(updated), **updated.headers}


def test_a_guides_dates_change_only_with_its_strings(tmp_path: Path) -> None:
    """POT-Creation-Date is when the strings were last extracted: a run that only
    finds them on other lines keeps it; a new string, a changed one or a removed
    one gives a new date. What the translator filled in stays either way."""
    guide = tmp_path / "net.yaml"
    source = (FIXTURES / "search" / "net.yaml").read_text(encoding="utf-8")
    guide.write_text(source, encoding="utf-8")
    old = "2001-01-01 00:00+0000"
    first = _update(guide, None)
    pot_line = f'"POT-Creation-Date: {first["POT-Creation-Date"]}\\n"'
    assert pot_line in first["text"]
    text = first["text"].replace(pot_line, f'"POT-Creation-Date: {old}\\n"')
    text = text.replace('"Last-Translator: \\n"', '"Last-Translator: Olga <olga@example.org>\\n"')
    # Moved down two lines: the same strings.
    guide.write_text("# a comment\n# another\n" + source, encoding="utf-8")
    moved = _update(guide, text)
    assert moved["POT-Creation-Date"] == old
    assert moved["text"] != text  # the references did follow the lines
    assert moved["Last-Translator"] == "Olga <olga@example.org>"
    for change in (
        source.replace('"Call support."', '"Call your support desk."'),  # changed
        source.replace('  - "no internet"\n', ""),  # removed
        source.replace('  - "no internet"\n', '  - "no internet"\n  - "offline"\n'),  # new
    ):
        guide.write_text(change, encoding="utf-8")
        updated = _update(guide, text)
        assert updated["POT-Creation-Date"] not in (old, ""), change
        assert updated["Last-Translator"] == "Olga <olga@example.org>"
        assert updated["PO-Revision-Date"] == first["PO-Revision-Date"]  # not revised by us


def test_an_old_translation_file_gets_a_complete_header(tmp_path: Path) -> None:
    """A file written before headers were complete (or by hand) is completed by the
    next extract; its translator and team stay, a wrong plural rule is replaced."""
    guide = tmp_path / "net.yaml"
    guide.write_text((FIXTURES / "search" / "net.yaml").read_text(encoding="utf-8"))
    legacy = (
        'msgid ""\nmsgstr ""\n"Project-Id-Version: net\\n"\n"Language: ru\\n"\n'
        '"Language-Team: Russian <ru@example.org>\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "title"\nmsgid "No network connection"\nmsgstr "Нет подключения к сети"\n'
    )
    done = _update(guide, legacy)
    assert missing({k: v for k, v in done.items() if k != "text"}) == []
    assert done["Language-Team"] == "Russian <ru@example.org>"
    assert done["Plural-Forms"].startswith("nplurals=3;")
    assert "Нет подключения к сети" in done["text"]
    if MSGFMT is not None:
        path = tmp_path / "net.ru.po"
        path.write_text(done["text"], encoding="utf-8")
        assert msgfmt(path).stderr == ""
