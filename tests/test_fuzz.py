"""Property-based tests: random guides through the engine, random bytes through the
loader. Example counts are bounded so the suite stays fast in CI."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfhelp_tui.engine import Walk
from selfhelp_tui.guides import load_guide
from selfhelp_tui.guides.loader import LoadResult

from .conftest import BAD, LIBRARY

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def guides(draw: st.DrawFn) -> str:
    """A valid troubleshooter of any shape the format allows: questions with 1-4
    choices (some setting facts), steps (some with a caution), checks with their
    fallback, branches on facts, loops; every node has a way towards an outcome by
    construction (its first link goes to a later node; branches only lead forward,
    so they can never route in a circle), the last nodes are outcomes."""
    n = draw(st.integers(min_value=2, max_value=14))
    n_outcomes = draw(st.integers(min_value=1, max_value=min(3, n - 1)))
    ids = [f"n{i}" for i in range(n)]
    nodes: dict[str, dict[str, object]] = {}
    facts: list[tuple[str, str]] = [("os", "linux")]
    for i, node_id in enumerate(ids):
        if i >= n - n_outcomes:
            nodes[node_id] = {
                "type": "outcome",
                "result": draw(st.sampled_from(["resolved", "unresolved", "escalate"])),
                "text": f"End {i}.",
            }
            continue
        forward = draw(st.sampled_from(ids[i + 1 :]))
        kind = draw(st.sampled_from(["step", "question", "question", "check", "branch"]))
        if kind == "step":
            nodes[node_id] = {"type": "step", "text": f"Do {i}.", "next": forward}
            if draw(st.booleans()):
                nodes[node_id]["caution"] = f"Careful {i}."
        elif kind == "question":
            others = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
            targets = [forward, *others]
            choices: list[dict[str, object]] = []
            for j, t in enumerate(targets):
                choice: dict[str, object] = {"label": f"answer {j}", "next": t}
                if draw(st.booleans()):
                    choice["set"] = {f"f{i}": f"v{j}"}
                    facts.append((f"f{i}", f"v{j}"))
                choices.append(choice)
            nodes[node_id] = {"type": "question", "text": f"Question {i}?", "choices": choices}
        elif kind == "check":
            nodes[node_id] = {
                "type": "check",
                "probe": "env_var",
                "with": {"name": f"SELFHELP_FUZZ_{i}"},
                "pass": forward,
                "fail": draw(st.sampled_from(ids)),
                "fallback": {
                    "text": f"Is it set {i}?",
                    "choices": [
                        {"label": "yes", "next": forward},
                        {"label": "no", "next": draw(st.sampled_from(ids))},
                    ],
                },
            }
            facts.append((node_id, draw(st.sampled_from(["pass", "fail"]))))
        else:
            cases = [
                {
                    "when": dict([draw(st.sampled_from(facts))]),
                    "next": draw(st.sampled_from(ids[i + 1 :])),
                }
                for _ in range(draw(st.integers(min_value=1, max_value=3)))
            ]
            nodes[node_id] = {"type": "branch", "cases": cases, "default": forward}
    # A branch may only test facts something sets: keep the cases whose fact exists.
    set_somewhere = (
        {"os"}
        | {name for node_id, node in nodes.items() if node["type"] == "check" for name in [node_id]}
        | {
            name
            for node in nodes.values()
            if node["type"] == "question"
            for c in node["choices"]  # type: ignore[union-attr]
            for name in c.get("set", {})  # type: ignore[union-attr]
        }
    )
    for node in nodes.values():
        if node["type"] == "branch":
            node["cases"] = [c for c in node["cases"] if set(c["when"]) <= set_somewhere] or [  # type: ignore[union-attr]
                {"when": {"os": "linux"}, "next": node["default"]}
            ]
    return yaml.safe_dump(
        {
            "format": 1,
            "id": "fuzz",
            "kind": "troubleshooter",
            "title": "Fuzz",
            "summary": "s",
            "symptoms": ["s"],
            "start": "n0",
            "nodes": nodes,
        }
    )


def load_text(tmp: Path, text: str | bytes) -> LoadResult:
    path = tmp / "g.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_guide(path)


@FUZZ
@given(text=guides(), moves=st.lists(st.integers(min_value=0, max_value=5), max_size=40))
def test_random_walks_end_or_go_back_to_the_start(
    tmp_path_factory,
    text: str,
    moves: list[int],  # type: ignore[no-untyped-def]
) -> None:
    result = load_text(tmp_path_factory.mktemp("g"), text)
    assert result.guide is not None, [d.format() for d in result.errors]
    walk = Walk(result.guide)
    for move in moves:
        if walk.finished:
            break
        before = (list(walk.stack), list(walk.choices))
        index = move % len(walk.node.links())
        walk.choose(index)
        replayed = Walk.replay(result.guide, walk.state()["choices"])
        assert replayed.stack == walk.stack  # saving and resuming gives the same state
        walk.back()
        assert (walk.stack, walk.choices) == before  # back after choose is exact
        walk.choose(index)
    assert walk.finished or walk.options()
    while walk.back():
        pass
    assert walk.at_start and walk.path[-1] == Walk(result.guide).path[-1]


@FUZZ
@given(text=guides(), moves=st.lists(st.integers(min_value=0, max_value=5), max_size=30))
def test_saving_and_resuming_a_session_gives_the_same_state(
    tmp_path_factory, text: str, moves: list[int]
) -> None:  # type: ignore[no-untyped-def]
    """Through the resume file's own JSON: path, record, flags, acknowledgements."""
    import json

    from selfhelp_tui.engine import Session
    from selfhelp_tui.guides.library import Library
    from selfhelp_tui.resume import SavedWalk, resume_session

    guide = load_text(tmp_path_factory.mktemp("g"), text).guide
    assert guide is not None
    session = Session.start(guide, "tui")
    for move in moves:
        if session.walk.finished:
            break
        if session.needs_acknowledgement():
            session.acknowledge()
        if move == 5:
            session.flag_current()
        session.choose(move % len(session.walk.node.links()))
    if session.walk.finished:
        return
    saved = SavedWalk.from_json(json.loads(json.dumps(SavedWalk.of(session).to_json())))
    library = Library.of([guide])
    resumed = resume_session(saved, library, "tui", [])
    assert isinstance(resumed, Session), resumed
    assert resumed.walk.stack == session.walk.stack
    assert resumed.walk.choices == session.walk.choices
    assert resumed.record_id == session.record_id and resumed.flagged == session.flagged
    assert resumed.needs_acknowledgement() == session.needs_acknowledgement()


