"""Who receives which records (issue 21, item 5): a guide folder's `feedback_url`
receives only the records of that folder's own guides, and only when the user's
config allows it; the bundled guides' records go only where the user says.
Folders given with `--guides` and with `SELFHELP_GUIDES` behave the same.

Everything runs as a user would: real walks (plain mode, the reader closing the
input, which ends the walk as abandoned), `feedback status` and `feedback upload`
as subprocesses, real local servers.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pytest

from selfhelp_tui.feedback.endpoints import plan, source_tag
from selfhelp_tui.paths import resolve_dirs

from .conftest import BUNDLED, LIBRARY, selfhelp_cmd
from .feedback_server import FaultyServer


def guide_ids(server: FaultyServer) -> list[str]:
    """The guide of every record the server received, in order."""
    out = []
    for request in server.requests:
        body = gzip.decompress(request["body"]).decode()
        out += [json.loads(line)["guide_id"] for line in body.splitlines() if line]
    return sorted(out)


def make_pack(where: Path, url: str, *guides: Path) -> Path:
    where.mkdir()
    for guide in guides:
        (where / guide.name).write_bytes(guide.read_bytes())
    (where / "selfhelp.yaml").write_text(f"feedback_url: {url}\n")
    return where


def configure(data: Path, text: str) -> None:
    (data / "config").mkdir(parents=True, exist_ok=True)
    (data / "config" / "config.yaml").write_text(text)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*selfhelp_cmd(), *args], input="", capture_output=True, text=True,
                          env=env, timeout=120)  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def walk(env: dict[str, str], guide: str, *folders: str) -> None:
    """A reader opens the guide and leaves at once (closed input): one record."""
    args = [a for folder in folders for a in ("--guides", folder)]
    proc = run(env, "run", guide, "--plain", *args)
    assert proc.returncode == 3, proc.stderr  # unfinished: abandoned


def test_a_folder_endpoint_needs_the_users_permission(
    tmp_path: Path, cli_env, isolated_env
) -> None:  # type: ignore[no-untyped-def]
    with FaultyServer() as pack_server:
        pack = make_pack(tmp_path / "pack", pack_server.url, LIBRARY / "printer.yaml")
        walk(cli_env, "printer", str(pack))
        walk(cli_env, "disk-full", str(pack))
        status = run(cli_env, "feedback", "status", "--guides", str(pack))
        assert f"Not used: {pack}/selfhelp.yaml names {pack_server.url}" in status.stdout
        assert "feedback_folders" in status.stdout
        assert "Endpoint: none configured" in status.stdout
        up = run(cli_env, "feedback", "upload", "--guides", str(pack))
    assert up.returncode == 2 and "no endpoint" in up.stderr
    assert pack_server.requests == []  # the folder's own records did not go either


@pytest.mark.parametrize("given", ["--guides", "SELFHELP_GUIDES"])
def test_an_allowed_folder_receives_only_its_own_guides_records(
    tmp_path: Path, cli_env, isolated_env: Path, given: str
) -> None:  # type: ignore[no-untyped-def]
    with FaultyServer() as pack_server, FaultyServer() as mine:
        pack = make_pack(tmp_path / "pack", pack_server.url, LIBRARY / "printer.yaml")
        configure(isolated_env, f"feedback_url: {mine.url}\nfeedback_folders: [{pack}]\n")
        env, folders = dict(cli_env), [str(pack)]
        if given == "SELFHELP_GUIDES":
            env["SELFHELP_GUIDES"], folders = str(pack), []
        walk(env, "printer", *folders)
        walk(env, "disk-full", *folders)
        walk(env, "ssh-connection", *folders)
        extra = [a for f in folders for a in ("--guides", f)]
        status = run(env, "feedback", "status", *extra).stdout
        assert (
            f"Endpoint for the guides of {pack}: {pack_server.url} ({pack}/selfhelp.yaml), 1 pending"
            in status
        )
        assert f"Endpoint: {mine.url} (config file), 2 pending" in status
        up = run(env, "feedback", "upload", *extra)
    assert up.returncode == 0, up.stderr
    assert "Delivered 3, rejected 0, still pending 0." in up.stdout
    assert guide_ids(pack_server) == ["printer"]
    assert guide_ids(mine) == ["disk-full", "ssh-connection"]


def test_a_folder_that_reuses_a_bundled_guides_id_gets_only_its_own_walks(
    tmp_path: Path, cli_env, isolated_env: Path
) -> None:  # type: ignore[no-untyped-def]
    with FaultyServer() as pack_server:
        pack = make_pack(tmp_path / "pack", pack_server.url, BUNDLED / "disk-full.yaml")
        # The folder may replace the bundled guide only because the config says so.
        configure(isolated_env, "feedback_folders: true\noverride_bundled: [disk-full]\n")
        walk(cli_env, "disk-full")  # the bundled guide
        walk(cli_env, "disk-full", str(pack))  # the folder's, same id
        up = run(cli_env, "feedback", "upload", "--guides", str(pack))
    assert up.returncode == 0, up.stderr
    assert "Delivered 1, rejected 0, still pending 1." in up.stdout
    assert "1 records are for no endpoint here" in up.stderr
    assert guide_ids(pack_server) == ["disk-full"] and len(pack_server.requests) == 1


def test_upload_url_is_the_users_endpoint_not_the_folders(
    tmp_path: Path, cli_env, isolated_env: Path
) -> None:  # type: ignore[no-untyped-def]
    """`--url` stands for the user's endpoint; an allowed folder still gets its own."""
    with FaultyServer() as pack_server, FaultyServer() as given:
        pack = make_pack(tmp_path / "pack", pack_server.url, LIBRARY / "printer.yaml")
        configure(isolated_env, f"feedback_folders: [{tmp_path}]\n")  # a parent folder
        walk(cli_env, "printer", str(pack))
        walk(cli_env, "getting-started", str(pack))
        up = run(cli_env, "feedback", "upload", "--guides", str(pack), "--url", given.url)
    assert up.returncode == 0, up.stderr
    assert guide_ids(pack_server) == ["printer"] and guide_ids(given) == ["getting-started"]


