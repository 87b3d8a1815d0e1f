"""Synthetic guide libraries: N troubleshooters of M nodes, valid under validate.

Realistic text lengths, questions with 2-4 choices, steps, loops that have a way
out (every node's first link goes forward), and `guide:` links between guides.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

#: The C emitter where PyYAML has it: a 10,000-guide library in seconds, not minutes.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

WORDS = [
    "check",
    "the",
    "cable",
    "network",
    "disk",
    "printer",
    "service",
    "restart",
    "log",
    "error",
    "permission",
    "key",
    "server",
    "client",
    "update",
    "package",
    "driver",
    "firmware",
    "queue",
    "folder",
    "file",
    "space",
    "memory",
    "user",
    "password",
    "connection",
    "timeout",
    "config",
    "status",
    "journal",
    "device",
    "port",
    "address",
    "route",
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def text(rng: random.Random) -> str:
    parts = [sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        parts.append("```\n" + " ".join(rng.choice(WORDS) for _ in range(4)) + "\n```")
    return "\n\n".join(parts)


def guide(i: int, nodes: int, total: int, rng: random.Random) -> dict:  # type: ignore[type-arg]
    ids = [f"n{j}" for j in range(nodes)]
    outcomes = max(2, nodes // 8)
    body: dict[str, dict] = {}  # type: ignore[type-arg]
    for j, node_id in enumerate(ids):
        if j >= nodes - outcomes:
            body[node_id] = {
                "type": "outcome",
                "text": text(rng),
                "result": rng.choice(["resolved", "unresolved", "escalate"]),
            }
            continue
        forward = ids[rng.randint(j + 1, nodes - 1)]
        if rng.random() < 0.3:
            body[node_id] = {"type": "step", "text": text(rng), "next": forward}
            continue
        targets = [forward] + [rng.choice(ids) for _ in range(rng.randint(1, 3))]
        if total > 1 and rng.random() < 0.05:
            targets[-1] = f"guide:g{rng.randrange(total):05d}"
        body[node_id] = {
            "type": "question",
            "text": text(rng),
            "choices": [
                {"label": f"{sentence(rng, 3)} ({k + 1})", "next": t} for k, t in enumerate(targets)
            ],
        }
    return {
        "format": 1,
        "id": f"g{i:05d}",
        "version": 1,
        "kind": "troubleshooter",
        "title": sentence(rng, 5),
        "summary": sentence(rng, 14),
        "tags": rng.sample(WORDS, 3),
        # The home-screen figure types this: every guide matches it (bench/in_app.py).
        "symptoms": [sentence(rng, 4) for _ in range(4)] + ["Bench library"],
        "start": "n0",
        "nodes": body,
    }


def generate(folder: Path, guides: int, nodes: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(guides):
        data = guide(i, nodes, guides, rng)
        (folder / f"g{i:05d}.yaml").write_text(
            yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return folder


def walk_guide(folder: Path, answers: int, seed: int = 9) -> tuple[str, list[str]]:
    """A guide whose walk taking the first choice at every question is `answers`
    answers long (questions and steps in turn, the other choices ending early), and
    those answers. For the plain walks, in a folder of a big library."""
    rng = random.Random(seed)
    body: dict[str, dict] = {}  # type: ignore[type-arg]
    script: list[str] = []
    for j in range(answers):
        onward = f"w{j + 1}" if j + 1 < answers else "done"
        if j % 3 == 2:
            body[f"w{j}"] = {"type": "step", "text": text(rng), "next": onward}
            script.append("next")
        else:
            body[f"w{j}"] = {
                "type": "question",
                "text": text(rng),
                "choices": [
                    {"label": f"{sentence(rng, 3)} (1)", "next": onward},
                    {"label": f"{sentence(rng, 3)} (2)", "next": "other"},
                    {"label": f"{sentence(rng, 3)} (3)", "next": f"w{max(j - 1, 0)}"},
                ],
            }
            script.append("1")
    body["done"] = {"type": "outcome", "result": "resolved", "text": text(rng)}
    body["other"] = {"type": "outcome", "result": "escalate", "text": text(rng)}
    data = {
        "format": 1,
        "id": "walk-long",
        "version": 1,
        "kind": "troubleshooter",
        "title": "A long walk",
        "summary": sentence(rng, 14),
        "tags": ["bench"],
        "symptoms": ["Bench library", sentence(rng, 4)],
        "start": "w0",
        "nodes": body,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "walk-long.yaml").write_text(
        yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return "walk-long", script
