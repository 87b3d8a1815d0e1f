"""The outcome log under real faults (issue 21): a full disk, a read-only file
system and a database damaged in its middle pages, each met by a real walk (plain
mode, answers typed on stdin as a reader would) and by every `feedback` command,
all as subprocesses. Nothing crashes, the log is never moved aside for what is not
damage, and the exact number of records kept is checked every time.

The faults are real: a small tmpfs filled up, a read-only bind mount, bytes of a
real database file overwritten. Mounting needs root; where it is not permitted the
mount tests skip with the reason, and the fallback tests make the same faults
without a mount (RLIMIT_FSIZE, file permissions).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from selfhelp_tui.feedback.store import Store

from .conftest import LIBRARY, selfhelp_cmd
from .feedback_server import FaultyServer
from .test_feedback import fake_record

DB = "outcomes.sqlite3"


# --- real mounts -----------------------------------------------------------------


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


def _umount(where: Path) -> None:
    for _ in range(50):
        if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)  # a subprocess may still hold a file open


def _cannot_mount(why: subprocess.CompletedProcess[str] | None) -> None:
    reason = why.stderr.strip() if why is not None else "not root"
    pytest.skip(f"cannot mount here ({reason}); the fallback tests make the same fault")


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs: a disk that really fills up."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0:
        _cannot_mount(None)
    proc = _mount("-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(where))
    if proc.returncode != 0:
        _cannot_mount(proc)
    try:
        yield where
    finally:
        _umount(where)


@pytest.fixture
def bind_mount(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(source, mount): a bind mount that `make_read_only` remounts read-only."""
    source, where = tmp_path / "source", tmp_path / "mounted"
    source.mkdir()
    where.mkdir()
    if os.geteuid() != 0:
        _cannot_mount(None)
    proc = _mount("--bind", str(source), str(where))
    if proc.returncode != 0:
        _cannot_mount(proc)
    try:
        yield source, where
    finally:
        _umount(where)


def make_read_only(where: Path) -> None:
    proc = _mount("-o", "remount,bind,ro", str(where))
    assert proc.returncode == 0, proc.stderr


def fill_up(disk: Path) -> Path:
    """Write a file until the disk is full; return it (delete it to free space)."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    for n in range(10_000):  # and the last blocks, a byte at a time
        try:
            (disk / f"crumb{n}").write_bytes(b"x")
        except OSError:
            break
    assert os.statvfs(disk).f_bavail == 0
    return filler


# --- the reader's walk and the commands ------------------------------------------


def env_for(data: Path, cli_env: dict[str, str], **extra: str) -> dict[str, str]:
    return {**cli_env, "SELFHELP_DATA_DIR": str(data), **extra}


#: Put before every selfhelp command: the test of permission faults runs them without
#: the capability that lets root ignore file permissions (see `unprivileged`).
AS_READER: list[str] = []


def walk(env: dict[str, str], preexec=None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """A reader walks `printer` in plain mode, typing 1 and 2 (to call-support)."""
    proc = subprocess.run(
        [*AS_READER, *selfhelp_cmd(), "run", "printer", "--plain", "--no-bundled", "--guides", str(LIBRARY)],
        input="1\n2\n", capture_output=True, text=True, env=env, timeout=120,
        preexec_fn=preexec,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    return proc


def feedback(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*AS_READER, *selfhelp_cmd(), "feedback", *args], capture_output=True, text=True,
                          env=env, timeout=120)  # fmt: skip
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def shown(env: dict[str, str]) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in feedback(env, "show").stdout.splitlines()]


def status_line(env: dict[str, str], start: str) -> str:
    out = feedback(env, "status").stdout
    return next(line for line in out.splitlines() if line.startswith(start))


def seed(data: Path, n: int) -> list[str]:
    """n pending records, written by the store as walks would."""
    store = Store(data / DB)
    ids = []
    for i in range(n):
        rec = fake_record(i)
        assert store.put(rec, source="bundled")
        ids.append(rec["record_id"])
    store.close()
    return ids


def asides(folder: Path) -> list[str]:
    """Logs set aside (a damaged one keeps its WAL beside it: part of the same copy)."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if (".corrupt" in p.name or ".damaged" in p.name) and not p.name.endswith(("-wal", "-shm"))
    )


