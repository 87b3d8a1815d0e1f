"""Each hand-made speed trick, measured on and off in the same run.

A trick stays only while it buys at least 5 ms or 5% of the figure it was made for
(docs/performance.md lists them). "Off" runs the same command with the trick
patched out before selfhelp starts; "on" runs it through the same wrapper unpatched,
so the two differ by the trick alone. Both in turns, as the floors are.
"""

from __future__ import annotations

from pathlib import Path

from .timing import PY, Row, paired

#: Runs selfhelp's `main` after an optional patch (the trick turned off).
WRAP = """
import sys
{patch}
from selfhelp_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""

#: name -> (what it was made for, the patch that turns it off)
PATCHES = {
    "collector paused while the library is read": (
        "validate",
        "import gc, types\n"
        "import selfhelp_tui.guides.library as l\n"
        "l.gc = types.SimpleNamespace(isenabled=gc.isenabled, disable=lambda: None, "
        "enable=gc.enable)",
    ),
    "compiled interface catalogs (marshal)": (
        "plain walk",
        "import selfhelp_tui.i18n.catalog as c\n"
        "_load = c.load_compiled\n"
        "c.load_compiled = lambda code, cache=None: _load(code, None)",
    ),
    "guide kept as last opened (pickle)": (
        "plain walk",
        "import selfhelp_tui.guides.cache as c\n"
        "c.OpenedCache.get = lambda self, guide_id, key: None\n"
        "c.OpenedCache.put = lambda self, guide_id, key, guide: None",
    ),
    "lean YAML tag resolver": (
        "validate",
        "import selfhelp_tui.guides.yamlsrc as y\ny._Loader.resolve = y._SafeLoader.resolve",
    ),
    "library cache (pickle)": (
        "plain walk",
        "import selfhelp_tui.guides.cache as c\n"
        "c.LibraryCache.load_library = lambda self, files, lib: False\n"
        "c.LibraryCache.save_library = lambda self, files, lib: None\n"
        "c.LibraryCache.entries = lambda self, jobs, now, read: read(list(jobs))",
    ),
}


def measure(
    work: Path,
    lib: Path,
    walk_id: str,
    script: list[str],
    repeat: int,
    env: dict[str, str],
) -> list[Row]:
    data = work / "tricks"
    walk = [
        "--data-dir", str(data), "run", walk_id, "--no-bundled", "--guides", str(lib),
        "--answers", ",".join(script),
    ]  # fmt: skip
    figures = {
        "plain walk": walk,
        "validate": ["--data-dir", str(data), "validate", str(lib)],
    }
    rows = []
    for name, (figure, patch) in PATCHES.items():
        argv = figures[figure]
        # Without the library cache a walk reads every guide: fewer runs will do.
        quick = figure == "plain walk" and name != "library cache (pickle)"
        runs = 3 * repeat if quick else repeat
        on, off = paired(
            [PY, "-c", WRAP.format(patch=""), *argv],
            [PY, "-c", WRAP.format(patch=patch), *argv],
            runs,
            env,
            floor_env=env,
        )
        gain = (off.wall - on.wall) * 1000
        share = gain / (on.wall * 1000)
        rows.append(
            Row(
                f"trick: {name}",
                gain,
                "ms",
                None,
                "keep if it buys >= 5 ms or 5%",
                gain >= 5 or share >= 0.05,
                f"{figure}: on {on.wall * 1000:.0f} ms, off {off.wall * 1000:.0f} ms "
                f"({share:+.0%})",
            )
        )
    rows.append(_msgspec_row(repeat, env))
    return rows


def _msgspec_row(repeat: int, env: dict[str, str]) -> Row:
    """What msgspec.Struct in place of record.py would add to every start: its
    import (it brings typing, inspect, uuid and decimal with it)."""
    try:
        import msgspec  # noqa: F401
    except ImportError:
        return Row("trick: record.py instead of msgspec.Struct", None, "ms", note="no msgspec")
    ours, theirs = paired(
        [PY, "-c", "import selfhelp_tui.record"], [PY, "-c", "import msgspec"], 3 * repeat, env
    )
    gain = (theirs.wall - ours.wall) * 1000
    return Row(
        "trick: record.py instead of msgspec.Struct",
        gain,
        "ms",
        None,
        "keep if it buys >= 5 ms or 5%",
        gain >= 5,
        f"start-up import: record.py {ours.wall * 1000:.0f} ms, "
        f"msgspec {theirs.wall * 1000:.0f} ms (whole process)",
    )
