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
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..i18n import _
from ..record import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .schema import Record

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


#: The default K of k-anonymity: a row built from fewer sessions is not shown.
DEFAULT_MIN_COUNT = 5
#: Bad lines listed by file and line number (the rest are only counted).
FIRST_BAD = 5


@record
class Report:
    guides: dict[tuple[str, int], GuideStats] = field(default_factory=dict)
    #: Per guide and version: node id -> its figures (flattened by `nodes`).
    guide_nodes: dict[tuple[str, int], dict[str, NodeStats]] = field(default_factory=dict)
    records: int = 0
    #: Lines of export files that are not records, by reason.
    skipped: Counter[str] = field(default_factory=Counter)
    #: The first few of them: (file, line number, reason).
    first_bad: list[tuple[str, int, str]] = field(default_factory=list)
    #: Records read per file (to check against the file's manifest).
    per_file: Counter[str] = field(default_factory=Counter)
    #: What is wrong with a file as a whole (cut short, not its manifest...).
    problems: list[str] = field(default_factory=list)

    def skip(self, name: str, line: int, reason: str) -> None:
        self.skipped[reason] += 1
        if len(self.first_bad) < FIRST_BAD:
            self.first_bad.append((name, line, reason))

    @property
    def nodes(self) -> dict[tuple[str, int, str], NodeStats]:
        return {
            (*key, node_id): stats
            for key, nodes in self.guide_nodes.items()
            for node_id, stats in nodes.items()
        }

    def add(self, record: Record) -> None:
        """Fold one record in (the hot loop of a million-record report: attribute
        reads of a decoded struct, no objects made for nodes already known)."""
        self.records += 1
        key = (record.guide_id, record.guide_version)
        g = self.guides.get(key)
        if g is None:
            g = self.guides[key] = GuideStats()
            self.guide_nodes[key] = {}
        nodes = self.guide_nodes[key]
        g.sessions += 1
        g.outcomes[record.outcome] += 1
        g.durations[duration_bucket(record.duration_s)] += 1
        rating = record.rating
        if rating is not None:
            g.rating_sum += rating
            g.ratings += 1
        path = record.path
        for node_id in path:
            n = nodes.get(node_id)
            if n is None:
                n = nodes[node_id] = NodeStats()
            n.visits += 1
        for node_id in set(path) if len(path) > 1 else path:
            nodes[node_id].sessions += 1
        if path:
            last = nodes[path[-1]]
            if record.outcome == "abandoned":
                last.abandoned += 1
            else:
                last.ended += 1
        flagged = record.flagged
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


def build(records: Iterable[dict[str, Any]], name: str = "the local log") -> Report:
    """A report over records (the local log's); one that is not a record of schema
    1 is skipped and counted, as in a file."""
    from .schema import from_dict

    report = Report()
    for number, row in enumerate(records, 1):
        checked = from_dict(row)
        if isinstance(checked, str):
            report.skip(name, number, checked)
        else:
            report.add(checked)
    return report


# --- big exports, on every core ------------------------------------------------

#: Bytes of NDJSON handed to a worker at once (a few tens of thousands of records).
CHUNK_BYTES = 4 * 1024 * 1024
#: Below this size a file is folded in this process: workers would cost more.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024


def merge(into: Report, part: Report) -> None:
    into.records += part.records
    into.skipped.update(part.skipped)
    into.first_bad = sorted(into.first_bad + part.first_bad)[:FIRST_BAD]
    into.per_file.update(part.per_file)
    into.problems.extend(part.problems)
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


def _fold_chunk(chunk: Chunk, part: Report | None = None) -> Report:
    """Fold the records of a chunk in; a line that is not a record of schema 1 (not
    JSON, other fields, a wrong type) is counted and skipped, never fatal."""
    from .schema import decode_line

    part = part if part is not None else Report()
    add = part.add
    name, number, good = chunk.name, chunk.first_line - 1, 0
    for line in chunk.data.split(b"\n"):
        number += 1
        if not line.strip():
            continue
        checked = decode_line(line)
        if isinstance(checked, str):
            part.skip(name, number, checked)
            continue
        add(checked)
        good += 1
    part.per_file[name] += good
    return part


def _worker(chunks: Any, results: Any) -> None:
    """Fold every chunk it is given into one report; send it back at the end (one
    report per worker, so the merging stays small)."""
    part = Report()
    while (chunk := chunks.get()) is not None:
        _fold_chunk(chunk, part)
    results.put(part)


@record
class Chunk:
    """Whole lines of one file, and the number of the first."""

    name: str
    first_line: int
    data: bytes


class ReportInputError(ValueError):
    """A file given to the report cannot be read at all (missing, a folder...)."""


