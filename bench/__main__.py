"""`python -m bench`: every performance figure against a floor measured in the same run.

Machines here are noisy, so nothing is compared with a fixed number of seconds
where a floor exists: each figure is divided by its floor measured now, on this
machine, with the parallelism of the command it is set against, and the ratio is
checked against its target. Floors: a bare Textual app that mounts one `Static`
(start-ups); PyYAML's C loader on the same files in as many processes as there are
cores, as `validate` and a cold start parse (load floor); `python -c "import yaml"`
(plain walks). Figures with an absolute target (milliseconds per key press) are
measured inside the app, to the screen a reader sees.

    python -m bench                       # 2,000 guides x 50 nodes (the issue's size)
    python -m bench --guides 50 --nodes 10 --repeat 1 --warm-sizes 50,100 \\
        --feedback-records 2000 --upload-records 2000   # quick
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import tricks
from .generate import generate, walk_guide
from .in_app import home_search_latency, step_latency
from .timing import PY, Row, Run, median_run, p95, paired, run

#: Prepended to every measured app script: its own peak memory in KiB. ru_maxrss
#: survives exec on Linux; VmHWM is the program's own high-water mark.
PEAK_KB = """
import resource
def _peak_kb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

FLOOR_TUI = (
    PEAK_KB
    + """
from textual.app import App
from textual.widgets import Static
class Floor(App):
    def compose(self):
        yield Static("selfhelp")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Floor().run(headless=True, size=(80, 24))
print(_peak_kb())
"""
)

SELFHELP_TUI = (
    PEAK_KB
    + """
import sys
from selfhelp_tui.cli.context import Context
from selfhelp_tui.tui.app import SelfhelpApp
ctx = Context(guide_dirs=[sys.argv[1]], include_bundled=False, data_dir=sys.argv[2])
ctx.check_library_later = True  # as cli/cmd_tui.py's start_tui
import selfhelp_tui.tui.app as app_module
from pathlib import Path
class Timed(SelfhelpApp):
    CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")
    def on_ready(self):
        self.call_after_refresh(self.exit)
Timed(ctx.library).run(headless=True, size=(80, 24))
print(_peak_kb())
"""
)

#: The library check the TUI runs after its first screen (`Library.check`), timed
#: alone: the first screen comes from the cache as saved, this looks at every file.
CHECK_AFTER = """
import sys, time
from selfhelp_tui.cli.context import Context
ctx = Context(guide_dirs=[sys.argv[1]], include_bundled=False, data_dir=sys.argv[2])
ctx.check_library_later = True
check = ctx.library.check
start = time.perf_counter()
fresh = check()
print(time.perf_counter() - start, fresh is None)
"""

#: The load floor: every file through PyYAML's C loader, in `argv[2]` processes
#: (a process pool mapped in chunks, as the library reads a big folder).
LOAD_FLOOR = """
import glob, sys, yaml
from concurrent.futures import ProcessPoolExecutor
def load(name):
    with open(name, "rb") as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)
files = sorted(glob.glob(sys.argv[1] + "/*.yaml"))
workers = int(sys.argv[2])
if workers > 1:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(load, files, chunksize=max(4, len(files) // (workers * 32))))
else:
    for name in files:
        load(name)
"""

IMPORT_YAML = [PY, "-c", "import yaml"]


def compile_bytecode() -> None:
    """Compile the package's modules before anything is timed, as installing a wheel
    does: with an editable install and PYTHONDONTWRITEBYTECODE set, every measured
    start would otherwise compile every module from source again."""
    import compileall

    import selfhelp_tui

    compileall.compile_dir(os.path.dirname(selfhelp_tui.__file__), quiet=1)


def selfhelp(*args: str, data: Path) -> list[str]:
    return [PY, "-m", "selfhelp_tui", "--data-dir", str(data), *args]


def measure(args: argparse.Namespace) -> list[Row]:
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="selfhelp-bench-"))
    cores = os.cpu_count() or 1
    lib = generate(work / "library", args.guides, args.nodes)
    walk_id, script = walk_guide(lib, args.walk_answers)
    env = {**os.environ, "DO_NOT_TRACK": "1"}
    rows: list[Row] = []
    rows += startups(work, lib, args, env, cores)
    rows.append(validate_row(work, lib, args.repeat, env, cores))
    rows += plain_walks(work, lib, walk_id, script, args.repeat, env)
    rows.append(home_search_latency(lib))
    rows.append(step_latency(args.step_nodes))
    rows += feedback(work, args, env)
    if not args.no_tricks:
        rows += tricks.measure(work, lib, walk_id, script, args.repeat, env)
    shutil.rmtree(work, ignore_errors=True)
    return rows


