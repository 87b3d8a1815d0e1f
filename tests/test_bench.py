"""The benchmark runner works (on a tiny library). Its figures are never asserted
here: timings belong to `python -m bench`, compared with floors from the same run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

FIGURES = [
    "start to first screen (cold)",
    "start to first screen (warm)",
    "peak RSS of the TUI",
    "validate the whole library",
    "plain --answers walk",
    "search, key press to results (p95)",
    "a step in a 8-node guide (p95)",
    "log one record (p95)",
    "feedback report over 200 records",
    "upload 300 records to a local server",
]


def test_runner_prints_every_figure_with_floor_ratio_target_and_result(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--guides", "6", "--nodes", "8", "--step-nodes", "8",
         "--repeat", "1", "--feedback-records", "200", "--upload-records", "300",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(out.read_text())
    names = [r["name"] for r in rows]
    for figure in FIGURES:
        assert any(n.startswith(figure) for n in names), figure
    for row in rows:
        assert row["value"] is not None and row["ok"] in (True, False) and row["target"]
    assert proc.stdout.count(" pass") + proc.stdout.count(" FAIL") == len(rows)
    assert "machine:" in proc.stdout
