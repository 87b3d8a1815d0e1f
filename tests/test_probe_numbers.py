"""Probe figures in the reader's number format: `82.5 GB` in English, `82,5 GB`
in Norwegian, Hungarian, Spanish, Russian and Catalan (i18n/fmt.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from selfhelp_tui.i18n import use_language
from selfhelp_tui.probes import describe_probe, format_size, run_probe

DECIMAL = {"en": ".", "nb": ",", "hu": ",", "es": ",", "ru": ",", "ca": ","}


@pytest.fixture(params=sorted(DECIMAL))
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    use_language(request.param)
    yield request.param
    use_language("en")


def test_sizes_use_the_languages_decimal_mark(lang: str) -> None:
    mark = DECIMAL[lang]
    assert format_size(82_500_000_000) == f"82{mark}5 GB"
    assert format_size(82_500_000_000, lang) == f"82{mark}5 GB"
    assert format_size(1_000_000_000) == "1 GB"  # whole numbers without decimals
    assert format_size(999_960) == "1 MB"  # rounded up into the next unit, not "1000 KB"
    assert format_size(512) == "512 B"
    # Beyond the last unit the figure is grouped as the language groups it.
    grouped = {"en": "1,234", "es": "1234", "ca": "1.234"}.get(lang, "1\u00a0234")
    assert format_size(1_234_000_000_000_000_000) == f"{grouped} PB"


def test_a_size_can_be_asked_for_in_another_language() -> None:
    use_language("en")
    assert format_size(12_345_000, "nb") == "12,3 MB"
    assert format_size(12_345_000) == "12.3 MB"


def test_the_free_space_check_says_its_figures_as_the_reader_writes_numbers(
    lang: str, tmp_path: Path
) -> None:
    mark = DECIMAL[lang]
    other = "," if mark == "." else "."
    result = run_probe("free_space", {"path": str(tmp_path), "minimum": "1.5 GB"})
    assert f"1{mark}5 GB" in result.summary, result.summary
    figures = re.findall(r"\d+[.,]\d+ [KMGTP]?B", result.summary)
    assert figures and all(other not in f for f in figures), result.summary
    assert f"1{mark}5 GB" in describe_probe("free_space", {"path": "/", "minimum": "1500MB"})