def _load_floor(lib: Path, cores: int, repeat: int) -> Run:
    return median_run([PY, "-c", LOAD_FLOOR, str(lib), str(cores)], repeat)


def startups(
    work: Path, lib: Path, args: argparse.Namespace, env: dict[str, str], cores: int
) -> list[Row]:
    """Cold: an empty data folder each time (no library cache), in turns with the
    bare app and the load floor. Warm: the cache the first run left, at several
    library sizes, in turns with the bare app."""
    r = args.repeat
    rows: list[Row] = []
    floors, colds = [], []
    for i in range(r):
        floors.append(run([PY, "-c", FLOOR_TUI]).wall + _load_floor(lib, cores, 1).wall)
        colds.append(run([PY, "-c", SELFHELP_TUI, str(lib), str(work / f"cold-{i}")], env).wall)
    floor, cold = statistics.median(floors), statistics.median(colds)
    rows.append(
        Row(
            f"start to first screen (cold, {args.guides:,} guides)",
            cold,
            "s",
            floor,
            "<= 1.3x (bare app + load floor)",
            cold <= 1.3 * floor,
            f"load floor in {cores} processes",
        )
    )
    growth: list[str] = []
    for size in args.warm_sizes:
        folder = lib if size == args.guides else generate(work / f"lib-{size}", size, args.nodes)
        data = work / f"warm-{size}"
        run([PY, "-c", SELFHELP_TUI, str(folder), str(data)], env)  # fill the cache
        bare, start = paired(
            [PY, "-c", FLOOR_TUI], [PY, "-c", SELFHELP_TUI, str(folder), str(data)], 3 * r, env
        )
        growth.append(f"{size:,}: {start.wall * 1000:.0f} ms")
        rows.append(
            Row(
                f"start to first screen (warm, {size:,} guides)",
                start.wall,
                "s",
                bare.wall,
                "<= 1.3x bare app",
                start.wall <= 1.3 * bare.wall,
                "from the library cache",
            )
        )
        if size == args.guides:
            rss_mb = int(start.stdout.strip().splitlines()[-1]) / 1024
            bare_mb = int(bare.stdout.strip().splitlines()[-1]) / 1024
            rss_row = Row(
                f"peak RSS of the TUI ({size:,} guides)",
                rss_mb,
                "MB",
                bare_mb,
                "<= 120 MB",
                rss_mb <= 120,
            )
    rows[-1].note += "; growth " + ", ".join(growth)
    if args.guides in args.warm_sizes:
        rows.append(rss_row)
    if args.warm_sizes:
        rows.append(_check_row(work, args, env, r))
    return rows


def _check_row(work: Path, args: argparse.Namespace, env: dict[str, str], r: int) -> Row:
    """The check after the first screen, on the largest warm library (nothing
    changed): not in the start-up rows, as the search index is not. It starts 0.1 s
    after the first screen and should be done before the search index is made
    (0.3 s after it, tui/screens/home.py INDEX_DELAY): the list is then current
    before the reader's first search."""
    size = max(args.warm_sizes)
    folder = work / "library" if size == args.guides else work / f"lib-{size}"
    outs = [
        run([PY, "-c", CHECK_AFTER, str(folder), str(work / f"warm-{size}")], env).stdout.split()
        for _ in range(3 * r)
    ]
    took = statistics.median(float(out[0]) for out in outs)
    unchanged = all(out[1] == "True" for out in outs)
    note = "nothing changed, as expected" if unchanged else "it found changes: a bug"
    return Row(
        f"library check after the first screen ({size:,} guides)",
        took,
        "s",
        None,
        "<= 0.2 s (done before the index)",
        took <= 0.2 and unchanged,
        "in a thread 0.1 s after the first screen, every file looked at; " + note,
    )


def validate_row(work: Path, lib: Path, repeat: int, env: dict[str, str], cores: int) -> Row:
    floor = _load_floor(lib, cores, repeat)
    took = median_run(selfhelp("validate", str(lib), data=work / "validate"), repeat, env)
    return Row(
        "validate the whole library",
        took.wall,
        "s",
        floor.wall,
        "<= 1.3x load floor",
        took.wall <= 1.3 * floor.wall,
        f"both in {cores} processes; CPU time {took.cpu:.2f} s vs {floor.cpu:.2f} s "
        f"({took.cpu / floor.cpu:.2f}x)",
    )