def check_every_command(env: dict[str, str], kept: int, outside: Path, writable: bool) -> None:
    """status, show, export, report and upload on the log as it is: no traceback,
    and exactly `kept` records in each."""
    assert status_line(env, "Pending:").startswith(f"Pending: {kept} records")
    assert len(shown(env)) == kept
    target = outside / "export.ndjson"
    feedback(env, "export", str(target))
    assert len(target.read_text().splitlines()) == kept
    report = json.loads(feedback(env, "report", "--format", "json", "--min-count", "1").stdout)
    assert report["records"] == kept
    with FaultyServer() as server:
        up = feedback(env, "upload", "--url", server.url, ok=False)
        assert sum(server.received.values()) == kept  # every record went, once
    if writable:
        assert up.returncode == 0, up.stderr
        assert f"Delivered {kept}, rejected 0, still pending 0." in up.stdout
    else:  # sent, but nothing can mark them sent: they stay pending, and it says why
        assert up.returncode == 1 and "could not be updated" in up.stderr
        assert f"still pending {kept}." in up.stdout


# --- a full disk ----------------------------------------------------------------------


def test_a_full_disk_keeps_the_log_drops_only_the_new_records_and_counts_them(
    small_tmpfs: Path, cli_env, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    data = small_tmpfs / "data"
    env = env_for(data, cli_env)
    ids = seed(data, 20)
    walk(env)  # a real walk first, while there is room
    filler = fill_up(small_tmpfs)
    for _ in range(3):
        proc = walk(env)
        assert "could not be saved (the disk is full); it was dropped" in proc.stderr
    # The log is the same log: nothing moved aside, the 21 records all there.
    assert asides(data) == []
    assert status_line(env, "Dropped:") == "Dropped: 3 (unwritten)"  # counted, in another process
    assert {r["record_id"] for r in shown(env)} >= set(ids)
    check_every_command(env, 21, tmp_path, writable=False)
    # Space again: the next walk is written, the drops are still counted.
    filler.unlink()
    walk(env)
    assert status_line(env, "Pending:").startswith("Pending: 22 records")
    assert status_line(env, "Dropped:") == "Dropped: 3 (unwritten)"
    with FaultyServer() as server:
        up = feedback(env, "upload", "--url", server.url)
    assert "Delivered 22, rejected 0, still pending 0." in up.stdout
    assert sorted(server.received.values()) == [1] * 22
    assert asides(data) == []


def test_a_disk_full_from_the_start_leaves_no_stray_files(small_tmpfs: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    data = small_tmpfs / "data"
    data.mkdir()
    env = env_for(data, cli_env)
    fill_up(small_tmpfs)
    for _ in range(4):
        walk(env)
    logs = sorted(p.name for p in data.iterdir() if p.name.startswith(DB))
    assert logs in ([], [DB]) and asides(data) == []  # not one .corrupt file per walk
    assert status_line(env, "Pending:").startswith("Pending: 0 records")
    feedback(env, "purge")  # nothing to purge, and it says so without a traceback


def test_a_full_disk_in_the_middle_of_a_purge_still_purges(small_tmpfs: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    data = small_tmpfs / "data"
    env = env_for(data, cli_env)
    seed(data, 30)
    fill_up(small_tmpfs)
    feedback(env, "purge")
    assert status_line(env, "Pending:").startswith("Pending: 0 records")


def test_a_full_disk_fallback_rlimit_fsize(isolated_env: Path, cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Without a mount: the walk's process may not grow any file past 4 KB (the
    kernel answers EFBIG, as a full disk answers ENOSPC). Runs everywhere."""
    data = isolated_env
    env = env_for(data, cli_env)
    ids = seed(data, 20)
    walk(env)  # the first walk made the cache files while there was room

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    for _ in range(2):
        proc = walk(env, preexec=small_files)
        assert "could not be saved" in proc.stderr and "it was dropped" in proc.stderr
    assert asides(data) == []
    assert status_line(env, "Dropped:") == "Dropped: 2 (unwritten)"
    assert {r["record_id"] for r in shown(env)} >= set(ids)
    check_every_command(env, 21, tmp_path, writable=True)


# --- a read-only file system ----------------------------------------------------------


def test_a_read_only_file_system_no_traceback_anywhere(
    bind_mount: tuple[Path, Path], cli_env, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source, mounted = bind_mount
    data = mounted / "data"
    env = env_for(data, cli_env)
    seed(data, 12)
    walk(env)
    walk(env)  # a WAL database, as walks leave it
    make_read_only(mounted)
    proc = walk(env)
    assert "could not be saved (the file system is read-only); it was dropped" in proc.stderr
    check_every_command(env, 14, tmp_path, writable=False)
    purge = feedback(env, "purge", ok=False)
    assert purge.returncode == 1 and "read-only" in purge.stderr
    assert len(shown(env)) == 14  # nothing was lost, nothing moved aside
    assert asides(source / "data") == []


def permissions_bind(folder: Path) -> bool:
    """Whether a folder without write permission stops this process."""
    probe = folder / "probe"
    probe.mkdir()
    probe.chmod(0o555)
    try:
        (probe / "x").write_text("")
    except PermissionError:
        return True
    finally:
        probe.chmod(0o755)
        (probe / "x").unlink(missing_ok=True)
        probe.rmdir()
    return False


@pytest.fixture
def unprivileged(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root (as in CI) ignores file permissions through CAP_DAC_OVERRIDE: run the
    commands without it (util-linux's setpriv), as an ordinary user's would run."""
    if permissions_bind(isolated_env.parent):
        return
    setpriv = shutil.which("setpriv")
    assert setpriv, "as root, this test needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE"
    monkeypatch.setattr(
        sys.modules[__name__],
        "AS_READER",
        [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"],
    )


def test_a_read_only_log_fallback_permissions(
    isolated_env: Path, cli_env, tmp_path: Path, unprivileged
) -> None:  # type: ignore[no-untyped-def]
    """Without a mount: a data folder and log the user may not write."""
    data = isolated_env
    env = env_for(data, cli_env)
    seed(data, 5)
    walk(env)
    for path in data.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    data.chmod(0o555)
    try:
        proc = walk(env)
        assert "it was dropped" in proc.stderr
        check_every_command(env, 6, tmp_path, writable=False)
        assert asides(data) == []
    finally:
        data.chmod(0o755)
        for path in data.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)


# --- damage in the middle of the file ---------------------------------------------------


def _fixed_id(i: int) -> str:
    """A version 4 UUID that is the same on every run: with random ids the pages the
    damage hits differed from run to run (a table leaf or the id index), and so did
    how many records were lost (84 to 106; CI once saw 106, over the bound)."""
    import random

    raw = bytearray(random.Random(i).randbytes(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def damaged_log(data: Path, n: int = 3000) -> tuple[set[str], int]:
    """A real log of n records, then three of its middle pages overwritten (as a
    bad sector or a torn write leaves them). Returns the ids and the page size."""
    ids = set(seed(data, 1))
    store = Store(data / DB)
    db = store._connect()
    rows = []
    for i in range(n - 1):
        rec = fake_record(i) | {"record_id": _fixed_id(i)}
        body = json.dumps(rec, sort_keys=True, separators=(",", ":"))
        rows.append((rec["record_id"], body, len(body), time.time(), "bundled"))
        ids.add(rec["record_id"])
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO records (record_id, body, bytes, created, source) VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = db.execute("PRAGMA page_size").fetchone()[0]
    store.close()
    path = data / DB
    pages = path.stat().st_size // page
    with open(path, "r+b") as fh:
        for number in (pages // 2, pages // 2 + 1, pages // 2 + 2):
            fh.seek(number * page + 64)
            fh.write(b"\xa5" * (page - 128))
    with sqlite3.connect(path) as con:  # it really is damaged, and SQLite says so
        assert con.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    return ids, page


def salvage_notice(text: str) -> tuple[int, int]:
    import re

    found = re.search(r"damaged: (\d+) records were saved into a new log, (\d+) could not", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("first", ["walk", "status", "show", "export", "report", "upload", "purge"])
def test_damage_in_the_middle_is_salvaged_once_whichever_command_meets_it(
    isolated_env: Path, cli_env, tmp_path: Path, first: str
) -> None:  # type: ignore[no-untyped-def]
    data = isolated_env
    env = env_for(data, cli_env)
    ids, _page = damaged_log(data)
    if first == "purge":  # always works, however damaged the log
        feedback(env, "purge")
        assert status_line(env, "Pending:").startswith("Pending: 0 records")
        assert asides(data) == []
        walk(env)
        assert len(shown(env)) == 1
        return
    if first == "walk":
        # A new record goes at the end of the file, often past the damage: the walk
        # is written, and the damage is met (and salvaged) then or by the next read.
        walked_proc = walk(env)
        met = feedback(env, "status")
        met.stderr = walked_proc.stderr + met.stderr
    elif first == "upload":
        with FaultyServer() as server:
            met = feedback(env, "upload", "--url", server.url)
    elif first == "export":
        met = feedback(env, "export", str(tmp_path / "e.ndjson"))
    else:
        met = feedback(env, first)
    saved, lost = salvage_notice(met.stderr)
    walked = 1 if first == "walk" else 0  # written before the salvage, and saved by it
    assert saved + lost == 3000 + walked and 0 < lost < 100  # three pages' worth, not the log
    assert asides(data) == [DB + ".damaged"]  # set aside once
    kept = set(server.received) if first == "upload" else {r["record_id"] for r in shown(env)}
    assert len(kept) == saved
    assert len(kept - ids) == walked  # the salvaged records are the log's own
    assert f"{lost} (damaged)" in status_line(env, "Dropped:")
    # Later walks are written, and nothing is salvaged again.
    again = walk(env)
    assert "damaged" not in again.stderr
    if first != "upload":
        assert status_line(env, "Pending:").startswith(f"Pending: {saved + 1} records")
        check_every_command(env, saved + 1, tmp_path, writable=True)
    assert asides(data) == [DB + ".damaged"]
    feedback(env, "purge")
    assert asides(data) == [] and status_line(env, "Pending:").startswith("Pending: 0 records")


def test_a_file_that_is_not_a_database_is_set_aside_once(isolated_env: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / DB).write_bytes(os.urandom(40_000))
    env = env_for(isolated_env, cli_env)
    first = walk(env)
    assert "damaged: 0 records were saved into a new log, an unknown number could not be read" in (
        first.stderr
    )
    second = walk(env)
    assert "damaged" not in second.stderr
    assert len(shown(env)) == 2 and asides(isolated_env) == [DB + ".damaged"]


OLD_SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE records (record_id TEXT PRIMARY KEY, body TEXT NOT NULL, bytes INTEGER NOT NULL,
                      created REAL NOT NULL, state TEXT NOT NULL DEFAULT 'pending');
CREATE INDEX records_state ON records (state, created);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def test_logs_an_earlier_version_moved_aside_come_back(isolated_env: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    """The old bug's leftovers: a full disk made it move a healthy log aside as
    `.corrupt-STAMP` and start an empty one. Their records are brought back."""
    data = isolated_env
    ids = seed(data, 20)
    (data / DB).rename(data / f"{DB}.corrupt-20261123T101500")
    for suffix in ("-wal", "-shm"):
        (data / (DB + suffix)).unlink(missing_ok=True)
    with sqlite3.connect(data / DB) as con:  # the new log the old version started (schema 1)
        con.executescript(OLD_SCHEMA)
        for i in range(2):
            rec = fake_record(i)
            body = json.dumps(rec, sort_keys=True)
            con.execute("INSERT INTO records (record_id, body, bytes, created) VALUES (?, ?, ?, ?)",
                        (rec["record_id"], body, len(body), time.time()))  # fmt: skip
    env = env_for(data, cli_env)
    status = feedback(env, "status")
    assert "20 outcome records from a log that an earlier version set aside are back" in (
        status.stderr
    )
    assert {r["record_id"] for r in shown(env)} >= set(ids) and len(shown(env)) == 22
    assert asides(data) == []
