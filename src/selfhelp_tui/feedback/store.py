"""The local outcome log: SQLite in WAL mode, one transaction per record.

Promises (tested, docs/feedback.md says what happens in each case):

- a committed record survives a crash; two processes can log at once;
- a full, read-only or unreadable disk (or a log another process keeps locked)
  never breaks a walk and never costs the log: the database is left as it is, only
  the record in hand is dropped, and the drop is counted where it survives (the
  database, or a small counter file written in place when the database cannot be);
- a damaged database (SQLite says so, and `PRAGMA quick_check` confirms it) is
  salvaged row by row into a fresh one, the damaged file is set aside once, and the
  user is told how many records were saved and lost;
- reading never creates a database, and works on a read-only file system;
- pending records are capped by count, bytes and age, oldest first, every drop
  counted by reason; the counts are kept by triggers, so a write never scans.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..i18n import _
from ..record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

MAX_PENDING = 50_000
MAX_PENDING_BYTES = 20 * 1024 * 1024
MAX_AGE_DAYS = 90
#: The database's layout (`PRAGMA user_version`): 2 added `source` and `totals`.
SCHEMA_VERSION = 2
STATES = ("pending", "sent", "rejected")
#: Rows read at a time when streaming records out.
PAGE = 500

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS records (
        record_id TEXT PRIMARY KEY,
        body      TEXT NOT NULL,
        bytes     INTEGER NOT NULL,
        created   REAL NOT NULL,
        state     TEXT NOT NULL DEFAULT 'pending',
        source    TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS records_state ON records (state, created)",
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)

#: Records and bytes per state, kept by the writes themselves: the caps read two
#: numbers instead of counting 50,000 rows on every record (68 ms at the cap).
_TOTALS = (
    """CREATE TABLE IF NOT EXISTS totals (
        state TEXT PRIMARY KEY, n INTEGER NOT NULL, bytes INTEGER NOT NULL
    )""",
    """CREATE TRIGGER IF NOT EXISTS totals_insert AFTER INSERT ON records BEGIN
        INSERT INTO totals (state, n, bytes) VALUES (new.state, 1, new.bytes)
        ON CONFLICT(state) DO UPDATE SET n = n + 1, bytes = bytes + excluded.bytes;
    END""",
    """CREATE TRIGGER IF NOT EXISTS totals_delete AFTER DELETE ON records BEGIN
        UPDATE totals SET n = n - 1, bytes = bytes - old.bytes WHERE state = old.state;
    END""",
    """CREATE TRIGGER IF NOT EXISTS totals_update AFTER UPDATE OF state, bytes ON records BEGIN
        UPDATE totals SET n = n - 1, bytes = bytes - old.bytes WHERE state = old.state;
        INSERT INTO totals (state, n, bytes) VALUES (new.state, 1, new.bytes)
        ON CONFLICT(state) DO UPDATE SET n = n + 1, bytes = bytes + excluded.bytes;
    END""",
)

# --- what went wrong -----------------------------------------------------------

CORRUPT = "corrupt"
FULL = "full"
READONLY = "readonly"
PERM = "perm"
CANTOPEN = "cantopen"
IOERR = "ioerr"
BUSY = "busy"
OTHER = "other"

#: SQLite's primary result codes (the low byte of an extended code).
_CODES = {3: PERM, 5: BUSY, 6: BUSY, 8: READONLY, 10: IOERR, 11: CORRUPT, 13: FULL,
          14: CANTOPEN, 26: CORRUPT}  # fmt: skip
#: Python 3.10 has no `sqlite_errorcode`: SQLite's own messages for those codes.
_MESSAGES = (
    ("not a database", CORRUPT),
    ("malformed", CORRUPT),
    ("disk is full", FULL),
    ("readonly", READONLY),
    ("read-only", READONLY),
    ("unable to open", CANTOPEN),
    ("disk i/o error", IOERR),
    ("permission denied", PERM),
    ("is locked", BUSY),
    ("is busy", BUSY),
)
_ERRNOS = {errno.ENOSPC: FULL, errno.EROFS: READONLY, errno.EACCES: PERM, errno.EPERM: PERM,
           errno.EDQUOT: FULL}  # fmt: skip


def error_kind(exc: BaseException) -> str:
    """Corruption, a full disk, a read-only file system, no permission, a file that
    cannot be opened, an I/O error or a lock: each is handled differently."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _CODES:
            return _CODES[code & 0xFF]
        text = str(exc).lower()
        for needle, kind in _MESSAGES:
            if needle in text:
                return kind
        return OTHER
    if isinstance(exc, OSError):
        return _ERRNOS.get(exc.errno or 0, IOERR)
    return OTHER