def plain_walks(
    work: Path, lib: Path, walk_id: str, script: list[str], repeat: int, env: dict[str, str]
) -> list[Row]:
    """Plain `--answers` walks against `import yaml`: in the big library (caches
    warm), the first walk of a guide never opened (fresh data and cache folders),
    and each walk right after the folder set changed."""
    rows: list[Row] = []
    answers = ",".join(script)
    data = work / "plain"
    walk = selfhelp(
        "run", walk_id, "--no-bundled", "--guides", str(lib), "--answers", answers, data=data
    )
    floor, took = paired(IMPORT_YAML, walk, 3 * repeat, env)
    rows.append(
        Row(
            f"plain walk, {len(script)} answers, in a {count_guides(lib):,}-guide library",
            took.wall,
            "s",
            floor.wall,
            "<= 2x import yaml",
            took.wall <= 2 * floor.wall,
            "library and guide caches warm",
        )
    )

    four = generate(work / "four", 1, 4, seed=4)
    four_answers = ",".join(_answers_to_outcome(four))
    fresh = selfhelp(
        "run", "g00000", "--no-bundled", "--guides", str(four), "--answers", four_answers,
        data=work / "fresh-0",
    )  # fmt: skip
    counter = iter(range(1, 10**6))

    def new_folders() -> None:
        fresh[4] = str(work / f"fresh-{next(counter)}")

    floor, took = paired(IMPORT_YAML, fresh, 3 * repeat, env, before_figure=new_folders)
    rows.append(
        Row(
            "plain walk, first of a guide never opened",
            took.wall,
            "s",
            floor.wall,
            "<= 3x import yaml",
            took.wall <= 3 * floor.wall,
            "a 4-node guide, fresh data and cache folders",
        )
    )

    other = generate(work / "other", 3, 10, seed=5)
    sets = (["--guides", str(lib)], ["--guides", str(lib), "--guides", str(other)])
    prefix = selfhelp("run", walk_id, "--no-bundled", data=data)
    switching = [*prefix, *sets[0], "--answers", answers]
    turn = iter(range(1, 10**6))

    def switch() -> None:
        switching[len(prefix) :] = [*sets[next(turn) % 2], "--answers", answers]

    for chosen in sets:  # each folder set seen once, so each has its cache
        run(selfhelp("run", walk_id, "--no-bundled", *chosen, "--answers", answers, data=data), env)
    floor, took = paired(IMPORT_YAML, switching, 3 * repeat, env, before_figure=switch)
    rows.append(
        Row(
            "plain walk after the folder set changed",
            took.wall,
            "s",
            floor.wall,
            "<= 2x import yaml",
            took.wall <= 2 * floor.wall,
            "two folder sets in turns, each walked before",
        )
    )
    return rows


def count_guides(folder: Path) -> int:
    return sum(1 for _ in folder.glob("*.yaml"))


def _answers_to_outcome(folder: Path) -> list[str]:
    from selfhelp_tui.engine import Walk
    from selfhelp_tui.guides import load_library
    from selfhelp_tui.guides.library import Source

    guide = load_library([Source(folder, "b")]).guides["g00000"]
    walk, answers = Walk(guide), []
    while not walk.finished:
        answers.append("next" if walk.options() == ["next"] else "1")
        walk.choose(0)
    return answers


# --- the outcome log ---------------------------------------------------------------


def _record(i: int, rng: random.Random | None = None) -> dict[str, object]:
    rng = rng or random.Random(i)
    nodes = [f"n{j}" for j in range(rng.randint(1, 12))]
    return {
        "schema": 1,
        "record_id": f"{i:032x}",
        "guide_id": f"g{rng.randrange(2000):05d}",
        "guide_version": 1,
        "kind": "troubleshooter",
        "lang": "en",
        "path": nodes,
        "outcome": rng.choice(["resolved", "unresolved", "escalate", "abandoned"]),
        "rating": rng.choice([None, 1, 2, 3, 4, 5]),
        "flagged": nodes[:1] if i % 9 == 0 else [],
        "duration_s": rng.randint(5, 3000),
        "day": "2026-11-23",
        "app_version": "0",
        "frontend": "tui",
    }