class _Input:
    """One export file read in chunks of whole lines, hashed as it is read (to
    check it against its manifest), with what went wrong kept instead of raised:
    a cut-short gzip file gives the records before the cut."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        self.problem: str | None = None
        self.sha256 = ""

    def chunks(self) -> Iterator[Chunk]:
        import hashlib
        import zlib

        digest = hashlib.sha256()
        line, rest = 1, b""
        with open(self.path, "rb") as raw:
            gz = self.path.suffix == ".gz"
            blocks = _gunzip(raw, digest, self) if gz else _plain(raw, digest)
            try:
                for block in blocks:
                    block = rest + block
                    cut = block.rfind(b"\n") + 1
                    if cut == 0:
                        rest = block
                        continue
                    rest = block[cut:]
                    yield Chunk(self.name, line, block[:cut])
                    line += block.count(b"\n", 0, cut)
            except zlib.error:
                self.problem = _("{file}: not gzip data, or damaged gzip data").format(
                    file=self.name
                )
            except OSError as exc:
                self.problem = _("{file}: cannot be read ({error})").format(
                    file=self.name, error=exc.strerror or exc
                )
            if rest.strip():
                yield Chunk(self.name, line, rest)
            while block := raw.read(CHUNK_BYTES):  # the whole file is hashed, even past a cut
                digest.update(block)
        self.sha256 = digest.hexdigest()

    def check_manifest(self, read: int) -> list[str]:
        """The file against `FILE.manifest.json` beside it, when there is one."""
        from .export import manifest_path

        where = manifest_path(self.path)
        if not where.exists():
            return []
        try:
            manifest = json.loads(where.read_text(encoding="utf-8"))
            expected, sha = int(manifest["records"]), str(manifest["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return [_("{file}: its manifest cannot be read").format(file=where)]
        out = []
        if sha != self.sha256:
            out.append(
                _("{file}: not the file its manifest describes (SHA-256 differs)").format(
                    file=self.name
                )
            )
        if expected != read:
            out.append(
                _("{file}: {read} records read, its manifest says {expected}").format(
                    file=self.name, read=read, expected=expected
                )
            )
        return out


def _plain(raw: Any, digest: Any) -> Iterator[bytes]:
    while block := raw.read(CHUNK_BYTES):
        digest.update(block)
        yield block


def _gunzip(raw: Any, digest: Any, source: _Input) -> Iterator[bytes]:
    """Gzip data decompressed as it comes, at most CHUNK_BYTES at a time (every
    member of a multi-member file), so a file cut short still gives everything
    before the cut; `source.problem` says it was cut."""
    import zlib

    member, fed = zlib.decompressobj(31), 0
    while block := raw.read(CHUNK_BYTES // 16):
        digest.update(block)
        fed += len(block)
        while block:
            yield member.decompress(block, CHUNK_BYTES)
            if member.eof:  # the next member starts in what is left
                block, member, fed = member.unused_data, zlib.decompressobj(31), 0
                fed = len(block)
            else:
                block = member.unconsumed_tail
    if fed and not member.eof:
        yield member.flush()
        source.problem = _("{file}: the gzip data ends early (the file was cut short)").format(
            file=source.name
        )


def check_inputs(paths: Iterable[Any]) -> list[Path]:
    """The files as paths; ReportInputError names the first that cannot be opened."""
    files = [Path(p) for p in paths]
    for path in files:
        if not path.exists():
            raise ReportInputError(_("{file}: no such file").format(file=path))
        if not path.is_file():
            raise ReportInputError(_("{file}: not a file").format(file=path))
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise ReportInputError(
                _("{file}: cannot be read ({error})").format(file=path, error=exc.strerror or exc)
            ) from exc
    return files


def build_from_files(paths: Iterable[Any], workers: int = 1) -> Report:
    """A report over export files (NDJSON, or .gz): folded in worker processes, a few
    chunks in flight at a time so memory stays flat, then merged. The result is the
    same as `build(read_export(...))`, whatever the number of workers. Bad lines are
    skipped and counted, a cut-short file and a file that is not what its manifest
    says are named in `problems`; ReportInputError when a file cannot be opened."""
    files = check_inputs(paths)
    report = Report()
    inputs = [_Input(path) for path in files]
    # NDJSON records compress about tenfold.
    size = sum(f.stat().st_size * (10 if f.suffix == ".gz" else 1) for f in files)
    if workers <= 1 or size < PARALLEL_MIN_BYTES:
        for source in inputs:
            for chunk in source.chunks():
                _fold_chunk(chunk, report)
        _close(report, inputs)
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
        for source in inputs:
            for chunk in source.chunks():
                _put(chunks, chunk, procs)
        for _worker_done in procs:
            _put(chunks, None, procs)
        for _worker_done in procs:
            merge(report, _get(results, procs))
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
    _close(report, inputs)
    return report


def _put(chunks: Any, item: Chunk | None, procs: list[Any]) -> None:
    """Hand a chunk to the workers, never waiting forever: a worker that died
    (killed, out of memory) loses its part, so the report is an error, not a hang."""
    import queue

    while True:
        try:
            chunks.put(item, timeout=1)
            return
        except queue.Full:
            if not all(proc.is_alive() for proc in procs):
                raise ReportInputError(_("a worker process of the report stopped")) from None


def _get(results: Any, procs: list[Any]) -> Report:
    import queue

    while True:
        try:
            return results.get(timeout=1)  # type: ignore[no-any-return]
        except queue.Empty:
            if not any(proc.is_alive() for proc in procs):
                raise ReportInputError(_("a worker process of the report stopped")) from None


def _close(report: Report, inputs: list[_Input]) -> None:
    for source in inputs:
        if source.problem:
            report.problems.append(source.problem)
        report.problems.extend(source.check_manifest(report.per_file[source.name]))


def to_json(report: Report, min_count: int) -> str:
    hidden = report.hidden(min_count)
    return json.dumps(
        {
            "records": report.records,
            "min_count": min_count,
            "guides": report.guide_rows(min_count),
            "nodes": report.node_rows(min_count),
            "hidden": {"guides": hidden[0], "nodes": hidden[1]},
            "skipped": {
                "lines": sum(report.skipped.values()),
                "reasons": dict(sorted(report.skipped.items())),
                "first": [{"file": f, "line": n, "reason": r} for f, n, r in report.first_bad],
            },
            "problems": report.problems,
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
    g, n = report.hidden(min_count)
    out.write(f"# hidden (fewer than {min_count} sessions): {g} guide rows, {n} node rows\n")
    return out.getvalue()


#: Nodes listed per guide by default: where most walks were abandoned or marked
#: unclear (`--all` lists every node).
TOP_NODES = 3


def top_node_rows(report: Report, min_count: int, top: int = TOP_NODES) -> list[dict[str, Any]]:
    """Per guide, the `top` nodes where walks were abandoned or marked unclear most,
    worst first; nodes where nobody gave up are left out."""
    rows: list[dict[str, Any]] = []
    by_guide: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in report.node_rows(min_count):
        if row["abandoned_here"] or row["flagged_unclear"]:
            by_guide.setdefault((row["guide_id"], row["version"]), []).append(row)
    for key in sorted(by_guide):
        worst = sorted(
            by_guide[key],
            key=lambda r: (-r["abandoned_here"], -r["flagged_unclear"], -r["visits"], r["node"]),
        )
        rows += worst[:top]
    return rows


def _text_table(title: str, header: list[str], rows: list[list[str]], left: int) -> Iterator[str]:
    """A plain table, line by line: the first `left` columns aligned left, the rest
    right. Tens of thousands of rows print as they are made, in constant time per
    row (a Rich table measured and laid out 26,000 rows for most of a minute)."""
    from rich.cells import cell_len

    widths = [cell_len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - cell_len(cell))
            out.append(cell + pad if i < left else pad + cell)
        return "  ".join(out).rstrip()

    yield title
    yield line(header)
    yield "  ".join("-" * w for w in widths)
    for row in rows:
        yield line(row)


def print_tables(report: Report, min_count: int, all_nodes: bool = False) -> None:
    """The report as a person reads it: every guide, then where people stop in each
    (its worst nodes, or every node with `all_nodes`), streamed to standard output."""
    import sys

    from ..i18n import ngettext
    from ..i18n.fmt import number

    def pct(value: float) -> str:
        return f"{value:.0f}%"

    write = sys.stdout.write
    records = ngettext("{n} record", "{n} records", report.records).format(n=number(report.records))
    guide_rows = report.guide_rows(min_count)
    rows = [
        [
            row["guide_id"], str(row["version"]), str(row["sessions"]),
            *(pct(row[f"pct_{o}"]) for o in OUTCOME_COLUMNS),
            "-" if row["median_duration_s"] is None else f"{row['median_duration_s']:g}",
            "-" if row["mean_rating"] is None else f"{row['mean_rating']:.1f}",
        ]
        for row in guide_rows
    ]  # fmt: skip
    header = [
        _("guide"), _("ver"), _("sessions"), _("resolved"), _("unresolved"), _("escalated"),
        _("completed"), _("abandoned"), _("median s"), _("rating"),
    ]  # fmt: skip
    title = _("Outcomes by guide ({records})").format(records=records)
    for text in _text_table(title, header, rows, left=1):
        write(text + "\n")
    node_rows = report.node_rows(min_count) if all_nodes else top_node_rows(report, min_count)
    if all_nodes:
        title = _("Where people stop, by node")
    else:
        title = _(
            "Where people stop: in each guide, the {n} nodes where most walks were abandoned "
            "or marked unclear (--all: every node)"
        ).format(n=TOP_NODES)
    rows = [
        [
            f"{row['guide_id']} v{row['version']}", row["node"], str(row["visits"]),
            str(row["ended_here"]), str(row["abandoned_here"]), str(row["flagged_unclear"]),
        ]
        for row in node_rows
    ]  # fmt: skip
    header = [
        _("guide"), _("node"), _("visits"), _("ended here"), _("abandoned here"),
        _("flagged unclear"),
    ]  # fmt: skip
    write("\n")
    for text in _text_table(title, header, rows, left=2):
        write(text + "\n")
    g, n = report.hidden(min_count)
    if g or n:
        write(
            _("Hidden (fewer than {k} sessions): {g} guide rows, {n} node rows.").format(
                k=min_count, g=g, n=n
            )
            + "\n"
        )
