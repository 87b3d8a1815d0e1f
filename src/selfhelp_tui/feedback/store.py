"""The local outcome log: SQLite in WAL mode, one transaction per record.

Promises (tested): a committed record survives a crash; two processes can log at
once; a corrupt database is moved aside and a fresh one started; a read-only or
full disk drops the record with a warning instead of breaking the walk; pending
records are capped by count, bytes and age, oldest first, and every drop is
counted by reason.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from ..i18n import _
from ..record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_PENDING = 50_000
MAX_PENDING_BYTES = 20 * 1024 * 1024
MAX_AGE_DAYS = 90

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY,
    body      TEXT NOT NULL,
    bytes     INTEGER NOT NULL,
    created   REAL NOT NULL,
    state     TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX IF NOT EXISTS records_state ON records (state, created);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@record
class Limits:
    max_pending: int = MAX_PENDING
    max_bytes: int = MAX_PENDING_BYTES
    max_age_s: float = MAX_AGE_DAYS * 86400


class Store:
    def __init__(self, path: Path, limits: Limits | None = None, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self.limits = limits or Limits()
        self.clock = clock
        #: Things to tell the user once (a database moved aside, a dropped record).
        self.notices: list[str] = []
        #: Records dropped because nothing could be written (kept in memory).
        self.unwritten = 0
        self._db: sqlite3.Connection | None = None

    # --- opening -----------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._open()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            aside = self._move_aside()
            self.notices.append(
                _(
                    "The outcome log was unreadable and was moved aside to {name}; "
                    "a new one was started."
                ).format(name=aside.name)
            )
            db = self._open()
        self._db = db
        return db

    def _open(self) -> sqlite3.Connection:
        for attempt in range(50):
            try:
                return self._open_once()
            except sqlite3.OperationalError as exc:
                # Two processes creating the file at once race for the switch to
                # WAL, which SQLite does not retry by itself.
                if "locked" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")  # pragma: no cover

    def _open_once(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.executescript(_SCHEMA)
            db.execute("SELECT count(*) FROM records").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _move_aside(self) -> Path:
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        self.path.rename(aside)
        for suffix in ("-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        return aside

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- writing -----------------------------------------------------------
    def put(self, record: dict[str, Any]) -> bool:
        """Insert or update (same record_id, still pending) in one transaction.
        Returns False, with a notice, when the record could not be written."""
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        try:
            db = self._connect()
            with _transaction(db):
                db.execute(
                    "INSERT INTO records (record_id, body, bytes, created) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(record_id) DO UPDATE SET body = excluded.body, "
                    "bytes = excluded.bytes WHERE records.state = 'pending'",
                    (record["record_id"], body, len(body.encode()), self.clock()),
                )
                self._enforce_caps(db)
        except (sqlite3.Error, OSError) as exc:
            if self._db is not None and self._db.in_transaction:
                try:
                    self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    self.close()
            self.unwritten += 1
            self.notices.append(
                _("An outcome record could not be saved ({error}); it was dropped.").format(
                    error=exc
                )
            )
            return False
        return True

    def _enforce_caps(self, db: sqlite3.Connection) -> None:
        now = self.clock()
        expired = db.execute(
            "DELETE FROM records WHERE state = 'pending' AND created < ?",
            (now - self.limits.max_age_s,),
        ).rowcount
        self._count(db, "dropped_expired", expired)
        count, size = db.execute(
            "SELECT count(*), coalesce(sum(bytes), 0) FROM records WHERE state = 'pending'"
        ).fetchone()
        if count > self.limits.max_pending:
            over = count - self.limits.max_pending
            db.execute(
                "DELETE FROM records WHERE record_id IN (SELECT record_id FROM records "
                "WHERE state = 'pending' ORDER BY created, rowid LIMIT ?)",
                (over,),
            )
            self._count(db, "dropped_count_cap", over)
            size = db.execute(
                "SELECT coalesce(sum(bytes), 0) FROM records WHERE state = 'pending'"
            ).fetchone()[0]
        dropped = 0
        while size > self.limits.max_bytes:
            row = db.execute(
                "SELECT record_id, bytes FROM records WHERE state = 'pending' "
                "ORDER BY created, rowid LIMIT 1"
            ).fetchone()
            if row is None:
                break
            db.execute("DELETE FROM records WHERE record_id = ?", (row[0],))
            size -= row[1]
            dropped += 1
        self._count(db, "dropped_bytes_cap", dropped)
        # Delivered records are kept a while only to answer `status`; cap them too.
        db.execute(
            "DELETE FROM records WHERE state = 'sent' AND created < ?",
            (now - self.limits.max_age_s,),
        )

    @staticmethod
    def _count(db: sqlite3.Connection, name: str, n: int) -> None:
        if n:
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (name, n),
            )

    def mark(self, record_ids: list[str], state: str) -> None:
        db = self._connect()
        with _transaction(db):
            db.executemany(
                "UPDATE records SET state = ? WHERE record_id = ? AND state = 'pending'",
                [(state, rid) for rid in record_ids],
            )

    def purge(self) -> None:
        db = self._connect()
        with _transaction(db):
            db.execute("DELETE FROM records")
            db.execute("DELETE FROM counters")
        db.execute("VACUUM")

    # --- reading -----------------------------------------------------------
    def pending(self, limit: int | None = None) -> Iterator[dict[str, Any]]:
        db = self._connect()
        query = "SELECT body FROM records WHERE state = 'pending' ORDER BY created, rowid"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        for (body,) in db.execute(query):
            yield json.loads(body)

    def all_records(self) -> Iterator[dict[str, Any]]:
        db = self._connect()
        for (body,) in db.execute("SELECT body FROM records WHERE state != 'rejected'"):
            yield json.loads(body)

    def stats(self) -> dict[str, int]:
        db = self._connect()
        out = {"pending": 0, "sent": 0, "rejected": 0, "pending_bytes": 0}
        for state, count, size in db.execute(
            "SELECT state, count(*), coalesce(sum(bytes), 0) FROM records GROUP BY state"
        ):
            out[state] = count
            if state == "pending":
                out["pending_bytes"] = size
        for name, value in db.execute("SELECT name, value FROM counters"):
            out[name] = value
        out["dropped_unwritten"] = self.unwritten
        return out


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT: the write lock is taken up front, so two
    processes queue (busy_timeout) instead of failing half-way."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