def feedback(work: Path, args: argparse.Namespace, env: dict[str, str]) -> list[Row]:
    from selfhelp_tui.feedback.store import MAX_PENDING, Store
    from selfhelp_tui.ids import new_record_id

    # At the cap, the worst case: every write also drops the oldest record.
    store = Store(work / "log.sqlite3")
    db = store._connect()
    now = time.time()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO records (record_id, body, bytes, created) VALUES (?, ?, ?, ?)",
        (
            (rec["record_id"], body, len(body), now - MAX_PENDING + i)
            for i in range(MAX_PENDING)
            for rec in (_record(i) | {"record_id": new_record_id()},)
            for body in (json.dumps(rec),)
        ),
    )
    db.execute("COMMIT")
    samples = []
    for i in range(300):
        rec = _record(i) | {"record_id": new_record_id()}
        start = time.perf_counter()
        store.put(rec)
        samples.append((time.perf_counter() - start) * 1000)
    pending = store.stats()["pending"]
    rows = [
        Row(
            "log one record (p95)",
            p95(samples),
            "ms",
            None,
            "<= 5 ms",
            p95(samples) <= 5 and pending == MAX_PENDING,
            f"at the cap: {pending:,} pending records, the oldest dropped by each write",
        )
    ]
    rows.append(report_row(work, args.feedback_records, env))
    rows.append(upload_row(work, args.upload_records))
    return rows


def report_row(work: Path, n: int, env: dict[str, str]) -> Row:
    """`selfhelp feedback report FILE` as a person runs it: the command, with its
    default output (read and thrown away), timed whole."""
    rng = random.Random(5)
    path = work / "export.ndjson.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(_record(i, rng)) + "\n")
    took = run(selfhelp("feedback", "report", str(path), data=work / "report"), env)
    ok = took.wall <= 10 * n / 1_000_000 and took.peak_mb < 100
    return Row(
        f"feedback report over {n:,} records",
        took.wall,
        "s",
        None,
        "<= 10 s per 1,000,000 and < 100 MB",
        ok,
        f"the command with its default output ({len(took.stdout.splitlines()):,} lines); "
        f"peak RSS {took.peak_mb:.0f} MB",
    )


def upload_row(work: Path, n: int) -> Row:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from selfhelp_tui.feedback.store import Limits, Store
    from selfhelp_tui.feedback.upload import Options, Uploader
    from selfhelp_tui.ids import new_record_id

    class Sink(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    store = Store(work / "upload.sqlite3", Limits(max_pending=10**9, max_bytes=10**12))
    db = store._connect()
    # Records of the documented schema: upload sets aside anything else.
    records = [_record(i) | {"record_id": new_record_id()} for i in range(n)]
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO records (record_id, body, bytes, created) VALUES (?, ?, 100, ?)",
        [(rec["record_id"], json.dumps(rec), time.time() + i) for i, rec in enumerate(records)],
    )
    db.execute("COMMIT")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    try:
        start = time.perf_counter()
        result = Uploader(store, Options(url=f"http://127.0.0.1:{httpd.server_address[1]}")).run()
        took = time.perf_counter() - start
    finally:
        httpd.shutdown()
    ok = result.delivered == n and took <= 10 * n / 100_000
    return Row(
        f"upload {n:,} records to a local server",
        took,
        "s",
        None,
        "<= 10 s per 100,000",
        ok,
        f"{result.batches} batches",
    )


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    print(
        f"selfhelp benchmark: {args.guides:,} guides x {args.nodes} nodes, median of "
        f"{args.repeat} (start-ups and plain walks: {3 * args.repeat}, in turns with their floor)"
    )
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    header = f"{'figure':<52} {'value':>11} {'floor':>9} {'ratio':>6}  {'target':<34} result"
    print(header)
    print("-" * len(header))
    for row in rows:
        value = "n/a" if row.value is None else f"{row.value:.3f} {row.unit}"
        floor = "" if row.floor is None else f"{row.floor:.3f}"
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
        result = {True: "pass", False: "FAIL", None: "n/a"}[row.ok]
        print(
            f"{row.name:<52} {value:>11} {floor:>9} {ratio:>6}  {row.target:<34} {result}"
            + (f"  ({row.note})" if row.note else "")
        )


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--guides", type=int, default=2000)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--step-nodes", type=int, default=500)
    parser.add_argument(
        "--warm-sizes",
        type=_sizes,
        default=[250, 2000, 4000, 10000],
        help="library sizes for the warm start, comma-separated (include --guides for the RSS)",
    )
    parser.add_argument("--walk-answers", type=int, default=26)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure (start-ups and plain walks: 3x)"
    )
    parser.add_argument("--feedback-records", type=int, default=1_000_000)
    parser.add_argument("--upload-records", type=int, default=100_000)
    parser.add_argument(
        "--no-tricks", action="store_true", help="skip measuring each speed trick on and off"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    rows = measure(args)
    print_table(rows, args)
    if args.json:
        Path(args.json).write_text(
            json.dumps([row.__dict__ | {"ratio": row.ratio} for row in rows], indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
