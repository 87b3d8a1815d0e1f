"""The language of the command line, chosen the documented way and run as a user
runs it: a subprocess with its own environment."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import AWAITING_TRANSLATION, BAD, BUNDLED, I18N, selfhelp_cmd


def run(
    *args: str, env: dict[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*selfhelp_cmd(), *args], capture_output=True, text=True, env=env, input=input, timeout=60
    )


def test_lang_nb_gives_the_bokmal_interface_and_the_bokmal_guide(cli_env) -> None:  # type: ignore[no-untyped-def]
    env = {**cli_env, "LANG": "nb_NO.UTF-8", "SELFHELP_GUIDES": str(I18N)}
    # Bare `selfhelp` without a terminal: the plain picker, then the walk.
    proc = run("--no-bundled", env=env, input="1\n1\n1\n\n1\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Skriveren skriver ikke ut  [printer]" in out  # the guide list, in Bokmål
    assert "Nummer eller id på veiledningen (avslutt for å gå ut) > " in out
    assert "Er skriveren slått på, og lyser displayet?" in out
    assert "  1) Ja, den er på" in out
    assert "[1-2, tilbake, avslutt] > " in out
    assert "[Enter/neste, tilbake, avslutt] > " in out
    assert "Avbryt jobbene som henger, med `cancel -a`, og skriv ut på nytt." in out
    assert out.rstrip().endswith("Resultat: Løst")
    help_text = run("--help", env=env).stdout
    assert help_text.startswith("bruk: selfhelp")
    assert "vis denne hjelpeteksten og avslutt" in help_text


def test_lang_option_beats_env_beats_config_beats_locale(cli_env, isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    config = isolated_env / "config" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("lang: hu\n", encoding="utf-8")
    base = {**cli_env, "LANG": "nb_NO.UTF-8"}
    args = ("run", "printer", "--no-bundled", "--guides", str(I18N), "--answers", "1,1,next,1")

    def outcome(*extra: str, env: dict[str, str]) -> str:
        proc = run(*extra, *args, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.rstrip().splitlines()[-1]

    assert outcome(env=base) == "Eredmény: Megoldva"  # the config file beats LANG
    assert outcome(env={**base, "SELFHELP_LANG": "ru"}) == "Итог: Решено"
    assert outcome("--lang", "es", env={**base, "SELFHELP_LANG": "ru"}) == "Resultado: Resuelto"
    config.write_text("other: 1\n", encoding="utf-8")
    assert outcome(env=base) == "Resultat: Løst"
    assert outcome(env={**base, "LC_ALL": "C"}) == "Outcome: Resolved"  # LC_ALL decides
    assert outcome(env={**base, "LC_MESSAGES": "ca_ES.UTF-8"}) == "Resultat: Resolt"


def test_lang_is_accepted_after_the_command_and_checked(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("list", "--no-bundled", "--guides", str(I18N), "--lang", "ru", env=cli_env)
    assert proc.stdout.split()[:4] == ["id", "тип", "название", "источник"]
    assert "Принтер не печатает" in proc.stdout
    bad = run("--lang", "xx!", "list", env=cli_env)
    assert bad.returncode == 2
    assert "'xx!' is not a language code (such as en, nb, hu)" in bad.stderr


def test_argparse_errors_are_translated(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("list", "--format", "xml", env={**cli_env, "LANG": "ru_RU.UTF-8"})
    assert proc.returncode == 2
    assert proc.stderr.startswith("использование: selfhelp list")
    assert "selfhelp list: ошибка: аргумент --format: недопустимый вариант: 'xml'" in proc.stderr


def test_validate_lang_names_translations_not_the_interface(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run("validate", "--lang", "nb", str(I18N), env=cli_env)
    assert proc.stderr.strip() == "2 files checked: 0 errors, 0 warnings"
    nb = run("--lang", "nb", "validate", str(I18N), env=cli_env)
    assert nb.stderr.strip() == "2 filer kontrollert: 0 feil, 0 advarsler"


def test_plain_mode_says_once_when_a_guide_is_not_translated(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run(
        "--lang",
        "hu",
        "run",
        "first-steps",
        "--no-bundled",
        "--guides",
        str(I18N),
        "--answers",
        "next,next,next",
        env=cli_env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("(Nincs lefordítva – eredeti nyelven (English))") == 1
    assert "== 1/3. lépés: Welcome ==" in proc.stdout
    assert proc.stdout.rstrip().endswith("Eredmény: Az oktatóanyag végére ért")


def test_pseudo_locale_marks_every_string_but_not_commands(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run(
        "--lang",
        "qps",
        "run",
        "printer",
        "--no-bundled",
        "--guides",
        str(I18N),
        "--answers",
        "1,1",
        env=cli_env,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("# [") and lines[0].endswith("]")
    assert "    lpstat -o" in lines  # the code block, exactly as written
    assert any("`lpstat -o`" in line and line.startswith("[") for line in lines)
    prose = [line for line in lines if not line.startswith("    ")]
    assert all("[" in line for line in prose), prose


def test_the_plain_picker_names_the_language_of_untranslated_guides(cli_env) -> None:  # type: ignore[no-untyped-def]
    env = {**cli_env, "LANG": "hu_HU.UTF-8"}
    proc = run("--no-bundled", "--guides", str(I18N), env=env, input="kilép\n")
    assert proc.returncode == 3
    assert "   1) A nyomtató nem nyomtat  [printer]" in proc.stdout
    assert "   2) First steps (English)  [first-steps]" in proc.stdout


#: The bundled guides with translation files, but for those whose rewrite the
#: translators have not caught up with yet.
TRANSLATED = sorted({p.name.split(".")[0] for p in BUNDLED.glob("*.*.po")} - AWAITING_TRANSLATION)


def test_translated_bundled_guides_are_fully_translated(cli_env) -> None:  # type: ignore[no-untyped-def]
    # Never vacuous: the tutorial every reader starts with is always translated, and
    # a guide waiting for its translators still has its translation files.
    assert "getting-started" in TRANSLATED
    # Every bundled guide into every reader's language, unless it waits (above).
    for guide in sorted({p.stem for p in BUNDLED.glob("*.yaml")} - AWAITING_TRANSLATION):
        for lang in ("nb", "hu", "es", "ru", "ca"):
            assert (BUNDLED / f"{guide}.{lang}.po").is_file(), f"{guide} has no {lang} translation"
    assert all(any(BUNDLED.glob(f"{guide}.*.po")) for guide in AWAITING_TRANSLATION)
    # The whole folder, so links between guides resolve.
    proc = run(
        "validate", "--format", "json", "--lang", "nb,hu,es,ru,ca", str(BUNDLED), env=cli_env
    )
    assert proc.returncode == 0, proc.stdout
    problems = [
        d
        for d in json.loads(proc.stdout)
        if Path(d["file"]).name.split(".")[0] in TRANSLATED and d["code"] != "run-probe"
    ]
    assert problems == []
    # A translation that is behind its source may lack entries, never hold wrong ones
    # (a node or string the guide no longer has): `i18n extract` keeps it in step.
    behind = [
        d
        for d in json.loads(proc.stdout)
        if Path(d["file"]).name.split(".")[0] in AWAITING_TRANSLATION and d["code"] != "run-probe"
    ]
    assert {d["code"] for d in behind} <= {"translation-missing", "translation-stale"}, behind


def test_lang_nb_shows_a_bundled_guide_in_bokmal(cli_env) -> None:  # type: ignore[no-untyped-def]
    env = {**cli_env, "LANG": "nb_NO.UTF-8"}
    answers = ",".join(["next"] * 7)
    proc = run("run", "getting-started", "--answers", answers, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "# Kom i gang med selfhelp"
    assert "== Trinn 1 av 7: Hva selfhelp er ==" in lines
    assert "Not translated" not in proc.stdout and "Ikke oversatt" not in proc.stdout
    assert lines[-1] == "Resultat: Opplæringen er fullført"
    listing = run("list", env=env).stdout
    assert "Disken er full (No space left on device)" in listing


def test_writers_tools_work_on_the_source_not_the_readers_translation(cli_env) -> None:  # type: ignore[no-untyped-def]
    env = {**cli_env, "LANG": "nb_NO.UTF-8"}
    graph = run("graph", "disk-full", env=env)
    assert graph.returncode == 0, graph.stderr
    assert "Yes, large deleted files are still open" in graph.stdout
    assert "Ja, store slettede filer er fortsatt åpne" not in graph.stdout
    # Labels in answers; the guide it links to comes along so its links resolve.
    linked = [BUNDLED / "disk-full.yaml", BUNDLED / "service-wont-start.yaml"]
    tests = run("test", *map(str, linked), env=env)
    assert tests.returncode == 0, tests.stdout
    count = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["tests"]) for p in linked)
    assert tests.stdout.rstrip().endswith(f"{count} bestått, 0 feilet")


@pytest.mark.parametrize(
    "lang,phrase",
    [("nb", "er ikke en node"), ("ru", "'chek-again'"), ("hu", "'chek-again'"),
     ("es", "'chek-again'"), ("ca", "'chek-again'")],
)  # fmt: skip
def test_validate_speaks_the_readers_language_and_keeps_codes(
    cli_env, lang: str, phrase: str
) -> None:  # type: ignore[no-untyped-def]
    out = run("--lang", lang, "validate", str(BAD / "bad-next.yaml"), env=cli_env).stdout
    english = run("validate", str(BAD / "bad-next.yaml"), env=cli_env).stdout
    assert phrase in out and "[unknown-node]" in out
    assert ":19:15: error: " in out  # the machine-readable frame stays as it is
    assert "is not a node of this guide" in english
    assert "is not a node of this guide" not in out


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "bundled"), ("nb", "innebygd"), ("ru", "встроенное")]
)
def test_the_list_names_where_a_guide_comes_from_in_the_readers_language(
    cli_env, lang: str, label: str
) -> None:  # type: ignore[no-untyped-def]
    proc = run("--lang", lang, "list", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("disk-full "))
    assert line.rstrip().endswith(label)
    listed = run("--lang", lang, "list", "--format", "json", env=cli_env)
    assert '"source": "bundled"' in listed.stdout  # for tools, the value itself
