"""The outcome log's smaller promises (issue 21, items 4 and 6): `feedback report`
over bad files, k-anonymity on every row by default, upload never sending what is
not a record, the lasting drop count, reading that creates nothing, and a write
whose cost does not grow with the log."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
from pathlib import Path

import pytest

from selfhelp_tui.feedback.export import export, manifest_path
from selfhelp_tui.feedback.store import Limits, Store

from .conftest import selfhelp_cmd
from .feedback_server import FaultyServer
from .test_feedback import fake_record, fill


def report(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*selfhelp_cmd(), "feedback", "report", *args], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    return proc


def exported(tmp_path: Path, name: str, n: int = 30) -> Path:
    store = Store(tmp_path / f"{name}.sqlite3")
    fill(store, n)
    target = tmp_path / name
    export(store, target)
    return target


# --- feedback report FILE ------------------------------------------------------------


def test_a_clean_export_and_its_manifest_report_without_complaint(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    good = exported(tmp_path, "good.ndjson.gz")
    proc = report(cli_env, str(good), "--format", "json", "--min-count", "1")
    assert proc.returncode == 0 and proc.stderr == ""
    data = json.loads(proc.stdout)
    assert data["records"] == 30 and data["skipped"]["lines"] == 0 and data["problems"] == []


def test_bad_lines_are_skipped_counted_and_named(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    lines = [json.dumps(fake_record(i)) for i in range(10)]
    wrong_type = {**fake_record(1), "rating": "five"}
    extra = {**fake_record(2), "hostname": "pc-42"}  # never a field: not a record
    lines[2:2] = ["{not json", json.dumps(wrong_type), "", json.dumps(extra)]
    path = tmp_path / "bad.ndjson"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken\n")
    proc = report(cli_env, str(path), "--format", "json", "--min-count", "1")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["records"] == 10  # every good line, none of the bad
    assert data["skipped"]["lines"] == 4
    assert data["skipped"]["reasons"] == {
        "not JSON": 2,
        "rating is not 1 to 5": 1,
        "fields differ from schema 1 (unknown hostname)": 1,
    }
    assert [(f["line"], f["reason"]) for f in data["skipped"]["first"]] == [
        (3, "not JSON"), (4, "rating is not 1 to 5"),
        (6, "fields differ from schema 1 (unknown hostname)"), (15, "not JSON"),
    ]  # fmt: skip
    assert "Skipped 4 lines that are not outcome records" in proc.stderr
    assert f"{path}:3: not JSON" in proc.stderr


def test_a_cut_short_gzip_gives_what_it_holds_and_says_so(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    path = exported(tmp_path, "cut.ndjson.gz", n=400)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])  # the end of a copy that did not finish
    proc = report(cli_env, str(path), "--format", "json", "--min-count", "1")
    assert proc.returncode == 1
    got = json.loads(proc.stdout)
    assert 0 < got["records"] < 400
    assert f"{path}: the gzip data ends early (the file was cut short)" in proc.stderr
    assert "not the file its manifest describes (SHA-256 differs)" in proc.stderr
    assert f"{got['records']} records read, its manifest says 400" in proc.stderr


def test_a_file_changed_since_its_manifest_is_named(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    path = exported(tmp_path, "changed.ndjson")
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))
    proc = report(cli_env, str(path), "--format", "csv")
    assert proc.returncode == 1
    assert "29 records read, its manifest says 30" in proc.stderr
    manifest_path(path).write_text("{broken")
    proc = report(cli_env, str(path))
    assert proc.returncode == 1 and "its manifest cannot be read" in proc.stderr


@pytest.mark.parametrize("case", ["missing", "folder", "not-gzip"])
def test_files_that_cannot_be_read_give_a_clear_error(tmp_path: Path, cli_env, case: str) -> None:  # type: ignore[no-untyped-def]
    good = exported(tmp_path, "good.ndjson")
    bad = {"missing": tmp_path / "nope.ndjson", "folder": tmp_path,
           "not-gzip": tmp_path / "plain.ndjson.gz"}[case]  # fmt: skip
    if case == "not-gzip":
        bad.write_bytes(good.read_bytes())
    proc = report(cli_env, str(good), str(bad))
    if case == "not-gzip":
        assert proc.returncode == 1 and "not gzip data, or damaged gzip data" in proc.stderr
        assert "Outcomes by guide (30 records)" in proc.stdout
    else:
        assert proc.returncode == 2 and proc.stdout == ""
        assert f"{bad}: " + ("no such file" if case == "missing" else "not a file") in proc.stderr


def test_bad_lines_are_found_in_worker_processes_too(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.feedback import report as report_mod

    lines = [json.dumps(fake_record(i)) for i in range(2000)]
    for at in (5, 777, 1999):
        lines[at] = "garbage"
    path = tmp_path / "big.ndjson"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(report_mod, "CHUNK_BYTES", 10_000)
    monkeypatch.setattr(report_mod, "PARALLEL_MIN_BYTES", 1)
    built = report_mod.build_from_files([path], workers=2)
    assert built.records == 1997 and built.skipped == {"not JSON": 3}
    assert [line for _f, line, _r in built.first_bad] == [6, 778, 2000]


# --- k-anonymity ------------------------------------------------------------------------


def k_records() -> list[dict]:  # type: ignore[type-arg]
    out = []
    for i in range(6):  # printer: 6 sessions; 'queue' reached by 4, 'rare' by 1 (flagged)
        rec = fake_record(i)
        rec["path"] = ["power", "queue"] if i < 4 else ["power"]
        if i == 0:
            rec["path"].append("rare")
            rec["flagged"] = ["rare"]
        out.append(rec)
    out += [fake_record(i, guide="small") for i in range(3)]  # 3 sessions: hidden
    return out


def test_k_anonymity_hides_every_row_under_five_sessions_by_default(
    tmp_path: Path, cli_env
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "k.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in k_records()))
    data = json.loads(report(cli_env, str(path), "--format", "json").stdout)
    assert data["min_count"] == 5
    assert [g["guide_id"] for g in data["guides"]] == ["printer"]
    assert [(n["guide_id"], n["node"]) for n in data["nodes"]] == [("printer", "power")]
    assert data["hidden"] == {"guides": 1, "nodes": 4}  # queue, rare, small's power and queue
    table = report(cli_env, str(path)).stdout
    assert "Hidden (fewer than 5 sessions): 1 guide rows, 4 node rows." in table
    assert "small" not in table and "queue" not in table
    csv = report(cli_env, str(path), "--format", "csv").stdout
    assert "# hidden (fewer than 5 sessions): 1 guide rows, 4 node rows" in csv
    every = json.loads(report(cli_env, str(path), "--format", "json", "--min-count", "1").stdout)
    assert every["hidden"] == {"guides": 0, "nodes": 0} and len(every["nodes"]) == 5


def test_the_default_applies_to_the_local_log_and_k_is_at_least_one(cli_env, isolated_env) -> None:  # type: ignore[no-untyped-def]
    store = Store(isolated_env / "outcomes.sqlite3")
    for rec in k_records():
        store.put(rec)
    store.close()
    data = json.loads(report(cli_env, "--format", "json").stdout)
    assert [g["guide_id"] for g in data["guides"]] == ["printer"] and data["hidden"]["nodes"] == 4
    bad = report(cli_env, "--min-count", "0")
    assert bad.returncode == 2 and "at least 1" in bad.stderr


# --- upload sends only records -------------------------------------------------------------


def test_upload_sets_aside_what_is_not_a_record_instead_of_sending_it(tmp_path: Path) -> None:
    from .test_feedback import uploader

    store = Store(tmp_path / "o.sqlite3")
    ids = fill(store, 5)
    store.put({"record_id": "hand-made", "outcome": "resolved"})  # not of the schema
    with FaultyServer() as server:
        up, _ = uploader(store, server.url)
        result = up.run()
    assert set(server.received) == set(ids) and result.rejected == 1
    assert store.stats()["rejected"] == 1 and store.stats()["pending"] == 0


# --- reading creates nothing; the drop count lasts -------------------------------------------


@pytest.mark.parametrize("env_extra", [{}, {"DO_NOT_TRACK": "1"}], ids=["on", "off"])
def test_commands_that_only_read_never_create_the_log(  # type: ignore[no-untyped-def]
    cli_env, isolated_env: Path, tmp_path: Path, env_extra: dict[str, str]
) -> None:
    env = {**cli_env, **env_extra}
    for args in (["status"], ["show"], ["report"], ["export", str(tmp_path / "e.ndjson")],
                 ["purge"]):  # fmt: skip
        proc = subprocess.run([*selfhelp_cmd(), "feedback", *args], capture_output=True,
                              text=True, env=env, timeout=60)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    logs = [p.name for p in isolated_env.glob("outcomes*")] if isolated_env.exists() else []
    assert logs == []
    assert (tmp_path / "e.ndjson").read_text() == ""


def test_dropped_records_stay_counted_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    store = Store(path)
    fill(store, 2)
    store.close()
    # Another process holds the write lock for longer than a writer waits: the
    # record in hand is dropped (the log itself is fine) and counted.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiting = Store(path)
    waiting._connect().execute("PRAGMA busy_timeout = 50")
    assert waiting.put(fake_record(3)) is False
    assert "another selfhelp kept the log locked" in waiting.notices[0]
    holder.execute("ROLLBACK")
    holder.close()
    waiting.close()
    later = Store(path)
    assert later.stats()["dropped_unwritten"] == 1 and later.stats()["pending"] == 2
    later.purge()
    assert Store(path).stats()["dropped_unwritten"] == 0


# --- a write at the cap does not grow with the log ---------------------------------------------


def bulk(store: Store, n: int) -> None:
    db = store._connect()
    db.execute("BEGIN")
    for i in range(n):
        rec = fake_record(i)
        body = json.dumps(rec)
        db.execute("INSERT INTO records (record_id, body, bytes, created) VALUES (?, ?, ?, ?)",
                   (rec["record_id"], body, len(body), 1e9 - n + i))  # fmt: skip
    db.execute("COMMIT")


def steps_of_one_write(tmp_path: Path, n: int) -> int:
    """SQLite virtual-machine steps one record costs at the cap of n records."""
    store = Store(tmp_path / f"cap{n}.sqlite3", Limits(max_pending=n), clock=lambda: 1e9)
    bulk(store, n)
    db = store._connect()
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    db.set_progress_handler(count, 1)
    assert store.put(fake_record(1))
    db.set_progress_handler(None, 1)
    assert store.stats()["pending"] == n  # the oldest made room
    return steps[0]


def test_a_write_at_the_cap_costs_the_same_whatever_the_size_of_the_log(tmp_path: Path) -> None:
    """Counted in SQLite's own steps, not timed: 20 times the records must not
    cost 20 times the work (counting them on each write did)."""
    small, big = steps_of_one_write(tmp_path, 500), steps_of_one_write(tmp_path, 10_000)
    assert big < 2 * small, (small, big)


def test_the_kept_counts_always_match_the_records(tmp_path: Path) -> None:
    rng = random.Random(7)
    now = [1e9]
    store = Store(tmp_path / "o.sqlite3", Limits(max_pending=40, max_bytes=9000, max_age_s=50),
                  clock=lambda: now[0])  # fmt: skip
    ids: list[str] = []
    for _ in range(400):
        action = rng.random()
        if action < 0.6:
            rec = fake_record(rng.randrange(100))
            if ids and rng.random() < 0.2:
                rec["record_id"] = rng.choice(ids)  # a rewrite of a pending record
            store.put(rec)
            ids.append(rec["record_id"])
        elif action < 0.8 and ids:
            store.mark(rng.sample(ids, min(3, len(ids))), rng.choice(["sent", "rejected"]))
        elif action < 0.98:
            now[0] += rng.choice([1, 5, 30])
        else:
            store.purge()
        db = store._connect()
        kept = dict((s, (n, b)) for s, n, b in db.execute("SELECT state, n, bytes FROM totals"))
        real = {s: (n, b) for s, n, b in db.execute(
            "SELECT state, count(*), sum(bytes) FROM records GROUP BY state")}  # fmt: skip
        assert {s: v for s, v in kept.items() if v != (0, 0)} == real


def test_a_report_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    from selfhelp_tui.feedback import report as report_mod

    path = tmp_path / "big.ndjson"
    path.write_text("".join(json.dumps(fake_record(i)) + "\n" for i in range(3000)))
    monkeypatch.setattr(report_mod, "CHUNK_BYTES", 10_000)
    monkeypatch.setattr(report_mod, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(report_mod, "_worker", lambda chunks, results: os._exit(1))  # killed
    with pytest.raises(report_mod.ReportInputError, match="worker process of the report stopped"):
        report_mod.build_from_files([path], workers=2)
