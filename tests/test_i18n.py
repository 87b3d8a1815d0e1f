"""The interface in six languages: catalogs complete and consistent with the code,
the language chosen in the documented order, plurals, numbers, dates and the
pseudo-locale."""

from __future__ import annotations

import ast
import datetime as dt

import pytest

from selfhelp_tui import i18n
from selfhelp_tui.i18n import _, ngettext, use_language
from selfhelp_tui.i18n import fmt as f
from selfhelp_tui.i18n.catalog import TEMPLATE, Catalog, catalog_path, translation_for
from selfhelp_tui.i18n.extract import (
    PACKAGE_DIR,
    UI_LANGUAGES,
    catalog_issues,
    find_messages,
    merge,
    scan_source,
    template,
)
from selfhelp_tui.i18n.languages import from_environment, normalize, resolve
from selfhelp_tui.i18n.po import PoEntry, PoFile, format_po, parse_po
from selfhelp_tui.i18n.pseudo import pseudo

# --- the catalogs against the code -------------------------------------------


def test_every_string_of_the_code_is_translated_in_every_catalog() -> None:
    """Fails when a `_()` string of src/ has no translation (or a fuzzy one) in any
    catalog, or a translation's placeholders differ from the source's. Fix: run
    `python -m selfhelp_tui.i18n.extract` and translate what it lists."""
    messages, _problems = find_messages()
    assert len(messages) > 50
    issues = []
    for lang in UI_LANGUAGES:
        po = parse_po(catalog_path(lang).read_text(encoding="utf-8"))
        issues += catalog_issues(po, messages, lang)
    assert [(i.lang, i.msgid, i.problem) for i in issues] == []


def test_the_template_is_up_to_date_with_the_code() -> None:
    messages, _problems = find_messages()
    text = TEMPLATE.read_text(encoding="utf-8")
    created = parse_po(text).headers["POT-Creation-Date"]  # when its strings last changed
    assert text == format_po(template(messages, created)), (
        "run `python -m selfhelp_tui.i18n.extract`"
    )


def test_every_translated_call_uses_a_string_literal() -> None:
    """`_(f"...")` or `_(variable)` cannot be extracted, so it is never translated."""
    _messages, problems = find_messages()
    assert [p.format() for p in problems] == []


def test_the_extractor_finds_each_marker_and_flags_what_it_cannot_read() -> None:
    source = (
        "a = _('One')\n"
        "b = N_('Two {n}')\n"
        "c = ngettext('{n} file', '{n} files', n)\n"
        "d = _(f'bad {x}')\n"
        "e = other('not marked')\n"
    )
    found, problems = scan_source(source, "m.py")
    assert found == [("One", None, 1), ("Two {n}", None, 2), ("{n} file", "{n} files", 3)]
    assert [p.format() for p in problems] == ["m.py:4: _() needs string literals to be translated"]


