"""The core must never import Textual: plain mode, validate and the CLI commands
run without it (faster, and on terminals Textual cannot drive)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "selfhelp_tui",
    "selfhelp_tui.guides",
    "selfhelp_tui.guides.library",
    "selfhelp_tui.engine",
    "selfhelp_tui.probes",
    "selfhelp_tui.probes.redact",
    "selfhelp_tui.resume",
    "selfhelp_tui.engine.report",
    "selfhelp_tui.plain",
    "selfhelp_tui.cli",
    "selfhelp_tui.cli.cmd_validate",
    "selfhelp_tui.cli.cmd_list",
    "selfhelp_tui.cli.cmd_run",
    "selfhelp_tui.cli.cmd_i18n",
    "selfhelp_tui.cli.language",
    "selfhelp_tui.i18n",
    "selfhelp_tui.i18n.catalog",
    "selfhelp_tui.i18n.extract",
    "selfhelp_tui.i18n.fmt",
    "selfhelp_tui.guides.translate",
    "selfhelp_tui.cli.cmd_test",
    "selfhelp_tui.cli.cmd_paths",
    "selfhelp_tui.cli.cmd_graph",
    "selfhelp_tui.cli.cmd_schema",
    "selfhelp_tui.engine.testing",
    "selfhelp_tui.cli.cmd_feedback",
    "selfhelp_tui.feedback.store",
    "selfhelp_tui.feedback.upload",
    "selfhelp_tui.feedback.report",
    "selfhelp_tui.feedback.export",
    "selfhelp_tui.feedback.observer",
    "selfhelp_tui.guides.graph",
    "selfhelp_tui.guides.search",
    "selfhelp_tui.cli.cmd_search",
    "selfhelp_tui.cli.cmd_serve",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_validate_and_plain_walk_do_not_import_textual(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import LIBRARY

    code = (
        "import sys\n"
        "from selfhelp_tui.cli import main\n"
        f"main(['validate', {str(LIBRARY)!r}])\n"
        f"main(['run', 'first-steps', '--no-bundled', '--guides', {str(LIBRARY)!r}, "
        "'--answers', 'next,next,next'])\n"
        "print('TEXTUAL-LOADED' if 'textual' in sys.modules else 'TEXTUAL-ABSENT')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "TEXTUAL-ABSENT"


#: Modules a plain `run --answers` walk must not import. Each was measured on its
#: start-up (docs/performance.md, issue 8: plain mode within 2x `import yaml`):
#: dataclasses with inspect ~8 ms (the core uses `selfhelp_tui.record`), typing ~3 ms
#: (annotations are strings; typing names only under TYPE_CHECKING), hashlib ~3 ms,
#: uuid with platform ~2 ms, shutil ~2.5 ms (argparse's terminal width), and the
#: command modules of every other command. The first run, which fills the caches
#: (writing them imports tempfile, so shutil), may import more than the runs after it.
NEVER_ON_THE_PLAIN_PATH = {
    "textual",
    "dataclasses",
    "inspect",
    "typing",
    "hashlib",
    "uuid",
    "selfhelp_tui.cli.cmd_validate",
    "selfhelp_tui.cli.cmd_feedback",
}
#: A guide without checks needs no probe registry (~1.4 ms); a guide opened before
#: comes from the cache, neither read as YAML nor checked again.
NOT_ON_THE_WARM_PLAIN_PATH = NEVER_ON_THE_PLAIN_PATH | {
    "shutil",
    "selfhelp_tui.guides.translate",
    "selfhelp_tui.probes",
    "yaml",
    "selfhelp_tui.guides.yamlsrc",
    "selfhelp_tui.guides.loader",
}


def test_a_plain_walk_imports_only_what_it_needs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import LIBRARY

    code = (
        "import sys\n"
        "from selfhelp_tui.cli import main\n"
        f"main(['--data-dir', {str(tmp_path)!r}, 'run', 'first-steps', '--no-bundled', "
        f"'--guides', {str(LIBRARY)!r}, '--answers', 'next,next,next'])\n"
        "print('LOADED', *sorted(sys.modules))\n"
    )
    for unwanted in (NEVER_ON_THE_PLAIN_PATH, NOT_ON_THE_WARM_PLAIN_PATH):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        loaded = set(out.stdout.strip().splitlines()[-1].split()[1:])
        assert "selfhelp_tui.engine.walk" in loaded  # the walk did happen
        assert not loaded & unwanted