def reason_text(kind: str, exc: BaseException | None = None) -> str:
    """The kind of failure, in the user's words."""
    texts = {
        FULL: _("the disk is full"),
        READONLY: _("the file system is read-only"),
        PERM: _("no permission to write there"),
        CANTOPEN: _("the file cannot be opened"),
        IOERR: _("a disk input/output error"),
        BUSY: _("another selfhelp kept the log locked"),
        CORRUPT: _("the file is damaged"),
    }
    return texts.get(kind) or str(exc or kind)


def repaired_not_text() -> str:
    return _("the log is damaged and cannot be repaired here")


class StoreError(Exception):
    """The log could not be read or changed; `str()` says why, for the user."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@record
class Limits:
    max_pending: int = MAX_PENDING
    max_bytes: int = MAX_PENDING_BYTES
    max_age_s: float = MAX_AGE_DAYS * 86400


@record(frozen=True)
class Route:
    """Which records an upload takes, by the local `source` tag of the guide folder
    they came from (feedback/endpoints.py): `only` these tags, or every tag but
    `besides` (records without a tag included)."""

    only: tuple[str, ...] | None = None
    besides: tuple[str, ...] = ()

    def sql(self) -> tuple[str, list[str]]:
        if self.only is not None:
            if not self.only:
                return " AND 0", []
            return f" AND source IN ({', '.join('?' * len(self.only))})", list(self.only)
        if self.besides:
            marks = ", ".join("?" * len(self.besides))
            return f" AND (source IS NULL OR source NOT IN ({marks}))", list(self.besides)
        return "", []


EVERY = Route()


class Store:
    def __init__(self, path: Path, limits: Limits | None = None, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self.limits = limits or Limits()
        self.clock = clock
        #: Things to tell the user once (a damaged log salvaged, a dropped record).
        self.notices: list[str] = []
        #: Records this process could not write (the lasting count is in `stats`).
        self.unwritten = 0
        #: Drops not yet counted anywhere that lasts (nothing could be written).
        self._uncounted = 0
        self._db: sqlite3.Connection | None = None
        #: The open database accepts writes (not a read-only or in-memory fallback).
        self._writable = False
        #: The file the open connection belongs to (another process may replace it).
        self._identity: tuple[int, int] | None = None

    # --- files ---------------------------------------------------------------
    def _sibling(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    @property
    def damaged_path(self) -> Path:
        """Where a damaged log is set aside (one file: a newer damage replaces it)."""
        return self._sibling(".damaged")

    @property
    def counter_path(self) -> Path:
        """Drops counted when the database cannot be written: a fixed-size file made
        with the database and rewritten in place, so it needs no new disk space."""
        return self._sibling(".unwritten")

    def _identity_now(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _legacy_asides(self) -> list[Path]:
        """Logs that older versions moved aside as `.corrupt-STAMP`, often only
        because the disk was full: their records are brought back."""
        import re

        pattern = re.compile(re.escape(self.path.name) + r"\.corrupt-\d{8}T\d{6}(-\d+)?")
        try:
            names = os.listdir(self.path.parent)
        except OSError:
            return []
        return sorted(self.path.parent / n for n in names if pattern.fullmatch(n))

    # --- opening -------------------------------------------------------------
    def _connect(self, create: bool = True) -> sqlite3.Connection | None:
        """The connection for a write (`create`: make the log if there is none) or
        a read (None when there is no log: reading never creates one)."""
        if self._db is not None:
            if self._writable and self._identity_now() != self._identity:
                self.close()  # purged or salvaged by another process: open the new file
            elif self._writable or not create:
                return self._db
            else:
                self.close()  # a read-only connection, and now a write
        self._finish_swap()
        exists = self.path.exists()
        if not exists and not create and not self._legacy_asides():
            return None
        if not exists:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._open()
        except (sqlite3.Error, OSError) as exc:
            if not exists:  # a half-made file (no space for its header) is not a log
                self._remove_empty()
            if create or error_kind(exc) not in (READONLY, CANTOPEN, PERM, IOERR):
                raise
            db = self._open_read_only()
            self._db, self._writable, self._identity = db, False, None
            return db
        self._db, self._writable, self._identity = db, True, self._identity_now()
        self._ensure_counter_file()
        if self._legacy_asides():
            self._bring_back_legacy(db)
        return db

    def _finish_swap(self) -> None:
        """A salvage killed between its two renames left the new log beside the
        place it goes: put it there."""
        fresh = self._sibling(".salvage")
        if not self.path.exists() and fresh.exists() and self.damaged_path.exists():
            with contextlib.suppress(OSError):
                os.replace(fresh, self.path)

    def _open(self) -> sqlite3.Connection:
        for attempt in range(50):
            try:
                return self._open_once()
            except sqlite3.OperationalError as exc:
                # Two processes creating the file at once race for the switch to
                # WAL, which SQLite does not retry by itself.
                if error_kind(exc) != BUSY or attempt == 49:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")  # pragma: no cover

    def _open_once(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._migrate(db)
            db.execute("SELECT 1 FROM records LIMIT 1").fetchall()
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """A new log, or one from before `source` and `totals` (schema 1)."""
        with _transaction(db):
            if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
                return  # another process did it while this one waited
            for statement in _SCHEMA:
                db.execute(statement)
            columns = {row[1] for row in db.execute("PRAGMA table_info(records)")}
            if "source" not in columns:
                db.execute("ALTER TABLE records ADD COLUMN source TEXT")
            for statement in _TOTALS:
                db.execute(statement)
            db.execute("DELETE FROM totals")
            db.execute(
                "INSERT INTO totals (state, n, bytes) "
                "SELECT state, count(*), coalesce(sum(bytes), 0) FROM records GROUP BY state"
            )
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _open_read_only(self) -> sqlite3.Connection:
        """A log on a read-only file system: SQLite cannot make the WAL index beside
        it, so it is read as it is (`immutable`: nobody can change it there)."""
        db = open_read_only(self.path, "SELECT 1 FROM records LIMIT 1")
        if "source" not in {row[1] for row in db.execute("PRAGMA table_info(records)")}:
            # A log from before `source` (it cannot be changed here): read it as if
            # it had one, empty (a temporary view, in memory, hides the table).
            db.execute("CREATE TEMP VIEW records AS SELECT *, NULL AS source FROM main.records")
        return db

    def _remove_empty(self) -> None:
        try:
            if self.path.stat().st_size == 0:
                self.path.unlink()
        except OSError:
            pass

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
            self._writable = False
            self._identity = None

    def _rollback(self) -> None:
        if self._db is not None and self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                self.close()

    # --- every operation: errors sorted, damage salvaged ----------------------
    def _run(self, op: Callable[[sqlite3.Connection | None], T], create: bool) -> T:
        """Run `op` on the log. A damaged log is salvaged and `op` run once more on
        the new one (a read runs on the rows salvaged into memory when no new log
        can be written); any other failure raises StoreError and leaves the file as
        it is."""
        for attempt in range(2):
            try:
                return op(self._connect(create))
            except (sqlite3.Error, OSError) as exc:
                self._rollback()
                kind = error_kind(exc)
                if kind == CORRUPT and attempt == 0 and self._confirm_damage():
                    repaired = self._salvage()
                    if repaired or not create:
                        continue
                    raise StoreError(CORRUPT, repaired_not_text()) from exc
                if kind == CORRUPT:  # SQLite said so, but the file checks out
                    kind = OTHER
                raise StoreError(kind, self._reason(kind, exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _reason(self, kind: str, exc: BaseException) -> str:
        """What to tell the user. SQLite reports a full disk as an I/O error when it
        is the WAL index that cannot grow, and a read-only file system as a file
        that cannot be opened: the file system itself says which it is."""
        if kind in (CANTOPEN, PERM, IOERR, OTHER):
            fs = self._fs()
            if fs is not None and fs.f_flag & os.ST_RDONLY:
                kind = READONLY
            elif fs is not None and fs.f_bavail == 0 and kind != PERM:
                kind = FULL
        return reason_text(kind, exc)

    def _fs(self) -> os.statvfs_result | None:
        folder = self.path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        try:
            return os.statvfs(folder)
        except (OSError, AttributeError):
            return None

    def _on_read_only_fs(self) -> bool:
        fs = self._fs()
        return fs is not None and bool(fs.f_flag & os.ST_RDONLY)

    # --- writing -------------------------------------------------------------
    def put(self, record: dict[str, Any], source: str | None = None) -> bool:
        """Insert or update (same record_id, still pending) in one transaction.
        Returns False, with a notice, when the record could not be written: the
        log is left as it is and the drop is counted."""
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        size = len(body.encode())

        def write(db: sqlite3.Connection | None) -> None:
            assert db is not None
            with _transaction(db):
                db.execute(
                    "INSERT INTO records (record_id, body, bytes, created, source) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE SET "
                    "body = excluded.body, bytes = excluded.bytes WHERE records.state = 'pending'",
                    (record["record_id"], body, size, self.clock(), source),
                )
                self._enforce_caps(db)
                if self._uncounted:
                    self._count(db, "dropped_unwritten", self._uncounted)
            self._uncounted = 0

        try:
            self._run(write, create=True)
        except StoreError as exc:
            self._drop(str(exc))
            return False
        return True

    def _drop(self, reason: str) -> None:
        self.unwritten += 1
        if not self._bump_counter_file():
            self._uncounted += 1  # counted into the log at its next write
        self.notices.append(
            _("An outcome record could not be saved ({error}); it was dropped.").format(
                error=reason
            )
        )

    def _ensure_counter_file(self) -> None:
        if self.counter_path.exists():
            return
        try:
            fd = os.open(self.counter_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError:
            return
        try:
            os.write(fd, b"%020d\n" % 0)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _bump_counter_file(self) -> bool:
        """Add one to the counter file, in place (no new blocks, so it works on a
        full disk); False when it cannot be written either."""
        try:
            fd = os.open(self.counter_path, os.O_RDWR)
        except OSError:
            return False
        try:
            _lock(fd)
            value = _read_count(os.pread(fd, 64, 0)) + 1 + self._uncounted
            os.pwrite(fd, b"%020d\n" % value, 0)
            os.fsync(fd)
        except OSError:
            return False
        finally:
            os.close(fd)
        self._uncounted = 0
        return True

    def _counter_file_value(self) -> int:
        try:
            return _read_count(self.counter_path.read_bytes()[:64])
        except OSError:
            return 0

    def _enforce_caps(self, db: sqlite3.Connection) -> None:
        now = self.clock()
        expired = db.execute(
            "DELETE FROM records WHERE state = 'pending' AND created < ?",
            (now - self.limits.max_age_s,),
        ).rowcount
        self._count(db, "dropped_expired", expired)
        count, size = db.execute(
            "SELECT n, bytes FROM totals WHERE state = 'pending'"
        ).fetchone() or (0, 0)
        if count > self.limits.max_pending:
            over = count - self.limits.max_pending
            db.execute(
                "DELETE FROM records WHERE record_id IN (SELECT record_id FROM records "
                "WHERE state = 'pending' ORDER BY created, rowid LIMIT ?)",
                (over,),
            )
            self._count(db, "dropped_count_cap", over)
            size = db.execute("SELECT bytes FROM totals WHERE state = 'pending'").fetchone()[0]
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
        """Raises StoreError when the log cannot be written (the records stay pending)."""

        def write(db: sqlite3.Connection | None) -> None:
            assert db is not None
            with _transaction(db):
                db.executemany(
                    "UPDATE records SET state = ? WHERE record_id = ? AND state = 'pending'",
                    [(state, rid) for rid in record_ids],
                )

        if record_ids:
            self._run(write, create=True)

    def purge(self) -> None:
        """Delete every record, the counts, and any damaged copy. A log that SQL
        cannot empty (damaged, or no room even to write the deletion) is deleted as
        a file; another process that has it open notices and starts a new one.
        Raises StoreError when nothing can be deleted (a read-only file system, or
        another selfhelp keeps the log locked)."""
        others = [p for p in (self.damaged_path, *self._legacy_asides()) if p.exists()]
        if not self.path.exists() and not others and not self._counter_file_value():
            return
        if self._on_read_only_fs():
            raise StoreError(READONLY, reason_text(READONLY))
        try:
            if self.path.exists():
                try:
                    db = self._connect(create=True)
                    assert db is not None
                    with _transaction(db):
                        db.execute("DELETE FROM records")
                        db.execute("DELETE FROM counters")
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("VACUUM")  # gives the space back; needs room itself
                except (sqlite3.Error, OSError) as exc:
                    self._rollback()
                    if error_kind(exc) == BUSY:
                        raise
                    self.close()
                    self._delete_with_journals(self.path)
            for path in others:
                self._delete_with_journals(path)
            self._sibling(".salvage").unlink(missing_ok=True)
            if self.counter_path.exists():
                fd = os.open(self.counter_path, os.O_RDWR)
                try:
                    os.pwrite(fd, b"%020d\n" % 0, 0)
                finally:
                    os.close(fd)
        except (sqlite3.Error, OSError) as exc:
            kind = error_kind(exc)
            raise StoreError(kind, self._reason(kind, exc)) from exc
        self._uncounted = 0

    @staticmethod
    def _delete_with_journals(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    # --- reading ---------------------------------------------------------------
    def _pages(
        self, query: str, args: list[Any], start: tuple[Any, ...], limit: int | None = None
    ) -> Iterator[str]:
        """Bodies, a page of rows at a time (the query's last columns are its sort
        key), each page read through `_run`: a damage found half-way is salvaged
        and the reading goes on where it was."""
        after, left = start, limit
        while left is None or left > 0:
            size = PAGE if left is None else min(PAGE, left)
            rows = self._run(_page_reader(query, [*args, *after, size]), create=False)
            for row in rows:
                yield row[0]
            if len(rows) < size:
                return
            after = tuple(rows[-1][1:])
            if left is not None:
                left -= len(rows)

    def pending(self, limit: int | None = None, route: Route = EVERY) -> Iterator[dict[str, Any]]:
        """Pending records, oldest first. Raises StoreError when the log cannot be read."""
        where, args = route.sql()
        query = (
            "SELECT body, created, rowid FROM records WHERE state = 'pending'" + where
            + " AND (created, rowid) > (?, ?) ORDER BY created, rowid LIMIT ?"
        )  # fmt: skip
        for body in self._pages(query, args, (-1e300, -(2**63)), limit):
            yield json.loads(body)

    def all_records(self) -> Iterator[dict[str, Any]]:
        """Every record but the rejected ones (for the report)."""
        query = (
            "SELECT body, rowid FROM records WHERE state != 'rejected' AND rowid > ? "
            "ORDER BY rowid LIMIT ?"
        )
        for body in self._pages(query, [], (-(2**63),)):
            yield json.loads(body)

    def count_pending(self, route: Route = EVERY) -> int:
        where, args = route.sql()

        def count(db: sqlite3.Connection | None) -> int:
            if db is None:
                return 0
            query = "SELECT count(*) FROM records WHERE state = 'pending'" + where
            return int(db.execute(query, args).fetchone()[0])

        return self._run(count, create=False)

    def pending_by_source(self) -> dict[str | None, int]:
        def count(db: sqlite3.Connection | None) -> dict[str | None, int]:
            if db is None:
                return {}
            rows = db.execute(
                "SELECT source, count(*) FROM records WHERE state = 'pending' GROUP BY source"
            )
            return {source: n for source, n in rows}

        return self._run(count, create=False)

    def stats(self) -> dict[str, int]:
        """Counts for `status`. Raises StoreError when the log cannot be read."""

        def read(db: sqlite3.Connection | None) -> dict[str, int]:
            out = {"pending": 0, "sent": 0, "rejected": 0, "pending_bytes": 0}
            if db is None:
                return out
            for state, count, size in db.execute(
                "SELECT state, count(*), coalesce(sum(bytes), 0) FROM records GROUP BY state"
            ):
                out[state] = count
                if state == "pending":
                    out["pending_bytes"] = size
            for name, value in db.execute("SELECT name, value FROM counters"):
                out[name] = value
            return out

        out = self._run(read, create=False)
        out["dropped_unwritten"] = (
            out.get("dropped_unwritten", 0) + self._counter_file_value() + self._uncounted
        )
        return out

    # --- damage --------------------------------------------------------------------
    def _confirm_damage(self) -> bool:
        """SQLite said "malformed" or "not a database": true only if an integrity
        check on the file agrees (a passing error is not a reason to set a log aside)."""
        self.close()
        if not self.path.exists():
            return False
        try:
            db = self._open_read_only()
        except sqlite3.Error as exc:
            return error_kind(exc) == CORRUPT
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            return error_kind(exc) == CORRUPT
        finally:
            db.close()
        return rows != [("ok",)]

    def _salvage(self) -> bool:
        """Read what can be read of the damaged log into a fresh one, set the damaged
        file aside (once: `.damaged`, with its journal), and say how it went. Where
        nothing can be written, the rows read are kept in memory for this process
        (reading goes on; writes are dropped and counted)."""
        from .salvage import fill, salvage_rows

        lock = _FileLock(self.path)
        with lock:
            # Another process may have salvaged it while this one waited for the lock.
            if lock.identity != self._identity_now() or not self._confirm_damage():
                return True
            found = salvage_rows(self.path)
            fresh = self._sibling(".salvage")
            try:
                self._delete_with_journals(fresh)
                db = sqlite3.connect(fresh, isolation_level=None)
                try:
                    db.execute("PRAGMA journal_mode = DELETE")
                    self._migrate(db)
                    fill(db, found)
                finally:
                    db.close()
                self._delete_with_journals(self.damaged_path)
                # Its WAL goes with it (it may hold what the file lacks); the WAL
                # index is rebuilt by whoever opens it.
                wal = Path(str(self.path) + "-wal")
                if wal.exists() and wal.stat().st_size:
                    os.replace(wal, str(self.damaged_path) + "-wal")
                for suffix in ("-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                os.replace(self.path, self.damaged_path)
                os.replace(fresh, self.path)
                _fsync_folder(self.path.parent)
            except (sqlite3.Error, OSError) as exc:
                self._delete_with_journals(fresh)
                memory = sqlite3.connect(":memory:", isolation_level=None)
                self._migrate(memory)
                fill(memory, found)
                self._db, self._writable, self._identity = memory, False, None
                kind = error_kind(exc)
                self.notices.append(
                    _(
                        "The outcome log is damaged and cannot be repaired here ({error}): "
                        "{saved} records could be read, {lost}."
                    ).format(
                        error=self._reason(kind, exc), saved=len(found.rows), lost=found.lost_text()
                    )
                )
                return False
        self.notices.append(
            _(
                "The outcome log was damaged: {saved} records were saved into a new log, "
                "{lost}; the damaged file was kept as {name}."
            ).format(saved=len(found.rows), lost=found.lost_text(), name=self.damaged_path.name)
        )
        return True

    def _bring_back_legacy(self, db: sqlite3.Connection) -> None:
        """Records in logs older versions moved aside (`.corrupt-STAMP`) go back into
        the log; a file read whole is removed, one that was really damaged becomes
        the `.damaged` copy."""
        from .salvage import fill, salvage_rows

        brought = 0
        for path in self._legacy_asides():
            try:
                found = salvage_rows(path)
                with _transaction(db):
                    brought += fill(db, found, keep_existing=True)
                    self._enforce_caps(db)
                if found.whole:
                    self._delete_with_journals(path)
                else:
                    self._delete_with_journals(self.damaged_path)
                    os.replace(path, self.damaged_path)
            except (sqlite3.Error, OSError):
                self._rollback()
                continue
        if brought:
            self.notices.append(
                _(
                    "{n} outcome records from a log that an earlier version set aside are back."
                ).format(n=brought)
            )


# --- small helpers -------------------------------------------------------------------


def _read_count(data: bytes) -> int:
    try:
        return max(0, int(data.strip() or b"0"))
    except ValueError:
        return 0


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _fsync_folder(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def open_read_only(path: Path, probe: str) -> sqlite3.Connection:
    """A log on a read-only file system: SQLite cannot make the WAL index beside
    it, so it is read as it is (`immutable`: nobody can change it there). `probe`
    is a query that must work on the connection."""
    last: sqlite3.Error | None = None
    for query in ("mode=ro", "immutable=1"):
        db = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True, isolation_level=None)
        try:
            db.execute(probe).fetchall()
            return db
        except sqlite3.Error as exc:
            last = exc
            db.close()
    assert last is not None
    raise last


def _page_reader(
    query: str, args: list[Any]
) -> Callable[[sqlite3.Connection | None], list[tuple[Any, ...]]]:
    def page(db: sqlite3.Connection | None) -> list[tuple[Any, ...]]:
        return [] if db is None else db.execute(query, args).fetchall()

    return page


class _FileLock:
    """One process salvages a damaged log at a time: an exclusive `flock` on the
    damaged file itself (SQLite's own locks are `fcntl` ones, independent of it).
    `identity` is the file that was locked, to see whether another process has
    replaced it meanwhile."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.identity: tuple[int, int] | None = None

    def __enter__(self) -> _FileLock:
        try:
            self.fd = os.open(self.path, os.O_RDONLY)
            st = os.fstat(self.fd)
            self.identity = (st.st_dev, st.st_ino)
            _lock(self.fd)
        except OSError:
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


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
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
