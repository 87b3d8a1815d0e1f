"""Hard faults the outcome log must survive (issue 9): a full disk, SIGKILL in the
middle of an export, and long random fault schedules against a real server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfhelp_tui.feedback.export import manifest_path, read_export
from selfhelp_tui.feedback.store import Store

from .feedback_server import Fault, FaultyServer
from .test_feedback import fake_record, fill, uploader


def test_a_full_disk_drops_the_record_counts_it_and_the_log_goes_on(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full" (SQLITE_FULL), made real by capping
    the database's pages on the store's connection."""
    store = Store(tmp_path / "o.sqlite3")
    ids = fill(store, 3)
    db = store._connect()
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    big = fake_record(99)
    big["path"] = ["n" * 50] * 2000  # needs new pages: the disk is "full"
    assert store.put(big) is False
    assert store.unwritten == 1
    assert any("could not be saved" in n for n in store.notices)
    assert {r["record_id"] for r in store.pending()} == set(ids)  # nothing lost
    db.execute("PRAGMA max_page_count = 1073741823")  # space again
    assert store.put(big) is True
    assert len(list(store.pending())) == 4
    # and the app still starts on that database
    store.close()
    assert len(list(Store(tmp_path / "o.sqlite3").pending())) == 4


def test_sigkill_during_an_export_leaves_a_whole_file_or_none(tmp_path: Path) -> None:
    db = tmp_path / "o.sqlite3"
    store = Store(db)
    ids = set(fill(store, 40_000 // 10))
    store.close()
    target = tmp_path / "out" / "export.ndjson"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from selfhelp_tui.feedback.export import export
        from selfhelp_tui.feedback.store import Store
        store = Store(Path({str(db)!r}))
        n = 0
        while True:  # export again and again, marking nothing sent
            export(store, Path({str(target)!r}))
            n += 1
            print(n, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # one whole export done
    time.sleep(0.05)  # then somewhere in the middle of another
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The file on disk is a whole export (the rename is the commit point) ...
    assert {r["record_id"] for r in read_export(target)} == ids
    manifest = json.loads(manifest_path(target).read_text())
    assert manifest["records"] == len(ids)
    # ... no half-written temp file is mistaken for it, nothing was marked sent,
    # and the log still opens.
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(".")]
    assert all(".export.ndjson." in name for name in leftovers)
    assert {r["record_id"] for r in Store(db).pending()} == ids


def test_sigkill_before_the_first_export_finishes_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "o.sqlite3"
    store = Store(db)
    fill(store, 2000)
    store.close()
    target = tmp_path / "export.ndjson"
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from selfhelp_tui import config
        real = config.os.replace
        def stop(*args):  # die exactly where the rename would commit the file
            os.kill(os.getpid(), 9)
        config.os.replace = stop
        from selfhelp_tui.feedback.export import export
        from selfhelp_tui.feedback.store import Store
        export(Store(Path({str(db)!r})), Path({str(target)!r}), mark_sent=True)
    """)
    proc = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists() and not manifest_path(target).exists()
    assert len(list(Store(db).pending())) == 2000  # not marked sent


FAULTS = st.sampled_from(
    [
        Fault(200),
        Fault(200),
        Fault(503),
        Fault(429, {"Retry-After": "0"}),
        Fault(500),
        Fault(502),
        Fault(504),
        Fault(413),
        Fault(reset=True),
        Fault(503, accept_then_fail=True),  # stored, but the answer is lost
    ]
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(schedule=st.lists(FAULTS, min_size=5, max_size=80), batch=st.integers(1, 9))
def test_long_random_fault_schedules_deliver_exactly_once_without_a_storm(
    tmp_path_factory, schedule, batch: int
) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("up")
    store = Store(tmp / "o.sqlite3")
    ids = fill(store, 25)
    with FaultyServer() as server:
        server.plan = list(schedule)
        up, slept = uploader(store, server.url, batch_records=batch, max_attempts=3)
        started = time.monotonic()
        up.run()
        elapsed = time.monotonic() - started
        requests = len(server.requests)
        received = dict(server.received)
        pending = {r["record_id"] for r in store.pending()}
        # a lone record the server calls too large (413 with nothing left to split)
        # is set aside as rejected, never retried forever
        rejected = {
            row[0]
            for row in store._connect().execute(
                "SELECT record_id FROM records WHERE state = 'rejected'"
            )
        }
    # exactly once by record_id: every record reached the server or is still
    # pending here; a record arrives twice only when the server's answer to it was
    # lost (it stored the batch, then failed), which record_id lets it drop.
    assert set(received) | pending | rejected == set(ids)
    assert not rejected or any(f.status == 413 for f in schedule)
    if not any(f.accept_then_fail for f in schedule):
        assert all(n == 1 for n in received.values()), received
    assert not (set(received) & pending) or any(f.accept_then_fail for f in schedule)
    # bounded retries: never more requests than batches x attempts (+ 413 splits)
    batches = -(-len(ids) // batch)
    assert requests <= 2 * batches * 3 + len(ids)
    assert elapsed < 30 and sum(slept) < 30