def test_plan_reads_the_permission_as_documented(tmp_path: Path) -> None:
    from selfhelp_tui.guides.library import Source

    dirs = resolve_dirs(str(tmp_path / "data"))
    folders = []
    for name in ("a", "b"):
        folder = tmp_path / "packs" / name
        folder.mkdir(parents=True)
        (folder / "selfhelp.yaml").write_text(f"feedback_url: https://{name}.example/in\n")
        folders.append(Source(folder, str(folder)))
    for setting, allowed in (
        ("", []),
        ("feedback_folders: false\n", []),
        ("feedback_folders: yes-please\n", []),
        ("feedback_folders: true\n", ["a", "b"]),
        (f"feedback_folders: [{tmp_path / 'packs' / 'b'}]\n", ["b"]),
        (f"feedback_folders: [{tmp_path / 'packs'}]\n", ["a", "b"]),
    ):
        configure(tmp_path / "data", setting)
        got = plan(dirs, folders)
        assert [e.url for e in got.endpoints] == [f"https://{n}.example/in" for n in allowed]
        assert len(got.refused) == 2 - len(allowed)
        for endpoint, name in zip(got.endpoints, allowed, strict=True):
            assert endpoint.route.only == (source_tag(str(tmp_path / "packs" / name)),)
    assert got.user is None


def test_a_guides_record_is_tagged_with_its_folder_never_in_the_record(
    tmp_path: Path, cli_env, isolated_env: Path
) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    walk(cli_env, "printer", str(LIBRARY))
    walk(cli_env, "disk-full")
    with sqlite3.connect(isolated_env / "outcomes.sqlite3") as con:
        rows = dict(con.execute("SELECT json_extract(body, '$.guide_id'), source FROM records"))
        bodies = [b for (b,) in con.execute("SELECT body FROM records")]
    assert rows == {"printer": source_tag(str(LIBRARY)), "disk-full": "bundled"}
    assert all(str(LIBRARY) not in body and "folder:" not in body for body in bodies)
    shown = run(cli_env, "feedback", "show").stdout
    assert "folder:" not in shown and "bundled" not in shown
