"""The benchmark runner works (on a tiny library). Its figures are never asserted
here: timings belong to `python -m bench`, compared with floors from the same run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

FIGURES = [
    "start to first screen (cold, 6 guides)",
    "start to first screen (warm, 6 guides)",
    "start to first screen (warm, 12 guides)",
    "peak RSS of the TUI (6 guides)",
    "library check after the first screen",
    "validate the whole library",
    "plain walk, 5 answers, in a 7-guide library",
    "plain walk, first of a guide never opened",
    "plain walk after the folder set changed",
    "home screen, key press to last repaint (p95)",
    "a step in a 8-node guide (p95)",
    "log one record (p95)",
    "feedback report over 200 records",
    "upload 300 records to a local server",
    "trick: collector paused while the library is read",
    "trick: compiled interface catalogs (marshal)",
    "trick: guide kept as last opened (pickle)",
    "trick: lean YAML tag resolver",
    "trick: library cache (pickle)",
]


def test_runner_prints_every_figure_with_floor_ratio_target_and_result(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--guides", "6", "--nodes", "8", "--step-nodes", "8",
         "--repeat", "1", "--warm-sizes", "6,12", "--walk-answers", "5",
         "--feedback-records", "200", "--upload-records", "300", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(out.read_text())
    names = [r["name"] for r in rows]
    for figure in FIGURES:
        assert any(n.startswith(figure) for n in names), figure
    for row in rows:
        if row["name"].startswith("trick: record.py") and row["value"] is None:
            continue  # measured only where msgspec is installed
        assert row["value"] is not None and row["ok"] in (True, False) and row["target"], row
    floored = [r for r in rows if r["name"].startswith(("start to", "validate", "plain walk"))]
    assert floored and all(r["floor"] and r["ratio"] for r in floored)
    assert proc.stdout.count(" pass") + proc.stdout.count(" FAIL") + proc.stdout.count(
        " n/a"
    ) >= len(rows)
    assert "machine:" in proc.stdout
