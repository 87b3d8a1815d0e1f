"""Trusted folders: full paths only, and never one that someone else can change.

Real folders with real permissions (chmod; chown where the tests run as root), and
the CLI as a subprocess: whether plain mode offers the guide's command is what the
reader would see.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from selfhelp_tui.trust import Verdict, configured_folders, folder_notices, guide_verdict

from .conftest import selfhelp_cmd
from .test_technician import write_site_guide

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
OFFERED = "Run this command?"


def set_config(cli_env: dict[str, str], **values: object) -> None:
    config = Path(cli_env["SELFHELP_DATA_DIR"]) / "config" / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(values))


def walk(folder: Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`selfhelp run site` in plain mode, declining the command if it is offered."""
    return subprocess.run(
        [*selfhelp_cmd(), "--no-bundled", "--guides", str(folder), "run", "site", "--plain"],
        cwd=cwd,
        env=env,
        input="n\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def site_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "work" / "guides"
    (tmp_path / "marker").write_text("here")  # the first check passes: on to the command
    write_site_guide(folder, tmp_path / "marker")
    os.chmod(folder, 0o755)
    os.chmod(folder / "site.yaml", 0o644)
    return folder


def test_a_relative_trusted_folder_is_refused_not_resolved_against_the_cwd(
    site_folder: Path, cli_env: dict[str, str]
) -> None:
    # The working directory holds a `guides/`: a relative entry must not make it trusted.
    set_config(cli_env, trusted_folders=["guides"])
    proc = walk(Path("guides"), site_folder.parent, cli_env)
    assert OFFERED not in proc.stdout, proc.stdout
    assert "'guides' is a relative path" in proc.stderr
    assert "not trusted. Write the full path." in proc.stderr
    # The full path is trusted.
    set_config(cli_env, trusted_folders=[str(site_folder)])
    proc = walk(site_folder, site_folder.parent, cli_env)
    assert OFFERED in proc.stdout and proc.stderr.strip() == "", proc.stderr


@posix
@pytest.mark.parametrize(
    ("what", "mode", "why"),
    [
        ("folder", 0o775, "is writable by its group"),
        ("folder", 0o757, "is writable by every user"),
        ("file", 0o664, "is writable by its group"),
        ("file", 0o646, "is writable by every user"),
    ],
)
def test_a_trusted_folder_or_guide_that_others_can_change_is_not_trusted(
    site_folder: Path, cli_env: dict[str, str], what: str, mode: int, why: str
) -> None:
    set_config(cli_env, trusted_folders=[str(site_folder)])
    target = site_folder if what == "folder" else site_folder / "site.yaml"
    os.chmod(target, mode)
    proc = walk(site_folder, site_folder.parent, cli_env)
    assert OFFERED not in proc.stdout, proc.stdout
    assert f"not trusted: {target} {why}" in proc.stdout  # said where the check is
    if what == "folder":  # and at start, for the folder listed in the config
        assert f"trusted folder {site_folder} is not trusted: {target} {why}" in proc.stderr
    os.chmod(target, 0o755 if what == "folder" else 0o644)
    assert OFFERED in walk(site_folder, site_folder.parent, cli_env).stdout


@posix
def test_a_folder_above_that_others_can_write_is_not_trusted_unless_sticky(
    site_folder: Path,
) -> None:
    above = site_folder.parent
    os.chmod(above, 0o777)
    verdict = guide_verdict(site_folder / "site.yaml", [site_folder])
    assert not verdict and f"{above} is writable by every user" in (verdict.reason or "")
    os.chmod(above, 0o1777)  # as /tmp: others cannot replace what is not theirs
    assert guide_verdict(site_folder / "site.yaml", [site_folder])
    # A subfolder of the trusted folder is held to the folder's own standard.
    sub = site_folder / "more"
    sub.mkdir()
    (sub / "g.yaml").write_text("x")
    os.chmod(sub, 0o1777)
    verdict = guide_verdict(sub / "g.yaml", [site_folder])
    assert not verdict and f"{sub} is writable by every user" in (verdict.reason or "")


@posix
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_guide_owned_by_another_user_is_not_trusted(site_folder: Path) -> None:
    guide = site_folder / "site.yaml"
    os.chown(guide, 54321, 54321)
    verdict = guide_verdict(guide, [site_folder])
    assert not verdict and f"{guide} belongs to another user (uid 54321)" in (verdict.reason or "")
    os.chown(guide, 0, 0)  # root's own files are trusted as the user's are
    assert guide_verdict(guide, [site_folder])


def test_malformed_entries_are_said_and_ignored(tmp_path: Path) -> None:
    folders, problems = configured_folders(
        {"trusted_folders": ["rel/dir", 7, "", str(tmp_path), "~/guides"]}
    )
    assert folders == [tmp_path, Path("~/guides").expanduser()]
    assert len(problems) == 3 and "'rel/dir' is a relative path" in problems[0]
    assert configured_folders({"trusted_folders": {"a": 1}})[0] == []
    assert folder_notices({"trusted_folders": [str(tmp_path / "not-mounted")]}) == []
    assert not guide_verdict(tmp_path / "elsewhere.yaml", [tmp_path / "other"])
    assert isinstance(guide_verdict(None, []), Verdict)
