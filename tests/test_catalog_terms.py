"""What readers found in the catalogs stays fixed, and the terms of docs/i18n.md
("Terms: the words every translation uses") are the ones the interface and the
bundled guides' translations use: Hungarian says *szerver* everywhere, the outcome
log is never "feedback", Norwegian rates with a verb, Russian footer labels say
what the key does, Catalan addresses the reader formally."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import LoadMode, Source
from selfhelp_tui.i18n import use_language
from selfhelp_tui.i18n.catalog import catalog_path
from selfhelp_tui.i18n.po import PoFile, parse_po

from .conftest import BUNDLED, I18N, ROOT, selfhelp_cmd

DOC = ROOT / "docs" / "i18n.md"
LANGS = ("nb", "hu", "es", "ru", "ca")
_CODE = re.compile(r"`[^`]*`")


def glossary() -> dict[str, dict[str, str]]:
    """English term -> language -> the term, from the table under "Terms"."""
    text = DOC.read_text(encoding="utf-8").split("### Terms", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    head = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert head == ["English", *LANGS]
    out: dict[str, dict[str, str]] = {}
    for line in rows[1:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-"}:
            continue
        assert len(cells) == 6 and all(cells), line
        out[cells[0]] = dict(zip(LANGS, cells[1:], strict=True))
    return out


def catalog(lang: str) -> PoFile:
    return parse_po(catalog_path(lang).read_text(encoding="utf-8"))


def prose(po: PoFile) -> list[str]:
    """Every translation of a file, without its code spans (commands stay as they are)."""
    out = []
    for entry in po.live():
        for text in (entry.msgstr, *entry.msgstr_plural.values()):
            out.append(_CODE.sub("", text))
    return out


def translated(po: PoFile, msgid: str) -> str:
    return next(e.msgstr for e in po.live() if e.msgid == msgid)


def test_the_glossary_names_every_term_in_every_language() -> None:
    terms = glossary()
    for wanted in ("server", "network", "printer", "disk", "the outcome log", "step"):
        assert wanted in terms, wanted


# --- Hungarian: one word for a server ------------------------------------------

KISZOLGALO = re.compile(r"\bkiszolgáló", re.IGNORECASE)  # not the verb: kiszolgálás


@pytest.mark.parametrize(
    "path",
    [catalog_path("hu"), *sorted(BUNDLED.glob("*.hu.po"))],
    ids=lambda p: p.name,
)
def test_hungarian_says_szerver_in_the_interface_and_in_every_guide(path: Path) -> None:
    assert glossary()["server"]["hu"] == "szerver"
    found = [t for t in prose(parse_po(path.read_text(encoding="utf-8"))) if KISZOLGALO.search(t)]
    assert not found, f"{path.name}: 'kiszolgáló' where the glossary says 'szerver': {found}"


def test_the_interface_names_the_server_with_the_glossarys_word() -> None:
    terms = glossary()["server"]
    for lang in LANGS:
        text = translated(catalog(lang), "Delivered: {n}; rejected by the server: {r}")
        assert terms[lang].lower() in text.lower(), (lang, text)


def test_the_check_for_kiszolgalo_catches_it() -> None:
    assert KISZOLGALO.search("a kiszolgáló elutasította")
    assert KISZOLGALO.search("Kiszolgálója nem válaszol")
    assert not KISZOLGALO.search("az alkalmazás kiszolgálása webböngészőbe")


# --- the outcome log is not "feedback" -----------------------------------------

#: What the outcome log was called before readers asked (and the English word).
NOT_THE_LOG = re.compile(
    r"feedback|comentario|comentari|tilbakemelding|visszajelz|отзыв", re.IGNORECASE
)


@pytest.mark.parametrize("lang", LANGS)
def test_no_catalog_calls_the_outcome_log_feedback(lang: str) -> None:
    # `feedback_url` is a config key, written as it is. A comment in a guide file
    # (`# selfhelp: ignore ...`) is a "comentario" in Spanish and a "comentari" in
    # Catalan: those messages say "comment" in English and may.
    po = catalog(lang)
    not_about_comments = PoFile(entries=[e for e in po.live() if "comment" not in e.msgid.lower()])
    found = [
        t for t in prose(not_about_comments) if NOT_THE_LOG.search(t.replace("feedback_url", ""))
    ]
    assert not found, found
    # Not a hole: the words are still caught where English has no "comment".
    assert NOT_THE_LOG.search("Envíe sus comentarios")


@pytest.mark.parametrize("lang", LANGS)
def test_feedback_status_names_the_outcome_log_in_the_readers_words(cli_env, lang: str) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run(
        [*selfhelp_cmd(), "--lang", lang, "feedback", "status"],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.lower().startswith(glossary()["the outcome log"][lang].lower() + ":"), first


# --- Catalan: the reader is addressed formally ----------------------------------

#: Second person singular (tu) addressing the reader: a negative imperative ("No
#: l'executis"), the present of common verbs, the possessives and pronouns. A
#: command the reader gives the program (a key, a button) is the imperative of tu
#: as Catalan software writes it ("Desa", "Surt") and is not matched.
TU = re.compile(
    r"\b(?:no (?:l'|n'|ho |la |el |els |les |en |hi |t'|et |te )?\w+(?:is|issis|essis)"
    r"|vols|pots|tens|saps|estàs|ets|fas|vas|has de|teu|teva|teus|teves|et|t'\w+|\w+-te)\b",
    re.IGNORECASE,
)


def test_catalan_never_addresses_the_reader_as_tu() -> None:
    found = [(m.group(0), t) for t in prose(catalog("ca")) for m in TU.finditer(t)]
    assert not found, found


@pytest.mark.parametrize(
    "slip",
    ["No l'executis; respondré jo", "Vols sortir?", "Ara pots continuar", "Desa el teu informe"],
)
def test_the_catalan_register_check_catches_the_slips(slip: str) -> None:
    assert TU.search(slip)


def test_the_catalan_register_check_lets_the_formal_and_commands_pass() -> None:
    for text in ("Voleu sortir de la guia?", "Premeu a per confirmar-la", "Desa l'informe"):
        assert not TU.search(text), text


# --- footer labels that say what the key does -------------------------------------


def footer(app) -> set[str]:  # type: ignore[no-untyped-def]
    """The labels the footer shows: shown bindings the screen allows now."""
    return {
        b.binding.description
        for b in app.screen.active_bindings.values()
        if b.binding.show and app.screen.check_action(b.binding.action, ()) is not False
    }


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("nb", {"Gi karakter", "Veiledningsliste", "Lagre rapport"}),
        ("ru", {"Оценить", "К списку", "Сохранить отчёт"}),
    ],
)
async def test_the_outcome_screens_footer_says_what_each_key_does(
    lang: str, labels: set[str]
) -> None:
    from selfhelp_tui.tui.app import SelfhelpApp

    from .tui_helpers import screen_name

    use_language(lang)
    library = load_library([Source(I18N, "fixtures")], mode=LoadMode(lang=lang))
    app = SelfhelpApp(library, save_report=lambda session: "/reports/r.md")  # as the CLI gives it
    async with app.run_test() as pilot:
        await pilot.press("enter", "1", "1", "enter", "1")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        shown = footer(app)
        assert labels <= shown, shown
        assert not {"Karakter", "Отчёт", "Список"} & shown  # the nouns readers found


# --- the Weblate set-up of docs/i18n.md ---------------------------------------------


def test_the_weblate_discovery_pattern_makes_one_component_per_guide() -> None:
    """The discovery add-on's regular expression, as docs/i18n.md gives it, finds
    every bundled translation; its file mask per guide has one `*` (Weblate's rule)."""
    doc = DOC.read_text(encoding="utf-8")
    pattern = re.search(r"against \| `([^`]+)` \|", doc)
    assert pattern, "no discovery regular expression in docs/i18n.md"
    regex = re.compile(pattern.group(1))
    language_filter = re.compile(re.search(r"Language filter \| `([^`]+)`", doc).group(1))  # type: ignore[union-attr]
    components: dict[str, set[str]] = {}
    files = sorted(BUNDLED.glob("*.po"))
    assert files
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        m = regex.fullmatch(rel)
        assert m, rel
        assert language_filter.fullmatch(m["language"]), rel
        mask = rel[: m.start("language")] + "*" + rel[m.end("language") :]
        assert mask.count("*") == 1 and mask == f"guides/{m['component']}.*.po"
        components.setdefault(m["component"], set()).add(m["language"])
        assert path.stem.split(".")[0] == m["component"]
    assert all(langs == set(LANGS) for langs in components.values()), components
    # Not a guide's translation: neither a guide nor a language.
    for other in (
        "guides/disk-full.yaml",
        "guides/a/b.nb.po",
        "src/selfhelp_tui/i18n/locale/nb.po",
    ):
        assert not regex.fullmatch(other)
