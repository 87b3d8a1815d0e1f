"""Every frontend over the whole bad-guide corpus: nothing crashes, the rest loads."""

from __future__ import annotations

import re

import pytest

from selfhelp_tui.cli import main
from selfhelp_tui.guides import load_library
from selfhelp_tui.guides.library import Source

from .conftest import BAD, LIBRARY
from .tui_helpers import make_app, screen_name

IDS = sorted(
    {
        m.group(1)
        for p in BAD.glob("*.yaml")
        for m in [re.search(rb"^id: (\S+)", p.read_bytes(), re.M)]
        if m
    }
    - {b"first", b"second"}
)


def test_app_lists_the_good_and_reports_the_broken() -> None:
    library = load_library([Source(LIBRARY, "lib"), Source(BAD, "bad")])
    app = make_app(library)

    async def run() -> None:
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            failures = str(app.screen.query_one("#failures").render())
            assert f"{len(library.failures)} guides could not be loaded" in failures
            for guide_id in sorted(library.guides):
                app.open_guide(guide_id)
                await pilot.pause()
                assert screen_name(app) == "WalkScreen"
                await pilot.press("1", "1", "backspace", "r", "escape", "escape")
                await pilot.pause()
                while screen_name(app) != "HomeScreen":
                    app.pop_screen()
                    await pilot.pause()

    import asyncio

    asyncio.run(run())


@pytest.mark.parametrize("guide_id", [i.decode() for i in IDS])
def test_plain_mode_never_crashes_on_a_corpus_guide(guide_id: str, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["run", guide_id, "--no-bundled", "--guides", str(BAD), "--answers", "1,next,1,1"])
    out = capsys.readouterr()
    assert code in (0, 2, 3)
    assert "Traceback" not in out.out + out.err
    if code == 2:
        assert "could not be loaded" in out.err or "no guide" in out.err


def test_validate_over_the_corpus_exits_1_and_names_every_file(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", str(BAD)]) == 1
    out = capsys.readouterr().out
    named = {line.split(":", 1)[0].rsplit("/", 1)[-1] for line in out.splitlines()}
    assert named == {p.name for p in BAD.glob("*.yaml")}
