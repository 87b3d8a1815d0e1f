"""The anonymous outcome log: what is recorded, how it is kept, how it travels."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from selfhelp_tui.engine import Session
from selfhelp_tui.feedback import report as report_mod
from selfhelp_tui.feedback.export import export, manifest_path, read_export
from selfhelp_tui.feedback.observer import FeedbackRecorder
from selfhelp_tui.feedback.record import FIELDS, make_record
from selfhelp_tui.feedback.store import Limits, Store
from selfhelp_tui.feedback.upload import (
    EndpointError,
    Options,
    Uploader,
    check_url,
    classify,
    parse_retry_after,
)
from selfhelp_tui.ids import new_record_id

from .conftest import LIBRARY, selfhelp_cmd
from .feedback_server import Fault, FaultyServer
from .tui_helpers import fixture_library, make_app, screen_name


def session(frontend: str = "test") -> Session:
    return Session.start(fixture_library().guides["printer"], frontend)


def fake_record(i: int, guide: str = "printer", outcome: str = "resolved") -> dict:  # type: ignore[type-arg]
    return {
        "schema": 1, "record_id": new_record_id(), "guide_id": guide, "guide_version": 2,
        "kind": "troubleshooter", "lang": "en", "path": ["power", "queue"][: 1 + i % 2],
        "outcome": outcome, "rating": (i % 5) + 1 if i % 3 else None, "flagged": [],
        "duration_s": 10 + i, "day": "2026-11-23", "app_version": "0.1.0", "frontend": "tui",
    }  # fmt: skip


def fill(store: Store, n: int) -> list[str]:
    ids = []
    for i in range(n):
        rec = fake_record(i)
        assert store.put(rec)
        ids.append(rec["record_id"])
    return ids


# --- what is recorded ---------------------------------------------------------


async def test_walking_a_guide_in_the_tui_writes_one_record_of_exactly_the_schema(
    isolated_env: Path,
) -> None:
    store = Store(isolated_env / "outcomes.sqlite3")
    app = make_app()
    app.make_observers = lambda: [FeedbackRecorder(store)]
    async with app.run_test() as pilot:
        await pilot.press("enter", "u", "1", "2")  # flag 'power', then to an outcome
        await pilot.pause()
        assert screen_name(app) == "OutcomeScreen"
        await pilot.press("n", "4")  # did not solve it; rating 4
        await pilot.pause()
    (record,) = list(store.pending())
    assert tuple(sorted(record)) == tuple(sorted(FIELDS))
    assert record["path"] == ["power", "queue", "call-support"]
    assert record["flagged"] == ["power"]
    assert record["outcome"] == "escalate"  # "no" keeps an escalation an escalation
    assert record["rating"] == 4
    assert record["frontend"] == "tui" and record["guide_version"] == 2
    assert record["day"] == time.strftime("%Y-%m-%d", time.gmtime())
    assert isinstance(record["duration_s"], int) and 0 <= record["duration_s"] < 60


def test_answers_on_the_outcome_screen_update_the_same_record(tmp_path: Path) -> None:
    store = Store(tmp_path / "o.sqlite3")
    s = session()
    s.observers.append(FeedbackRecorder(store))
    s.answer(1)
    s.answer(1)
    s.answer("next")
    s.answer("Yes")
    s.set_helped(False)
    s.rate(2)
    s.reopen()  # Backspace from the outcome into the guide, then on to the end again
    s.back()
    s.answer("Yes")
    (record,) = list(store.pending())
    assert record["outcome"] == "unresolved"  # resolved, but the reader said no
    assert record["rating"] == 2


def test_a_record_never_holds_session_extras(tmp_path: Path) -> None:
    s = session()
    s.extra["probe_output"] = "root password: hunter2"
    s.end("abandoned")
    record = make_record(s, new_record_id())
    assert "hunter2" not in json.dumps(record)
    assert record["outcome"] == "abandoned" and record["path"] == ["power"]


# --- the off switches -----------------------------------------------------------


def plain_walk(
    env: dict[str, str], *extra: str, log: bool = True
) -> subprocess.CompletedProcess[str]:
    """A scripted walk to an outcome; `log`: with --log-outcome (else not logged)."""
    return subprocess.run(
        [*selfhelp_cmd(), *extra, "run", "printer", "--no-bundled", "--guides", str(LIBRARY),
         "--answers", "1,2", *(["--log-outcome"] if log else [])],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


def count_records(data: Path) -> int:
    db = data / "outcomes.sqlite3"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT count(*) FROM records").fetchone()[0])


def test_plain_walk_logs_with_frontend_plain_and_says_so_once(cli_env, isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    first = plain_walk(cli_env)
    assert first.returncode == 0
    assert "anonymous note of how each guide ended" in first.stderr
    second = plain_walk(cli_env)
    assert "anonymous note" not in second.stderr
    assert count_records(isolated_env) == 2
    show = subprocess.run([*selfhelp_cmd(), "feedback", "show"], capture_output=True,
                          text=True, env=cli_env, timeout=60)  # fmt: skip
    lines = [json.loads(x) for x in show.stdout.splitlines()]
    assert [r["frontend"] for r in lines] == ["plain", "plain"]
    assert [r["outcome"] for r in lines] == ["escalate", "escalate"]


def test_scripted_walks_are_logged_only_when_asked(cli_env, isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    """A scripted walk is not a reader's: not in the log (nor the first-run notice,
    which is about logging) by default; --log-outcome logs it, as a plain walk."""
    for _ in range(2):
        proc = plain_walk(cli_env, log=False)
        assert proc.returncode == 0 and "Outcome: " in proc.stdout
        assert "anonymous note" not in proc.stderr
    unfinished = subprocess.run(
        [*selfhelp_cmd(), "run", "printer", "--no-bundled", "--guides", str(LIBRARY),
         "--answers", "1"],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    assert unfinished.returncode == 3  # ran out of answers: would have been "abandoned"
    assert count_records(isolated_env) == 0
    logged = plain_walk(cli_env, log=True)
    assert logged.returncode == 0 and "anonymous note" in logged.stderr
    assert count_records(isolated_env) == 1
    with sqlite3.connect(isolated_env / "outcomes.sqlite3") as con:
        (payload,) = con.execute("SELECT body FROM records").fetchone()
    record = json.loads(payload)
    assert record["frontend"] == "plain" and record["outcome"] == "escalate"


@pytest.mark.parametrize(
    "env_extra", [{"DO_NOT_TRACK": "1"}, {"SELFHELP_NO_FEEDBACK": "1"}], ids=["dnt", "no-feedback"]
)
def test_environment_switches_write_nothing_and_beat_the_config(  # type: ignore[no-untyped-def]
    cli_env, isolated_env: Path, env_extra: dict[str, str]
) -> None:
    subprocess.run([*selfhelp_cmd(), "feedback", "enable"], env=cli_env, check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    env = {**cli_env, **env_extra}
    proc = plain_walk(env)
    assert proc.returncode == 0 and "anonymous note" not in proc.stderr
    assert not (isolated_env / "outcomes.sqlite3").exists()
    status = subprocess.run([*selfhelp_cmd(), "feedback", "status"], capture_output=True,
                            text=True, env=env, timeout=60)  # fmt: skip
    assert f"off ({next(iter(env_extra))}=1 is set)" in status.stdout


def test_disable_then_enable(cli_env, isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    subprocess.run([*selfhelp_cmd(), "feedback", "disable"], env=cli_env, check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    plain_walk(cli_env)
    assert count_records(isolated_env) == 0  # off: records never exist to be sent later
    subprocess.run([*selfhelp_cmd(), "feedback", "enable"], env=cli_env, check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    plain_walk(cli_env)
    assert count_records(isolated_env) == 1


# --- how it is kept --------------------------------------------------------------


def test_wal_mode_and_purge(tmp_path: Path) -> None:
    store = Store(tmp_path / "o.sqlite3")
    fill(store, 3)
    with sqlite3.connect(tmp_path / "o.sqlite3") as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.purge()
    assert store.stats()["pending"] == 0


def test_two_processes_log_at_once_without_loss(tmp_path: Path) -> None:
    db = tmp_path / "o.sqlite3"
    script = textwrap.dedent(f"""
        import sys, uuid
        from pathlib import Path
        from selfhelp_tui.feedback.store import Store
        store = Store(Path({str(db)!r}))
        for i in range(150):
            rec = {{"record_id": str(uuid.uuid4()), "n": i}}
            assert store.put(rec), store.notices
        print("done")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]  # fmt: skip
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert outs == ["done\n", "done\n"]
    assert Store(db).stats()["pending"] == 300


