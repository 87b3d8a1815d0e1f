"""The report as read: the typed record decoder agrees with the documented checks
on every record, and the text output shows each guide's worst nodes (every node
with --all) as a plain table that streams."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from selfhelp_tui.feedback.record import record_problem
from selfhelp_tui.feedback.schema import decode_line, from_dict

from .conftest import selfhelp_cmd

GOOD: dict[str, Any] = {
    "schema": 1,
    "record_id": "0f8e6a52-3c1b-4d7e-9a1f-2b3c4d5e6f70",
    "guide_id": "disk-full",
    "guide_version": 3,
    "kind": "troubleshooter",
    "lang": "nb",
    "path": ["root-space", "check-df"],
    "outcome": "abandoned",
    "rating": None,
    "flagged": ["check-df"],
    "duration_s": 93,
    "day": "2026-12-07",
    "app_version": "0.1.0",
    "frontend": "plain",
}

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=100_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.sampled_from(["", "x" * 201, "2026-1-07", "٢٠٢٦-١٢-٠٧", "completed", "tutorial"]),
    st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = dict(GOOD)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        action = draw(st.sampled_from(["set", "drop", "add"]))
        key = draw(st.sampled_from(sorted(GOOD)))
        if action == "set":
            data[key] = draw(ODD_VALUES)
        elif action == "drop":
            data.pop(key, None)
        else:
            data[draw(st.text(min_size=1, max_size=6))] = draw(ODD_VALUES)
    return data


@settings(max_examples=600, deadline=None)
@given(mutated())
def test_the_decoder_refuses_exactly_what_the_documented_checks_refuse(
    data: dict[str, Any],
) -> None:
    problem = record_problem(data)
    decoded = decode_line(json.dumps(data).encode())
    assert isinstance(decoded, str) == (problem is not None), (data, problem, decoded)
    if problem is not None:
        assert decoded == problem  # the reason a reader is shown is the documented one
    converted = from_dict(data)
    assert isinstance(converted, str) == (problem is not None)


def test_a_line_that_is_not_json_says_so() -> None:
    assert decode_line(b"{not json") == "not JSON"
    assert decode_line(b"\xff\xfe") == "not JSON"
    assert decode_line(b"[1, 2]") == "not a JSON object"


def _export(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _walks(guide: str, ends: dict[str, int], flagged: str | None = None) -> list[dict[str, Any]]:
    """`ends[node]` walks of `guide` abandoned at `node`, each through start."""
    out = []
    for node, count in ends.items():
        for i in range(count):
            out.append(
                GOOD
                | {
                    "record_id": f"{guide}-{node}-{i}",
                    "guide_id": guide,
                    "path": ["start", node] if node != "start" else ["start"],
                    "flagged": [flagged] if flagged and i == 0 else [],
                }
            )
    return out


def test_the_table_shows_each_guides_worst_nodes_and_all_of_them_on_request(
    tmp_path: Path, cli_env
) -> None:  # type: ignore[no-untyped-def]
    records = _walks("alpha", {"start": 5, "a1": 9, "a2": 7, "a3": 6, "a4": 5}, flagged="a4")
    records += _walks("beta", {"b1": 6})
    export = _export(tmp_path / "e.ndjson", records)

    def report(*extra: str) -> str:
        proc = subprocess.run(
            [*selfhelp_cmd(), "feedback", "report", str(export), *extra],
            capture_output=True, text=True, env=cli_env, timeout=60,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def node_lines(text: str) -> list[list[str]]:
        part = text.split("Where people stop", 1)[1].splitlines()[3:]
        return [line.split() for line in part if line.strip() and not line.startswith("Hidden")]

    table = report()
    assert "Outcomes by guide (38 records)" in table
    worst = node_lines(table)
    # alpha: its three worst, most abandoned first; beta: its one node where walks
    # end; `start` of alpha (5 abandoned) is fourth-worst, below a3's 6.
    assert [(line[0], line[2]) for line in worst] == [
        ("alpha", "a1"), ("alpha", "a2"), ("alpha", "a3"), ("beta", "b1"),
    ]  # fmt: skip
    assert worst[0][3:] == ["9", "0", "9", "0"]  # visits, ended, abandoned, flagged

    every = node_lines(report("--all"))
    assert {(line[0], line[2]) for line in every} == {
        ("alpha", "start"), ("alpha", "a1"), ("alpha", "a2"), ("alpha", "a3"), ("alpha", "a4"),
        ("beta", "start"), ("beta", "b1"),
    }  # fmt: skip
    assert "--all" not in report("--all").split("Where people stop", 1)[1].splitlines()[0]