@FUZZ
@given(text=guides())
def test_following_first_choices_always_reaches_an_outcome(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    guide = load_text(tmp_path_factory.mktemp("g"), text).guide
    assert guide is not None
    walk = Walk(guide)
    for _ in range(len(guide.nodes)):
        if walk.finished:
            break
        walk.choose(0)
    assert walk.finished and walk.outcome in ("resolved", "unresolved", "escalate")


SEEDS = [p.read_bytes() for p in sorted(LIBRARY.glob("*.yaml"))] + [
    p.read_bytes() for p in sorted(BAD.glob("*.yaml"))[:10]
]


@FUZZ
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 8), st.binary(max_size=6)), max_size=6
    ),
)
def test_mutated_guides_only_ever_give_diagnostics(tmp_path_factory, seed: bytes, edits) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(seed)
    for where, cut, insert in edits:
        at = int(where * len(data))
        data[at : at + cut] = insert
    result = load_text(tmp_path_factory.mktemp("m"), bytes(data))
    assert isinstance(result, LoadResult)
    assert result.guide is not None or result.errors


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


@FUZZ
@given(value=yaml_values)
def test_random_yaml_documents_only_ever_give_diagnostics(tmp_path_factory, value) -> None:  # type: ignore[no-untyped-def]
    result = load_text(tmp_path_factory.mktemp("y"), yaml.safe_dump(value))
    assert result.guide is None and result.errors
