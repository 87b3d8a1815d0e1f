"""The report that closes the loop: per guide and per node, where people give up.

It streams: records are folded into counters one at a time, and durations into a
histogram (at most one day of distinct values), so memory stays flat whatever
the number of records.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable

from ..record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OUTCOME_COLUMNS = ("resolved", "unresolved", "escalate", "completed", "abandoned")


def duration_bucket(seconds: int) -> int:
    """Durations kept to two significant digits past a minute (1234 s -> 1200 s), so
    each guide's histogram stays small (at most 360 buckets over a day) and the
    median is within 5% of the exact one."""
    if seconds < 100:
        return seconds
    scale = 10 ** (len(str(seconds)) - 2)
    return round(seconds / scale) * scale


@record
class GuideStats:
    sessions: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    durations: Counter[int] = field(default_factory=Counter)
    rating_sum: int = 0
    ratings: int = 0

    def median_duration(self) -> float | None:
        total = sum(self.durations.values())
        if not total:
            return None
        middle = (total - 1) / 2
        seen = 0
        low = high = None
        for value in sorted(self.durations):
            seen += self.durations[value]
            if low is None and seen > int(middle):
                low = value
            if seen > int(middle + 0.5):
                high = value
                break
        return (low + high) / 2  # type: ignore[operator]


@record
class NodeStats:
    visits: int = 0
    sessions: int = 0
    ended: int = 0
    abandoned: int = 0
    flagged: int = 0


@record
class Report:
    guides: dict[tuple[str, int], GuideStats] = field(default_factory=dict)
    #: Per guide and version: node id -> its figures (flattened by `nodes`).
    guide_nodes: dict[tuple[str, int], dict[str, NodeStats]] = field(default_factory=dict)
    records: int = 0

    @property
    def nodes(self) -> dict[tuple[str, int, str], NodeStats]:
        return {
            (*key, node_id): stats
            for key, nodes in self.guide_nodes.items()
            for node_id, stats in nodes.items()
        }

    def add(self, record: dict[str, Any]) -> None:
        """Fold one record in (the hot loop of a million-record report: plain dict
        lookups, no objects made for nodes already known)."""
        self.records += 1
        key = (record["guide_id"], int(record["guide_version"]))
        g = self.guides.get(key)
        if g is None:
            g = self.guides[key] = GuideStats()
            self.guide_nodes[key] = {}
        nodes = self.guide_nodes[key]
        g.sessions += 1
        g.outcomes[record["outcome"]] += 1
        g.durations[duration_bucket(int(record["duration_s"]))] += 1
        rating = record.get("rating")
        if rating is not None:
            g.rating_sum += int(rating)
            g.ratings += 1
        path = record["path"]
        for node_id in path:
            n = nodes.get(node_id)
            if n is None:
                n = nodes[node_id] = NodeStats()
            n.visits += 1
        for node_id in set(path) if len(path) > 1 else path:
            nodes[node_id].sessions += 1
        if path:
            last = nodes[path[-1]]
            if record["outcome"] == "abandoned":
                last.abandoned += 1
            else:
                last.ended += 1
        flagged = record.get("flagged")
        if flagged:
            for node_id in set(flagged):
                n = nodes.get(node_id)
                if n is None:
                    n = nodes[node_id] = NodeStats()
                n.flagged += 1

    # --- output --------------------------------------------------------------
    def guide_rows(self, min_count: int = 1) -> list[dict[str, Any]]:
        rows = []
        for (guide_id, version), g in sorted(self.guides.items()):
            if g.sessions < min_count:
                continue
            row: dict[str, Any] = {"guide_id": guide_id, "version": version, "sessions": g.sessions}
            for outcome in OUTCOME_COLUMNS:
                row[f"pct_{outcome}"] = round(100 * g.outcomes[outcome] / g.sessions, 1)
            row["median_duration_s"] = g.median_duration()
            row["mean_rating"] = (
                round(g.rating_sum / g.ratings, 2) if g.ratings >= min_count else None
            )
            rows.append(row)
        return rows

    def node_rows(self, min_count: int = 1) -> list[dict[str, Any]]:
        rows = []
        for (guide_id, version, node_id), n in sorted(self.nodes.items()):
            if n.sessions < min_count:
                continue
            rows.append({
                "guide_id": guide_id, "version": version, "node": node_id,
                "visits": n.visits, "sessions": n.sessions, "ended_here": n.ended,
                "abandoned_here": n.abandoned, "flagged_unclear": n.flagged,
            })  # fmt: skip
        return rows

    def hidden(self, min_count: int) -> tuple[int, int]:
        g = sum(1 for s in self.guides.values() if s.sessions < min_count)
        n = sum(1 for s in self.nodes.values() if s.sessions < min_count)
        return g, n


def build(records: Iterable[dict[str, Any]]) -> Report:
    report = Report()
    for row in records:
        report.add(row)
    return report


# --- big exports, on every core ------------------------------------------------

#: Bytes of NDJSON handed to a worker at once (a few tens of thousands of records).
CHUNK_BYTES = 4 * 1024 * 1024
#: Below this size a file is folded in this process: workers would cost more.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024


def merge(into: Report, part: Report) -> None:
    into.records += part.records
    for key, g in part.guides.items():
        mine = into.guides.get(key)
        if mine is None:
            into.guides[key] = g
            into.guide_nodes[key] = part.guide_nodes[key]
            continue
        mine.sessions += g.sessions
        mine.outcomes.update(g.outcomes)
        mine.durations.update(g.durations)
        mine.rating_sum += g.rating_sum
        mine.ratings += g.ratings
        nodes = into.guide_nodes[key]
        for node_id, n in part.guide_nodes[key].items():
            have = nodes.get(node_id)
            if have is None:
                nodes[node_id] = n
                continue
            have.visits += n.visits
            have.sessions += n.sessions
            have.ended += n.ended
            have.abandoned += n.abandoned
            have.flagged += n.flagged


def _fold_chunk(chunk: bytes, part: Report | None = None) -> Report:
    part = part if part is not None else Report()
    loads, add = json.loads, part.add
    for line in chunk.splitlines():
        if line.strip():
            add(loads(line))
    return part


def _worker(chunks: Any, results: Any) -> None:
    """Fold every chunk it is given into one report; send it back at the end (one
    report per worker, so the merging stays small)."""
    part = Report()
    while (chunk := chunks.get()) is not None:
        _fold_chunk(chunk, part)
    results.put(part)


def _chunks(raw: Any) -> Iterable[bytes]:
    """Whole lines, about CHUNK_BYTES at a time."""
    rest = b""
    while block := raw.read(CHUNK_BYTES):
        block = rest + block
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            rest = block
            continue
        rest = block[cut:]
        yield block[:cut]
    if rest.strip():
        yield rest


def build_from_files(paths: Iterable[Any], workers: int = 1) -> Report:
    """A report over export files (NDJSON, or .gz): folded in worker processes, a few
    chunks in flight at a time so memory stays flat, then merged. The result is the
    same as `build(read_export(...))`, whatever the number of workers."""
    import gzip
    from pathlib import Path

    report = Report()
    files = [Path(p) for p in paths]
    # NDJSON records compress about tenfold.
    size = sum(f.stat().st_size * (10 if f.suffix == ".gz" else 1) for f in files)
    if workers <= 1 or size < PARALLEL_MIN_BYTES:
        for path in files:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as raw:  # type: ignore[operator]
                for chunk in _chunks(raw):
                    merge(report, _fold_chunk(chunk))
        return report
    import multiprocessing

    chunks: Any = multiprocessing.Queue(maxsize=workers)  # bounds memory
    results: Any = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_worker, args=(chunks, results), daemon=True)
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    try:
        for path in files:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as raw:  # type: ignore[operator]
                for chunk in _chunks(raw):
                    chunks.put(chunk)
        for _ in procs:
            chunks.put(None)
        for _ in procs:
            merge(report, results.get())
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
    return report


def to_json(report: Report, min_count: int) -> str:
    hidden = report.hidden(min_count)
    return json.dumps(
        {
            "records": report.records,
            "min_count": min_count,
            "guides": report.guide_rows(min_count),
            "nodes": report.node_rows(min_count),
            "hidden": {"guides": hidden[0], "nodes": hidden[1]},
        },
        indent=2,
    )


def to_csv(report: Report, min_count: int) -> str:
    out = io.StringIO()
    for title, rows in (("guides", report.guide_rows(min_count)),
                        ("nodes", report.node_rows(min_count))):  # fmt: skip
        out.write(f"# {title}\n")
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return out.getvalue()


def print_tables(report: Report, min_count: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..sanitize import safe_console

    console = safe_console(highlight=False)
    table = Table(title=f"Outcomes by guide ({report.records} records)", title_justify="left")
    for col in ("guide", "ver", "sessions", "resolved", "unresolved", "escalated",
                "completed", "abandoned", "median s", "rating"):  # fmt: skip
        table.add_column(col, justify="left" if col == "guide" else "right")
    for row in report.guide_rows(min_count):
        median = row["median_duration_s"]
        table.add_row(
            Text(row["guide_id"]), str(row["version"]), str(row["sessions"]),
            *(f"{row[f'pct_{o}']:.0f}%" for o in OUTCOME_COLUMNS),
            "-" if median is None else f"{median:g}",
            "-" if row["mean_rating"] is None else f"{row['mean_rating']:.1f}",
        )  # fmt: skip
    console.print(table)
    nodes = Table(title="Where people stop, by node", title_justify="left")
    for col in ("guide", "node", "visits", "ended here", "abandoned here", "flagged unclear"):
        nodes.add_column(col, justify="left" if col in ("guide", "node") else "right")
    for row in report.node_rows(min_count):
        nodes.add_row(
            Text(f"{row['guide_id']} v{row['version']}"), Text(row["node"]), str(row["visits"]),
            str(row["ended_here"]), str(row["abandoned_here"]), str(row["flagged_unclear"]),
        )  # fmt: skip
    console.print(nodes)
    g, n = report.hidden(min_count)
    if g or n:
        console.print(
            Text(f"Hidden (fewer than {min_count} sessions): {g} guide rows, {n} node rows.")
        )