def test_sigkill_while_logging_loses_no_committed_record(tmp_path: Path) -> None:
    db = tmp_path / "o.sqlite3"
    script = textwrap.dedent(f"""
        import sys, uuid
        from pathlib import Path
        from selfhelp_tui.feedback.store import Store
        store = Store(Path({str(db)!r}))
        while True:
            rid = str(uuid.uuid4())
            store.put({{"record_id": rid}})
            print(rid, flush=True)  # only after the commit
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    committed = [proc.stdout.readline().strip() for _ in range(60)]  # type: ignore[union-attr]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = {r["record_id"] for r in Store(db).pending()}
    assert set(committed) <= stored


def test_corrupt_database_is_set_aside_once_and_a_new_log_started(tmp_path: Path) -> None:
    db = tmp_path / "o.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    store = Store(db)
    assert store.put(fake_record(1))
    assert store.put(fake_record(2))
    aside = [
        p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm", "unwritten"))
    ]
    assert sorted(aside) == ["o.sqlite3", "o.sqlite3.damaged"]
    assert (tmp_path / "o.sqlite3.damaged").read_bytes().startswith(b"this is not")
    (notice,) = store.notices
    assert "damaged: 0 records were saved" in notice and "o.sqlite3.damaged" in notice
    assert store.stats()["pending"] == 2


def test_unwritable_data_dir_drops_the_record_and_counts_it(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    store = Store(blocker / "o.sqlite3")
    assert store.put(fake_record(1)) is False
    assert store.unwritten == 1 and "could not be saved" in store.notices[0]


def test_caps_by_count_bytes_and_age(tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = Store(tmp_path / "o.sqlite3", Limits(max_pending=5, max_bytes=10**9,
                                                  max_age_s=100), clock=lambda: now[0])  # fmt: skip
    ids = fill(store, 8)
    assert [r["record_id"] for r in store.pending()] == ids[3:]  # the oldest went first
    assert store.stats()["dropped_count_cap"] == 3
    now[0] += 150
    store.put(fake_record(99))
    stats = store.stats()
    assert stats["pending"] == 1 and stats["dropped_expired"] == 5
    small = Store(tmp_path / "b.sqlite3", Limits(max_bytes=1200))
    fill(small, 10)
    s = small.stats()
    assert s["pending_bytes"] <= 1200 and s["dropped_bytes_cap"] == 10 - s["pending"]


def test_clock_jumping_backwards_expires_nothing(tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = Store(tmp_path / "o.sqlite3", Limits(max_age_s=100), clock=lambda: now[0])
    fill(store, 3)
    now[0] -= 10_000
    fill(store, 1)
    assert store.stats()["pending"] == 4


# --- export and report ------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.ndjson", "out.ndjson.gz"])
def test_export_writes_records_and_a_manifest(tmp_path: Path, name: str) -> None:
    import hashlib

    store = Store(tmp_path / "o.sqlite3")
    ids = fill(store, 7)
    target = tmp_path / name
    manifest = export(store, target)
    assert [r["record_id"] for r in read_export(target)] == ids
    on_disk = json.loads(manifest_path(target).read_text())
    assert on_disk == manifest and manifest["records"] == 7
    assert manifest["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert store.stats()["pending"] == 7  # export does not delete
    export(store, tmp_path / ("again-" + name), mark_sent=True)
    assert store.stats()["pending"] == 0 and store.stats()["sent"] == 7


def test_report_on_an_export_equals_report_on_the_log(tmp_path: Path) -> None:
    store = Store(tmp_path / "o.sqlite3")
    for i in range(40):
        rec = fake_record(i, guide="printer" if i % 4 else "first-steps",
                          outcome=["resolved", "abandoned", "escalate", "unresolved"][i % 4])  # fmt: skip
        rec["flagged"] = ["queue"] if i % 5 == 0 else []
        store.put(rec)
    export(store, tmp_path / "e.ndjson.gz")
    local = report_mod.to_json(report_mod.build(store.all_records()), 1)
    exported = report_mod.to_json(report_mod.build(read_export(tmp_path / "e.ndjson.gz")), 1)
    assert local == exported
    data = json.loads(local)
    printer = next(g for g in data["guides"] if g["guide_id"] == "printer")
    assert printer["sessions"] == 30 and printer["pct_abandoned"] == pytest.approx(33.3)
    node = next(n for n in data["nodes"] if n["guide_id"] == "printer" and n["node"] == "queue")
    # abandoned when i % 4 == 1; those i are odd, so their path ends at queue
    assert node["flagged_unclear"] == 6 and node["abandoned_here"] == 10


def test_report_cli_on_export_files_and_min_count(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path / "o.sqlite3")
    fill(store, 6)
    store.put(fake_record(1, guide="rare"))
    export(store, tmp_path / "e.ndjson")
    proc = subprocess.run([*selfhelp_cmd(), "feedback", "report", str(tmp_path / "e.ndjson"),
                           "--format", "json", "--min-count", "2"],
                          capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    data = json.loads(proc.stdout)
    assert [g["guide_id"] for g in data["guides"]] == ["printer"]
    assert data["hidden"]["guides"] == 1
    table = subprocess.run([*selfhelp_cmd(), "feedback", "report", str(tmp_path / "e.ndjson")],
                           capture_output=True, text=True, env=cli_env, timeout=60)  # fmt: skip
    assert "Outcomes by guide (7 records)" in table.stdout and "Where people stop" in table.stdout


# --- upload -------------------------------------------------------------------------


def uploader(store: Store, url: str, **kw) -> tuple[Uploader, list[float]]:  # type: ignore[no-untyped-def]
    slept: list[float] = []
    opts = Options(url=url, timeout_s=kw.pop("timeout_s", 2.0), total_s=kw.pop("total_s", 30.0),
                   backoff_base_s=0.01, backoff_cap_s=0.05, **kw)  # fmt: skip
    return Uploader(store, opts, sleep=slept.append), slept


def test_classification_of_every_status_code() -> None:
    table = {code: classify(code) for code in range(100, 600)}
    assert {c for c, a in table.items() if a == "delivered"} == set(range(200, 300))
    assert {c for c, a in table.items() if a == "retry"} == {429, 500, 502, 503, 504}
    assert {c for c, a in table.items() if a == "split"} == {413}
    assert {c for c, a in table.items() if a == "reject"} == {400, 422}
    assert all(table[c] == "stop" for c in (*range(100, 200), *range(300, 400), 401, 403, 404, 501))


@pytest.mark.parametrize("status", range(200, 600))
def test_every_status_code_against_a_real_server(tmp_path: Path, status: int) -> None:
    store = Store(tmp_path / "o.sqlite3")
    ids = fill(store, 3)
    with FaultyServer() as server:
        server.plan = [Fault(status)]
        up, _ = uploader(store, server.url, max_attempts=2)
        result = up.run()
    action = classify(status)
    stats = store.stats()
    if action in ("delivered", "retry"):  # retried once, then the server says 200
        assert stats["pending"] == 0 and set(server.received) == set(ids)
    elif action == "split":
        assert stats["pending"] == 0 and sorted(server.received.values()) == [1, 1, 1]
    elif action == "reject":
        assert stats["rejected"] == 3 and stats["pending"] == 0 and not server.received
        assert len(server.requests) == 1  # never retried in a loop
    else:
        assert result.stopped and stats["pending"] == 3 and not server.received
        assert len(server.requests) == 1


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_is_honoured(tmp_path: Path, form: str) -> None:
    import email.utils

    value = "7" if form == "seconds" else email.utils.formatdate(time.time() + 7, usegmt=True)
    store = Store(tmp_path / "o.sqlite3")
    fill(store, 2)
    with FaultyServer() as server:
        server.plan = [Fault(503, {"Retry-After": value}), Fault(429, {"Retry-After": value})]
        up, slept = uploader(store, server.url)
        up.run()
    assert len(slept) == 2 and all(5.5 <= s <= 7.5 for s in slept)
    assert store.stats()["pending"] == 0


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("100000") == 300  # capped
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_slow_responses_resets_and_lost_acknowledgements(tmp_path: Path) -> None:
    store = Store(tmp_path / "o.sqlite3")
    ids = fill(store, 5)
    with FaultyServer() as server:
        server.plan = [
            Fault(200, delay=1.5),  # past the 0.5 s timeout: stored? no, it answers late
            Fault(reset=True),
            Fault(503, accept_then_fail=True),  # stored, but the answer says failure
        ]
        up, _ = uploader(store, server.url, timeout_s=0.5)
        result = up.run()
    assert result.stopped is None and store.stats()["pending"] == 0
    assert set(server.received) == set(ids)
    keys = [r["headers"]["Idempotency-Key"] for r in server.requests]
    assert len(set(keys)) == 1  # a receiver can tell the resent batch is the same one


def test_batches_are_bounded(tmp_path: Path) -> None:
    store = Store(tmp_path / "o.sqlite3")
    fill(store, 23)
    with FaultyServer() as server:
        up, _ = uploader(store, server.url, batch_records=10)
        result = up.run()
    assert result.batches == 3 and sorted(server.received.values()) == [1] * 23


def test_only_https_or_localhost() -> None:
    assert check_url("https://feedback.example/ingest")
    assert check_url("http://127.0.0.1:9/x") and check_url("http://localhost/x")
    with pytest.raises(EndpointError):
        check_url("http://192.0.2.10/ingest")
    with pytest.raises(EndpointError):
        check_url("ftp://x/y")


def test_otlp_payload_parses_as_logs_data(tmp_path: Path) -> None:
    from google.protobuf import json_format
    from opentelemetry.proto.logs.v1 import logs_pb2

    store = Store(tmp_path / "o.sqlite3")
    ids = fill(store, 4)
    with FaultyServer() as server:
        up, _ = uploader(store, server.url, format="otlp")
        up.run()
    (request,) = server.requests
    assert request["path"] == "/v1/logs"
    logs = json_format.Parse(request["body"], logs_pb2.LogsData())
    records = logs.resource_logs[0].scope_logs[0].log_records
    got = [
        next(a.value.string_value for a in r.attributes if a.key == "selfhelp.record_id")
        for r in records
    ]
    assert got == ids


def test_fault_mix_delivers_every_record_exactly_once(tmp_path: Path) -> None:
    """The server fails every other request, in every way; after the upload every
    record was stored by the server exactly once, or is still pending."""
    import random

    rng = random.Random(4)
    store = Store(tmp_path / "o.sqlite3")
    ids = fill(store, 60)
    faults = [Fault(503), Fault(429, {"Retry-After": "0"}), Fault(500), Fault(reset=True),
              Fault(413), Fault(502), Fault(504)]  # fmt: skip
    with FaultyServer() as server:
        server.plan = [f for _ in range(40) for f in (rng.choice(faults), Fault(200))]
        up, _ = uploader(store, server.url, batch_records=7, max_attempts=4)
        result = up.run()
        pending = {r["record_id"] for r in store.pending()}
    assert result.stopped is None
    assert set(server.received) | pending == set(ids)
    assert all(n == 1 for n in server.received.values())


def test_upload_cli_refuses_without_endpoint_and_when_off(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run([*selfhelp_cmd(), "feedback", "upload"], capture_output=True,
                          text=True, env=cli_env, timeout=60)  # fmt: skip
    assert proc.returncode == 2 and "no endpoint" in proc.stderr
    off = subprocess.run([*selfhelp_cmd(), "feedback", "upload", "--url", "http://127.0.0.1:9"],
                         capture_output=True, text=True, env={**cli_env, "DO_NOT_TRACK": "1"},
                         timeout=60)  # fmt: skip
    assert off.returncode == 1 and "feedback is off" in off.stderr


def test_upload_cli_delivers_when_the_server_fails_every_other_request(
    cli_env, isolated_env: Path
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        plain_walk(cli_env)
    with FaultyServer() as server:
        server.plan = [Fault(503), Fault(200)] * 5
        proc = subprocess.run([*selfhelp_cmd(), "feedback", "upload", "--url", server.url],
                              capture_output=True, text=True, env=cli_env, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Delivered 3, rejected 0, still pending 0." in proc.stdout
    assert sorted(server.received.values()) == [1, 1, 1]


def test_sigkill_during_upload_loses_nothing(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    store = Store(data / "outcomes.sqlite3")
    ids = fill(store, 600)  # two batches of at most 500
    store.close()
    env = {**cli_env, "SELFHELP_DATA_DIR": str(data)}
    with FaultyServer() as server:
        server.plan = [Fault(200), Fault(200, delay=30)]  # the second batch hangs
        proc = subprocess.Popen(
            [*selfhelp_cmd(), "feedback", "upload", "--url", server.url, "--timeout", "60"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        for _ in range(200):
            if len(server.requests) >= 2:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        first = set(server.received)
        server.plan = []
        up, _ = uploader(Store(data / "outcomes.sqlite3"), server.url)
        up.run()
    assert set(server.received) == set(ids)
    assert first and all(n == 1 for n in server.received.values())


def test_median_duration_is_close_and_memory_per_guide_is_bounded() -> None:
    import random

    from selfhelp_tui.feedback.report import GuideStats, duration_bucket

    rng = random.Random(2)
    values = [rng.randint(1, 86_400) for _ in range(5001)]
    stats = GuideStats()
    for v in values:
        stats.durations[duration_bucket(v)] += 1
    exact = sorted(values)[2500]
    assert abs(stats.median_duration() - exact) <= 0.05 * exact  # type: ignore[operator]
    assert len(stats.durations) <= 360  # 100 exact + 90 per decade, whatever the count


def test_a_corrupt_log_is_reported_once_in_plain_mode(cli_env, isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    isolated_env.mkdir(parents=True, exist_ok=True)
    (isolated_env / "outcomes.sqlite3").write_bytes(b"garbage" * 500)
    first = plain_walk(cli_env)
    assert first.returncode == 0
    assert first.stderr.count("The outcome log was damaged") == 1
    assert "kept as outcomes.sqlite3.damaged" in first.stderr
    second = plain_walk(cli_env)
    assert "damaged" not in second.stderr
    assert count_records(isolated_env) == 2


def test_the_whole_upload_has_a_time_budget(tmp_path: Path) -> None:
    store = Store(tmp_path / "o.sqlite3")
    fill(store, 4)
    now = [0.0]
    with FaultyServer() as server:
        server.plan = [Fault(503, {"Retry-After": "20"})] * 50
        opts = Options(url=server.url, total_s=60.0, max_attempts=50, timeout_s=2.0)
        up = Uploader(store, opts, sleep=lambda s: now.__setitem__(0, now[0] + s),
                      clock=lambda: now[0])  # fmt: skip
        result = up.run()
    assert result.stopped and "time budget" in result.stopped
    assert result.attempts == 3  # at 0 s, 20 s and 40 s; 60 s is the budget
    assert store.stats()["pending"] == 4


@pytest.mark.parametrize("suffix", [".ndjson", ".ndjson.gz"])
def test_report_over_files_on_every_core_equals_the_serial_report(
    tmp_path: Path, monkeypatch, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    """Big exports are folded in worker processes and merged; the figures must be
    exactly those of one process reading record by record."""
    import gzip
    import random

    from selfhelp_tui.feedback import report
    from selfhelp_tui.feedback.export import read_export

    rng = random.Random(3)
    lines = []
    for i in range(3000):
        rec = fake_record(i)
        rec["guide_id"] = f"g{rng.randrange(7)}"
        rec["path"] = [f"n{j}" for j in range(rng.randint(1, 6))] + ["n1"] * rng.randint(0, 2)
        rec["outcome"] = rng.choice(["resolved", "abandoned", "escalate"])
        rec["flagged"] = rec["path"][:1] if i % 4 == 0 else []
        rec["duration_s"] = rng.randint(1, 5000)
        lines.append(json.dumps(rec))
    data = ("\n".join(lines) + "\n").encode()
    path = tmp_path / f"export{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    monkeypatch.setattr(report, "CHUNK_BYTES", 20_000)  # many chunks
    monkeypatch.setattr(report, "PARALLEL_MIN_BYTES", 1)  # and workers, however small
    parallel = report.build_from_files([path, path], workers=2)
    serial = report.build(r for _ in range(2) for r in read_export(path))
    assert parallel.records == serial.records == 6000
    assert report.to_json(parallel, 1) == report.to_json(serial, 1)
