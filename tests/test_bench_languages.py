"""`python -m bench.languages` works on a tiny library: both libraries measured,
and a query in each language finds guides through the translations. Its timings
are never asserted here (they belong to the bench, on a quiet machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

LANGS = ("en", "nb", "hu", "es", "ru", "ca")


def test_the_six_language_bench_measures_both_libraries_and_finds_in_each(
    tmp_path: Path,
) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.languages", "--guides", "6", "--nodes", "8",
         "--repeat", "1", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = json.loads(out.read_text())
    one, six = figures["English only"], figures["six languages"]
    assert one["guides"] == six["guides"] == 6
    assert six["vocabulary"] > one["vocabulary"]
    for lang in LANGS:
        assert six[f"results ({lang})"] > 0, lang
        assert six[f"search p95 ms ({lang})"] > 0
    # Without translations a Russian query finds nothing: the translations did it.
    assert one["results (ru)"] == 0
    assert "pass" in proc.stdout or "FAIL" in proc.stdout