def test_bindings_are_marked_for_lazy_translation() -> None:
    """Class-level BINDINGS are built at import time, before the language may be
    installed: their descriptions must be N_() msgids (translated when shown)."""
    offenders = []
    for path in sorted((PACKAGE_DIR / "tui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Binding":
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "_":
                        offenders.append(f"{path.name}:{inner.lineno}")
    assert offenders == []


def test_merge_keeps_translations_marks_rewordings_fuzzy_and_keeps_removed_ones() -> None:
    old = PoFile(
        [
            PoEntry("Quit", "Avslutt"),
            PoEntry("Leave the guide now?", "Forlate veiledningen nå?"),
            PoEntry("Removed string", "Fjernet"),
        ]
    )
    messages, _p = find_messages()
    pot = template(m for m in messages if m.msgid == "Quit")
    pot.entries.append(PoEntry("Leave the guide now?!"))
    merged = merge(pot, old, "nb")
    by_id = {e.msgid: e for e in merged.entries}
    assert by_id["Quit"].msgstr == "Avslutt" and by_id["Quit"].translated
    reworded = by_id["Leave the guide now?!"]
    assert reworded.fuzzy and reworded.msgstr == "Forlate veiledningen nå?"
    assert reworded.previous_msgid == "Leave the guide now?"
    assert by_id["Removed string"].obsolete and by_id["Removed string"].msgstr == "Fjernet"
    assert merged.headers["Plural-Forms"].startswith("nplurals=2")


def test_a_placeholder_mismatch_is_reported() -> None:
    messages, _p = find_messages()
    step = [m for m in messages if m.msgid == "Step {n} of {total}"]
    po = PoFile([PoEntry("Step {n} of {total}", "Trinn {n} av {totalt}")])
    issues = catalog_issues(po, step, "nb")
    assert [i.problem for i in issues] == ["placeholders ['{n}', '{totalt}'] != ['{n}', '{total}']"]


# --- lookups ------------------------------------------------------------------


def test_russian_plurals_follow_the_catalog_plural_forms() -> None:
    use_language("ru")
    forms = [ngettext("{n} error", "{n} errors", n).format(n=n) for n in (1, 2, 5, 11, 21, 22)]
    assert forms == ["1 ошибка", "2 ошибки", "5 ошибок", "11 ошибок", "21 ошибка", "22 ошибки"]


def test_fuzzy_and_unsafe_translations_are_not_used() -> None:
    po = PoFile(
        [
            PoEntry("Quit", "Avslutt", flags=["fuzzy"]),
            PoEntry("Step {n}", "Trinn {m}"),  # would raise KeyError in .format()
            PoEntry("Back", "Tilbake"),
        ],
        {"Plural-Forms": "nplurals=2; plural=(n != 1);"},
    )
    catalog = Catalog(po, "nb")
    assert catalog.gettext("Quit") == "Quit"
    assert catalog.gettext("Step {n}") == "Step {n}"
    assert catalog.gettext("Back") == "Tilbake"


def test_a_language_without_a_catalog_gives_english() -> None:
    use_language("de")
    assert _("Quit") == "Quit"
    assert i18n.current_language() == "de"  # guides may still be translated into it


def test_nynorsk_readers_get_bokmal() -> None:
    assert translation_for("nn").gettext("Quit") == "Avslutt"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("nb_NO.UTF-8", "nb"),
        ("ca_ES.UTF-8@valencia", "ca"),
        ("pt-BR", "pt"),
        ("no", "nb"),
        ("HU", "hu"),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("", None),
        ("qps", "qps"),
        ("not a code!", None),
    ],
)
def test_normalize(value: str, code: str | None) -> None:
    assert normalize(value) == code


def test_language_order_cli_then_env_then_config_then_locale() -> None:
    env = {"LANG": "hu_HU.UTF-8", "SELFHELP_LANG": "es"}
    assert resolve("ru", {"lang": "ca"}, env) == "ru"
    assert resolve(None, {"lang": "ca"}, env) == "es"
    assert resolve(None, {"lang": "ca"}, {"LANG": "hu_HU.UTF-8"}) == "ca"
    assert resolve(None, {}, {"LANG": "hu_HU.UTF-8"}) == "hu"
    assert resolve(None, {"lang": 42}, {}) == "en"  # a broken config value is skipped


def test_the_first_locale_variable_that_is_set_decides() -> None:
    assert from_environment({"LC_ALL": "C", "LANG": "nb_NO.UTF-8"}) is None
    assert from_environment({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "nb_NO.UTF-8"}) == "ru"
    assert from_environment({"LC_ALL": "", "LANG": "ca_ES.UTF-8"}) == "ca"


