"""Salvage of a damaged outcome log, row by row, in Python (SQLite's `.recover`
needs the sqlite3 command-line tool, which is often not installed).

Rows are read by rowid in windows; a window that fails is split in halves down
to single rows, so one bad page costs only the rows on it. Each row read is
checked (damage can garble a row without an error), and the log's own count (the
`totals` table, else an index) says how many could not be read.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..i18n import _
from ..record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

STATES = ("pending", "sent", "rejected")


_COLUMNS = "rowid, record_id, body, bytes, created, state"


@record
class Salvaged:
    rows: list[tuple[Any, ...]]
    counters: dict[str, int]
    #: Records the log held by its own count, if that count could be read.
    expected: int | None
    #: Every row was read and the integrity check passed.
    whole: bool

    @property
    def lost(self) -> int | None:
        if self.expected is None:
            return None if not self.whole else 0
        return max(0, self.expected - len(self.rows))

    def lost_text(self) -> str:
        lost = self.lost
        if lost is None:
            return _("an unknown number could not be read")
        return _("{n} could not be read").format(n=lost)


def salvage_rows(path: Path) -> Salvaged:
    """Every row of a (possibly damaged) log that can still be read: rowid ranges
    read in windows, a failing window split in halves down to single rows, each
    body checked (JSON whose record_id matches). No sqlite3 command-line tool needed."""
    from .store import open_read_only

    try:
        db = open_read_only(path, "SELECT count(*) FROM sqlite_master")
    except sqlite3.Error:
        return Salvaged([], {}, None, False)
    try:
        return _salvage_from(db)
    finally:
        db.close()


def _salvage_from(db: sqlite3.Connection) -> Salvaged:
    def one(query: str) -> Any:
        try:
            return db.execute(query).fetchone()
        except sqlite3.Error:
            return None

    try:
        whole = db.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        columns = {row[1] for row in db.execute("PRAGMA table_info(records)")}
    except sqlite3.Error:
        return Salvaged([], {}, None, False)  # not even its list of tables can be read
    if not {"record_id", "body", "bytes", "created", "state"} <= columns:
        return Salvaged([], {}, None, whole and not columns)
    select = _COLUMNS + (", source" if "source" in columns else ", NULL")
    # How many there were: the totals (one small page), else an index's count.
    expected = None
    for query in (
        "SELECT sum(n) FROM totals",
        "SELECT count(*) FROM records INDEXED BY records_state",
        "SELECT count(*) FROM records INDEXED BY sqlite_autoindex_records_1",
    ):
        got = one(query)
        if got is not None and got[0] is not None:
            expected = int(got[0])
            break
    ends = [one("SELECT min(rowid), max(rowid) FROM records")]
    rows: list[tuple[Any, ...]] = []
    failed = False

    def read(lo: int, hi: int) -> int:
        """Rows with lo <= rowid < hi; how many came back (failures included)."""
        nonlocal failed
        try:
            got = db.execute(
                f"SELECT {select} FROM records WHERE rowid >= ? AND rowid < ? ORDER BY rowid",
                (lo, hi),
            ).fetchall()
        except sqlite3.Error:
            failed = True
            if hi - lo == 1:
                return 1
            mid = (lo + hi) // 2
            return read(lo, mid) + read(mid, hi)
        sound = [r for r in got if _sound(r)]
        failed = failed or len(sound) < len(got)
        rows.extend(sound)
        return len(got)

    window = 256
    if ends[0] is not None and ends[0][1] is not None:
        lo, top = int(ends[0][0]), int(ends[0][1])
        while lo <= top:
            read(lo, lo + window)
            lo += window
    elif ends[0] is None:  # an edge of the table is damaged: read on until nothing comes
        lo, empty = 1, 0
        while empty < 1024:
            empty = 0 if read(lo, lo + window) else empty + 1
            lo += window
    counters: dict[str, int] = {}
    try:
        for name, value in db.execute("SELECT name, value FROM counters"):
            if isinstance(name, str) and isinstance(value, int):
                counters[name] = value
    except sqlite3.Error:
        failed = True
    return Salvaged(rows, counters, expected, whole and not failed)


def _sound(row: tuple[Any, ...]) -> bool:
    """A salvaged row that is what it says: damage can garble a row without an error."""
    _rowid, record_id, body, size, created, state, _source = row
    if not isinstance(record_id, str) or not isinstance(body, str) or state not in STATES:
        return False
    if not isinstance(created, (int, float)) or not isinstance(size, int):
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("record_id") == record_id


def fill(db: sqlite3.Connection, found: Salvaged, keep_existing: bool = False) -> int:
    """Write salvaged rows (and counters, and how many were lost) into a log; the
    number of rows written. `keep_existing`: merge, a record already there wins."""
    own = not db.in_transaction
    if own:
        db.execute("BEGIN IMMEDIATE")
    written = 0
    for row in found.rows:
        if keep_existing:
            written += db.execute(
                "INSERT OR IGNORE INTO records (record_id, body, bytes, created, state, source) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                row[1:],
            ).rowcount
        else:
            db.execute(
                "INSERT INTO records (rowid, record_id, body, bytes, created, state, source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            written += 1
    if not keep_existing:
        for name, value in found.counters.items():
            _count(db, name, value)
        _count(db, "dropped_damaged", found.lost or 0)
    if own:
        db.execute("COMMIT")
    return written


def _count(db: sqlite3.Connection, name: str, n: int) -> None:
    if n:
        db.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
            (name, n),
        )
