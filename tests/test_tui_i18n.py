"""The TUI in the reader's language, driven with the Pilot: translated screens,
key descriptions that follow the installed language whatever the import order,
and the fallback notice."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from textual.widgets import OptionList, Static

from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Library, LoadMode, Source
from selfhelp_tui.guides.translate import read_translation
from selfhelp_tui.i18n import use_language
from selfhelp_tui.i18n.po import format_po

from .conftest import I18N
from .tui_helpers import make_app, screen_name


def library(lang: str, folder: Path = I18N) -> Library:
    lib = load_library([Source(folder, "fixtures")], mode=LoadMode(lang=lang))
    return lib


def descriptions(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {b.binding.description for b in app.screen.active_bindings.values()}


async def test_russian_screens_keys_and_guide() -> None:
    use_language("ru")
    app = make_app(library("ru"))
    async with app.run_test() as pilot:
        assert {"Выход", "палитра"} <= descriptions(app)
        options = app.screen.query_one("#guide-list", OptionList)
        assert str(options.get_option_at_index(0).prompt).startswith("Принтер не печатает")
        await pilot.press("enter", "1")
        assert str(app.screen.query_one("#where", Static).render()) == "Шаг 2"
        assert {"Выбрать", "Назад", "Начать заново", "Выход"} <= descriptions(app)
        await pilot.press("1", "enter", "1")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        assert str(app.screen.query_one("#outcome-title", Static).render()) == "Решено"
        assert "К списку" in descriptions(app)


async def test_the_same_classes_speak_english_again_after_another_language() -> None:
    use_language("hu")
    app = make_app(library("hu"))
    async with app.run_test():
        assert "Kilépés" in descriptions(app)
    use_language("en")
    app = make_app(library("en"))
    async with app.run_test():
        assert "Quit" in descriptions(app) and "Kilépés" not in descriptions(app)


async def test_an_untranslated_guide_says_so_discreetly() -> None:
    use_language("hu")
    app = make_app(library("hu"))
    async with app.run_test() as pilot:
        options = app.screen.query_one("#guide-list", OptionList)
        tutorial = str(options.get_option_at_index(1).prompt)
        assert tutorial.startswith("First steps  (oktatóanyag · English)")
        await pilot.press("down", "enter")
        where = str(app.screen.query_one("#where", Static).render())
        assert where == "1/3. lépés  ·  Nincs lefordítva – eredeti nyelven (English)"
        await pilot.press("escape", "up", "enter")
        assert str(app.screen.query_one("#where", Static).render()) == "1. lépés"


def test_installing_the_language_before_importing_the_tui_works_too() -> None:
    """In a fresh interpreter the TUI modules are imported after the language is
    installed (as `selfhelp` does); their N_() msgids stay English underneath."""
    code = textwrap.dedent(
        f"""
        import asyncio
        from selfhelp_tui.i18n import use_language
        use_language("ru")
        from selfhelp_tui.guides import load_library
        from pathlib import Path
        from selfhelp_tui.guides.library import LoadMode, Source
        from selfhelp_tui.tui.app import SelfhelpApp

        async def keys():
            app = SelfhelpApp(load_library([Source(Path({str(I18N)!r}), "f")]))
            async with app.run_test():
                return sorted(b.binding.description for b in app.screen.active_bindings.values())

        print(asyncio.run(keys()))
        use_language("en")
        print(asyncio.run(keys()))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    russian, english = out.stdout.strip().splitlines()
    assert "'Выход'" in russian and "'Quit'" not in russian
    assert "'Quit'" in english and "'Выход'" not in english


async def test_an_untranslated_outcome_says_so_and_a_finished_tutorial_does_not(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "guides"
    shutil.copytree(I18N, folder)
    po = read_translation(folder / "printer.hu.po")
    entry = po.find("call-support/text")
    assert entry is not None
    entry.msgstr = ""
    (folder / "printer.hu.po").write_text(format_po(po), encoding="utf-8")
    use_language("hu")
    app = make_app(library("hu", folder))
    async with app.run_test() as pilot:
        await pilot.press("enter", "1", "2")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        notice = app.screen.query_one("#where", Static)
        assert str(notice.render()) == "Nincs lefordítva – eredeti nyelven (English)"
    app = make_app(library("hu"), start_guide="first-steps")
    async with app.run_test() as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        assert not app.screen.query("#where")  # no text, so nothing to excuse