# --- numbers and dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "number", "small", "percent", "date", "datetime"),
    [
        ("en", "1,234,567.5", "1,234", "45%", "Nov 3, 2025", "Nov 3, 2025, 3:05\u202fPM"),
        (
            "nb",
            "1\u00a0234\u00a0567,5",
            "1\u00a0234",
            "45\u00a0%",
            "3. nov. 2025",
            "3. nov. 2025, 15:05",
        ),
        (
            "hu",
            "1\u00a0234\u00a0567,5",
            "1\u00a0234",
            "45%",
            "2025. nov. 3.",
            "2025. nov. 3. 15:05",
        ),
        ("es", "1.234.567,5", "1234", "45\u00a0%", "3 nov 2025", "3 nov 2025, 15:05"),
        (
            "ru",
            "1\u00a0234\u00a0567,5",
            "1\u00a0234",
            "45\u00a0%",
            "3 нояб. 2025\u00a0г.",
            "3 нояб. 2025\u00a0г., 15:05",
        ),
        ("ca", "1.234.567,5", "1.234", "45\u00a0%", "3 de nov. 2025", "3 de nov. 2025, 15:05"),
    ],
)
def test_numbers_and_dates_follow_the_language(
    lang: str, number: str, small: str, percent: str, date: str, datetime: str
) -> None:
    use_language(lang)
    moment = dt.datetime(2025, 11, 3, 15, 5)
    assert f.number(1234567.5, 1) == number
    assert f.number(1234) == small
    assert f.percent(45) == percent
    assert f.date(moment.date()) == date
    assert f.datetime(moment) == datetime
    assert f.number(-0.0001, 2, lang="en") == "0.00"
    assert f.number(-12, lang="en") == "-12"


# --- the pseudo-locale ---------------------------------------------------------


def test_pseudo_brackets_accents_and_lengthens_but_keeps_what_must_stay() -> None:
    out = pseudo("Step {n} of {total}")
    assert out.startswith("[") and out.endswith("]")
    assert "{n}" in out and "{total}" in out
    bare = out.replace("{n}", "").replace("{total}", "")
    assert not any(ch in bare for ch in "Septof")  # every letter accented
    assert len(out) >= len("Step {n} of {total}") * 1.25
    text = (
        "# Clean up\n\n- Run `df -h` now\n- See https://example.org/x\n\n```\nsudo apt clean\n```"
    )
    lines = pseudo(text).split("\n")
    assert lines[0].startswith("# [") and lines[2].startswith("- [")
    assert "`df -h`" in lines[2] and "https://example.org/x" in lines[3]
    assert lines[5:] == ["```", "sudo apt clean", "```"]
    assert pseudo("%(prog)s: error: %(message)s\n").split("\n")[0].count("%(") == 2
    assert pseudo("  (could not load {file})").startswith("  [(")


def test_pseudo_locale_translates_every_interface_string() -> None:
    use_language("qps")
    assert _("Quit").startswith("[") and _("Quit") != "Quit"
    assert ngettext("{n} error", "{n} errors", 2).format(n=2).startswith("[2 ")


def test_catalogs_are_files_of_the_package() -> None:
    """The catalogs ship inside the package (the wheel includes the folder)."""
    assert {p.stem for p in catalog_path("en").parent.glob("*.po")} == set(UI_LANGUAGES)
    assert catalog_path("en").parent.is_relative_to(PACKAGE_DIR)


def test_compiled_catalogs_are_kept_and_never_used_when_stale(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import marshal

    from selfhelp_tui.i18n.catalog import load_compiled

    plain = translation_for("nb")
    cached = translation_for("nb", tmp_path)
    kept = tmp_path / "catalog-nb.marshal"
    assert kept.is_file()
    assert cached.gettext("Quit") == plain.gettext("Quit") == "Avslutt"
    # Read back from the cache, the same catalog.
    assert load_compiled("nb", tmp_path) == load_compiled("nb", None)
    # Made from another file (another stamp): not used, made again.
    stamp, info, catalog = marshal.loads(kept.read_bytes())
    # Kept from this very file: used as kept (the .po is not parsed again).
    kept.write_bytes(marshal.dumps((stamp, info, {**catalog, "Quit": "Kept"})))
    assert translation_for("nb", tmp_path).gettext("Quit") == "Kept"
    kept.write_bytes(marshal.dumps(((-1, *stamp[1:]), info, {"Quit": "Stale"})))
    assert translation_for("nb", tmp_path).gettext("Quit") == "Avslutt"
    assert marshal.loads(kept.read_bytes())[0] == stamp
    # A damaged cache file is no cache.
    kept.write_bytes(b"\x00garbage")
    assert translation_for("nb", tmp_path).gettext("Quit") == "Avslutt"
    # A cache folder that cannot be written is no cache either.
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert translation_for("nb", blocked / "sub").gettext("Quit") == "Avslutt"
