"""How the bench times a command: wall time, CPU time and peak memory of the whole
process tree, and a figure taken in turns with its floor."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

PY = sys.executable


@dataclass
class Row:
    name: str
    value: float | None
    unit: str
    floor: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor


@dataclass
class Run:
    """One run of a command: wall seconds, CPU seconds (user + system, its workers
    included) and the peak resident memory of the largest process of the tree."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str


def run(argv: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> Run:
    """Run a command to its end. Its resource use comes from wait4(2) on this one
    child: a child's usage includes the workers it waited for, and ru_maxrss is the
    largest of them, so neither the bench's own size nor earlier commands count."""
    out_path = f"{os.environ.get('TMPDIR', '/tmp')}/selfhelp-bench-{os.getpid()}.out"
    with open(out_path, "w+b") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
        )
        if stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(stdin.encode())
            proc.stdin.close()
        assert proc.stderr is not None
        err = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    os.unlink(out_path)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{argv[:6]} failed ({proc.returncode}): {err[-800:].decode()}")
    return Run(took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def median_run(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> Run:
    runs = [run(argv, env) for _ in range(repeat)]
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.peak_mb for r in runs),
        runs[-1].stdout,
    )


def paired(
    floor: list[str],
    figure: list[str],
    runs: int,
    env: dict[str, str] | None = None,
    floor_env: dict[str, str] | None = None,
    before_figure: object = None,
) -> tuple[Run, Run]:
    """A floor and a figure run alternately, `runs` times each after one unmeasured
    run of both: taken in turns, they see the same moments of a noisy machine (this
    VM has slow spells of 30% for seconds; in two blocks one side only would meet
    them). `before_figure`, if given, is called (untimed) before each figure run.
    Medians of each."""
    run(floor, floor_env)
    if callable(before_figure):
        before_figure()
    run(figure, env)
    floors, figures = [], []
    for _ in range(runs):
        floors.append(run(floor, floor_env))
        if callable(before_figure):
            before_figure()
        figures.append(run(figure, env))

    def med(rs: list[Run]) -> Run:
        return Run(
            statistics.median(r.wall for r in rs),
            statistics.median(r.cpu for r in rs),
            max(r.peak_mb for r in rs),
            rs[-1].stdout,
        )

    return med(floors), med(figures)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]
