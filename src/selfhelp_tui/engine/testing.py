"""Guide tests (`tests:` in a guide) and path enumeration, run through the real engine.

A test is a list of answers (choice numbers, labels, `next`) or a `path` of node
ids; the path form survives reordered choices, so recorded walks keep working.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

from ..guides.diagnostics import Pos
from ..guides.model import Guide, GuideTest, Link
from ..record import field, record
from .walk import Resolver, Walk, WalkError

#: An edge of a guide: (node id, the index of the link taken, as `Node.links()`).
Edge = tuple[str, int]


@record
class TestResult:
    guide_id: str
    test: GuideTest
    passed: bool
    path: list[str]
    message: str = ""
    #: Where the test went wrong: the answer or path item, else the test.
    pos: Pos | None = None
    #: The edges of the tested guide the walk took (for coverage).
    edges: list[Edge] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.test.name


def taken_edges(walk: Walk) -> list[Edge]:
    """The edges of the walk's own guide it took (links into other guides included)."""
    root = walk.root.id
    return [
        (position.node_id, index)
        for position, index in zip(walk.stack, walk.choices, strict=False)
        if position.guide_id == root
    ]


def guide_edges(guide: Guide) -> list[tuple[Edge, str, str]]:
    """Every edge of a guide: (edge, what takes it, where it leads)."""
    return [
        ((node_id, index), label, link.target)
        for node_id, node in guide.nodes.items()
        for index, (link, label) in enumerate(zip(node.links(), node.link_labels(), strict=True))
    ]


class PathError(WalkError):
    """A `path` item that no choice of the node before it leads to."""

    def __init__(self, index: int, at: str, target: str, options: list[str]) -> None:
        super().__init__(f"no choice of '{at}' leads to '{target}'")
        #: The index of the item in the path as written, the node the walk stands
        #: on, the item, and where the node's choices lead.
        self.index, self.at, self.target, self.options = index, at, target, options


def follow_path(walk: Walk, node_ids: list[str] | tuple[str, ...]) -> None:
    """Walk to each node in turn (the first is the start): whichever choice leads
    there is taken. Raises PathError when no choice does."""
    ids = list(node_ids)
    #: Nodes the walk went through on its own (branches) since the last choice: a
    #: path may name them or leave them out.
    passed = walk.path[1:]
    skip = 1 if ids and ids[0] == walk.path[0] else 0
    for index, target in enumerate(ids[skip:], start=skip):
        if passed and target == passed[0]:
            passed.pop(0)
            continue
        options = walk.node.links()
        wanted = [
            i
            for i, link in enumerate(options)
            if link.target == target
            or (link.is_external and _external_label(link.split_external(), walk) == target)
        ]
        if not wanted:
            leads = [
                _external_label(link.split_external(), walk) if link.is_external else link.target
                for link in options
            ]
            raise PathError(index, walk.path[-1], target, leads)
        before = len(walk.path)
        walk.choose(wanted[0])
        passed = walk.path[before + 1 :]


def _external_label(split: tuple[str, str | None], walk: Walk) -> str:
    guide_id, node = split
    return f"{guide_id}#{node}" if node else f"{guide_id}#"


def run_test(guide: Guide, test: GuideTest, resolve: Resolver | None = None) -> TestResult:
    try:
        # A test's facts (`facts: {os: linux}`) stand in for the machine's, so a
        # guide that branches on them tests the same everywhere.
        walk = Walk(guide, resolve, dict(test.facts))
    except WalkError as exc:
        return TestResult(guide.id, test, False, [guide.start], str(exc), test.pos)

    def failed(message: str, pos: Pos | None = test.pos) -> TestResult:
        return TestResult(guide.id, test, False, walk.path, message, pos, taken_edges(walk))

    index = 0
    try:
        if test.path:
            follow_path(walk, test.path)
        for answer in test.answers:
            walk.answer(answer)
            index += 1
    except PathError as exc:
        return failed(f"at '{walk.path[-1]}': {exc}", _at(test.path_pos, exc.index, test.pos))
    except WalkError as exc:
        return failed(f"at '{walk.path[-1]}': {exc}", _at(test.answer_pos, index, test.pos))
    if test.outcome is not None:
        got = walk.outcome if walk.finished else None
        if got != test.outcome:
            where = f"outcome '{got}'" if got else f"node '{walk.path[-1]}' (not an outcome)"
            return failed(f"expected outcome '{test.outcome}', ended at {where}")
    elif test.node is not None and walk.path[-1] != test.node:
        return failed(f"expected to stand on '{test.node}', stands on '{walk.path[-1]}'")
    return TestResult(guide.id, test, True, walk.path, edges=taken_edges(walk))


def _at(positions: tuple[Pos, ...], index: int, default: Pos) -> Pos:
    return positions[index] if 0 <= index < len(positions) else default


def run_tests(guide: Guide, resolve: Resolver | None = None) -> list[TestResult]:
    return [run_test(guide, t, resolve) for t in guide.tests]


@record
class PathReport:
    guide_id: str
    #: Every distinct path from start to an ending (exhaustive mode), or None.
    paths: list[list[str]] | None
    outcomes: Counter[str]
    longest: list[str]
    untested: list[str]
    #: Random mode: runs made, seed, and visits per node.
    runs: int = 0
    seed: int | None = None
    coverage: dict[str, int] = field(default_factory=dict)

    @property
    def exhaustive(self) -> bool:
        return self.paths is not None


def enumerate_paths(guide: Guide, limit: int = 10_000) -> list[list[str]] | None:
    """Every distinct path from start to an outcome or a link out of the guide,
    each node at most twice on a path (a loop is walked at most once). None when
    there are more than `limit`. Depth-first with a stack of its own, not
    recursion: a guide may be a chain of any length."""
    out: list[list[str]] = []
    path: list[str] = [guide.start]
    counts: Counter[str] = Counter({guide.start: 1})

    def enter(node_id: str) -> Iterator[Link] | None:
        """The links to follow from a node just added to the path; None at an end
        (the path is then recorded)."""
        node = guide.nodes[node_id]
        links = node.links()
        if node.is_outcome or not links:
            out.append(list(path))
            return None
        return iter(links)

    first = enter(guide.start)
    stack: list[Iterator[Link]] = [first] if first is not None else []
    while stack:
        link = next(stack[-1], None)
        if link is None:  # every way on from here was followed
            stack.pop()
            counts[path.pop()] -= 1
            continue
        if link.is_external:
            out.append([*path, link.target])
            if len(out) > limit:
                return None
            continue
        if counts[link.target] >= 2:
            continue
        path.append(link.target)
        counts[link.target] += 1
        more = enter(link.target)
        if len(out) > limit:
            return None
        if more is None:
            counts[path.pop()] -= 1
        else:
            stack.append(more)
    return out if len(out) <= limit else None


def tested_nodes(guide: Guide, resolve: Resolver | None = None) -> set[str]:
    seen: set[str] = set()
    for result in run_tests(guide, resolve):
        seen.update(p for p in result.path if "#" not in p)
    return seen


def path_report(guide: Guide, limit: int = 10_000, runs: int = 1000, seed: int = 0) -> PathReport:
    untested = sorted(set(guide.nodes) - tested_nodes(guide))
    paths = enumerate_paths(guide, limit)
    if paths is not None:
        outcomes: Counter[str] = Counter()
        for p in paths:
            last = p[-1]
            outcomes[
                guide.nodes[last].result
                if last in guide.nodes and guide.nodes[last].is_outcome  # type: ignore[attr-defined]
                else "link"
            ] += 1
        longest = max(paths, key=len) if paths else [guide.start]
        return PathReport(guide.id, paths, outcomes, longest, untested)
    # Too many to list: a seeded random walk, with per-node coverage.
    rng = random.Random(seed)
    outcomes = Counter()
    coverage: Counter[str] = Counter()
    longest: list[str] = []
    max_steps = 4 * len(guide.nodes) + 10
    for _ in range(runs):
        walk = Walk(guide)
        left: str | None = None
        for _step in range(max_steps):
            node = walk.node
            links = node.links()
            if node.is_outcome or not links:
                break
            index = rng.randrange(len(links))
            if links[index].is_external:
                left = links[index].target
                break
            walk.choose(index)
        taken = walk.path + ([left] if left else [])
        coverage.update(set(walk.path))
        outcomes[walk.outcome or ("link" if left else "unfinished")] += 1
        if len(taken) > len(longest):
            longest = taken
    return PathReport(
        guide.id, None, outcomes, longest, untested, runs=runs, seed=seed,
        coverage={n: coverage.get(n, 0) for n in guide.nodes},
    )  # fmt: skip
