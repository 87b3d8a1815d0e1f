"""Checks on a built guide: its graph, its text and its tests.

These run after the schema checks, on whatever could be read, so that one run
reports every problem: `Broken` says which parts of the file had errors, and a
check skips only what depends on them. A warning that only follows from an error
(a node reached only through a broken one) is reported as its knock-on. Links to
other guides are checked later, by the library, because only it knows which
guides exist.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque

from ..i18n import _
from ..record import field, record
from .diagnostics import Diagnostic, Pos, Reporter, closest, did_you_mean, suggestion
from .index import closure
from .model import (
    BUILTIN_FACTS,
    LINK_FIELDS,
    TARGET_KEYS,
    TUTORIAL_END,
    BranchNode,
    CheckNode,
    Choice,
    Guide,
    GuideTest,
    QuestionNode,
    UnreadNode,
)
from .yvalues import YMap, YScalar, YSeq, YValue

_FENCE_LINE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_EMPTY_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*\)")


@record
class Broken:
    """What of a guide had errors, for the checks across nodes: a node's links
    are not trusted when its type or a key that holds links had an error."""

    #: Top-level keys and their first error.
    top: dict[str, Diagnostic] = field(default_factory=dict)
    #: Node id -> its first error (nodes whose reading reported one).
    nodes: dict[str, Diagnostic] = field(default_factory=dict)
    #: Node id -> the keys of the node that had an error.
    fields: dict[str, set[str]] = field(default_factory=dict)
    #: Node id -> the links written in a broken node, as found in the YAML (those
    #: under a key with an error too: an outcome's `next`, a dropped choice's).
    targets: dict[str, list[str]] = field(default_factory=dict)
    #: Broken nodes whose links cannot all be read (`next: [a]`, `choices: text`, a
    #: missing `next`): they may lead anywhere.
    opaque: set[str] = field(default_factory=set)
    #: Node id -> the error that dropped links written in it (for knock-ons).
    link_errors: dict[str, Diagnostic] = field(default_factory=dict)
    #: Links the checks found broken, with the node they most likely mean: (from,
    #: to, the error). Nodes reached only that way are knock-ons of that error.
    meant: list[tuple[str, str, Diagnostic]] = field(default_factory=list)
    #: Facts a broken node may set (its `set:` keys, its id if it may be a check).
    facts: set[str] = field(default_factory=set)
    #: Indices of the tests that had an error.
    tests: set[int] = field(default_factory=set)
    #: The nodes (or the kind) could not be read at all: nothing across nodes is checked.
    graph: Diagnostic | None = None

    def unsure(self, node_id: str) -> bool:
        """Whether a node's links as built may not be all the writer wrote (its type
        or a key that holds links had an error): a test walk stops there."""
        return bool(self.fields.get(node_id, set()) & LINK_FIELDS)

    def broken_field(self, node_id: str, *keys: str) -> bool:
        return bool(self.fields.get(node_id, set()).intersection(keys))

    def cause(self, node_id: str) -> Diagnostic | None:
        return self.nodes.get(node_id)

    def learn(self, node_id: str, raw: YValue, errors: dict[str, Diagnostic]) -> None:
        """Keep what a broken node's YAML still says: where it leads, what it sets,
        and whether some of its links cannot be read at all."""
        targets: list[str] = []
        opaque = not isinstance(raw, YMap)
        dropped = [e for k, e in errors.items() if k in LINK_FIELDS and k != "type"]
        if dropped:
            self.link_errors[node_id] = dropped[0]
        for key, error in errors.items():
            # A link key missing, or misspelled (`nxt`: reported on the key written).
            if (
                key in LINK_FIELDS
                and key != "type"
                and (
                    error.code == "missing-key"
                    or (
                        error.code == "unknown-key"
                        and isinstance(raw, YMap)
                        and key not in raw.items
                    )
                )
            ):
                opaque = True
        stack = [raw]
        while stack:
            value = stack.pop()
            if isinstance(value, YMap):
                for key, item in value.items.items():
                    if key in TARGET_KEYS:
                        if isinstance(item, YScalar) and item.raw:
                            targets.append(str(item.raw))
                        else:
                            opaque = True
                    elif key == "set" and isinstance(item, YMap):
                        self.facts.update(item.items)
                    elif key in ("choices", "cases") and not (
                        isinstance(item, YSeq) and all(isinstance(i, YMap) for i in item.items)
                    ):
                        opaque = True
                    stack.append(item)
            elif isinstance(value, YSeq):
                stack.extend(reversed(value.items))
        if isinstance(raw, YMap) and not targets and "result" not in raw.items:
            opaque = True  # no link at all, and not an outcome
        self.targets[node_id] = targets
        if opaque:
            self.opaque.add(node_id)
        self.facts.add(node_id)  # it may be a check, whose id is a fact


def check_guide(
    guide: Guide, rep: Reporter, broken: Broken | None = None, *, walk_tests: bool = False
) -> None:
    """`walk_tests`: also walk each test's `path` and `answers` through the engine
    (validate): a test that does not fit is the writer's to fix, but it must not
    keep `selfhelp test` from running the guide, nor readers from using it."""
    broken = broken or Broken()
    _check_links(guide, rep, broken)
    _check_reachability(guide, rep, broken)
    _check_way_out(guide, rep, broken)
    _check_nodes(guide, rep, broken)
    _check_confusable_ids(guide, rep)
    _check_metadata(guide, rep, broken)
    _check_tests(guide, rep, broken, walk_tests)
    _check_probes(guide, rep, broken)
    _check_facts(guide, rep, broken)
    _check_branch_loops(guide, rep)
    _check_redact(guide, rep)


def _node_ids(guide: Guide) -> list[str]:
    return [n for n in guide.nodes if n != TUTORIAL_END]


def _check_links(guide: Guide, rep: Reporter, broken: Broken) -> None:
    if broken.graph is not None:
        return
    if guide.start and guide.start not in guide.nodes:
        rep.error(
            guide.key_pos.get("start@value", Pos()),
            "unknown-node",
            _("start '{target}' is not a node of this guide").format(target=guide.start),
            did_you_mean(guide.start, _node_ids(guide)),
        )
    for node in guide.nodes.values():
        for link in node.links():
            if link.is_external:
                target_guide, _node = link.split_external()
                if not target_guide:
                    rep.error(
                        link.pos,
                        "bad-link",
                        _("'{target}' names no guide").format(target=link.target),
                    )
                continue
            if link.target not in guide.nodes:
                close = closest(link.target, _node_ids(guide))
                rep.error(
                    link.pos,
                    "unknown-node",
                    _("next '{target}' is not a node of this guide").format(target=link.target),
                    suggestion(close) if close else None,
                )
                if close is not None:
                    broken.meant.append((node.id, close, rep.items[-1]))


def _successors(guide: Guide) -> dict[str, list[str]]:
    """Same-guide links as built."""
    return {
        node_id: [
            link.target
            for link in node.links()
            if not link.is_external and link.target in guide.nodes
        ]
        for node_id, node in guide.nodes.items()
    }


def reachable_from_start(guide: Guide) -> set[str]:
    return closure([guide.start] if guide.start in guide.nodes else [], _successors(guide))


def _check_reachability(guide: Guide, rep: Reporter, broken: Broken) -> None:
    if broken.graph is not None or guide.start not in guide.nodes or "start" in broken.top:
        return
    succ = _successors(guide)
    seen = closure([guide.start], succ)
    # Links written in broken nodes but not read (an outcome's `next`, a choice
    # dropped for its label): nodes reached only through them are knock-ons of
    # that node's error, not problems of their own.
    via: dict[str, tuple[str, Diagnostic | None]] = {}
    queue: deque[tuple[str, tuple[str, Diagnostic | None]]] = deque()
    for n in seen:
        cause = broken.link_errors.get(n) or broken.cause(n)
        queue.extend((t, (n, cause)) for t in broken.targets.get(n, ()))
    meant = {(a, b): error for a, b, error in broken.meant}
    queue.extend((b, (a, error)) for (a, b), error in meant.items() if a in seen)
    while queue:
        node_id, why = queue.popleft()
        if node_id in seen or node_id in via or node_id not in guide.nodes:
            continue
        via[node_id] = why
        nexts = [*succ[node_id], *broken.targets.get(node_id, ())]
        nexts += [b for (a, b) in meant if a == node_id]
        queue.extend((t, why) for t in nexts)
    # A reachable node whose links cannot all be read may lead anywhere.
    unread = next((n for n in guide.nodes if n in broken.opaque and (n in seen or n in via)), None)
    for node_id, node in guide.nodes.items():
        if node_id in seen:
            continue
        message = _("node '{node}' cannot be reached from start '{start}'").format(
            node=node_id, start=guide.start
        )
        if node_id in via:
            blame, cause = via[node_id]
            hint = _("only through node '{node}', which has an error").format(node=blame)
        elif unread is not None:
            blame, cause = unread, broken.cause(unread)
            hint = _("node '{node}' has an error; once fixed, it may lead here").format(node=blame)
        else:
            cause = None
        if cause is None:
            rep.warning(node.pos, "unreachable-node", message)
        else:
            rep.warning(node.pos, "unreachable-node", message, hint, cause=cause)


def _check_way_out(guide: Guide, rep: Reporter, broken: Broken) -> None:
    """Every node must be able to reach an ending: an outcome, another guide, or a
    broken link (already an error of its own, so not reported twice). A node whose
    links cannot be read, or that could not be read at all, may be an ending too:
    what depends on it is not reported. Links written in broken nodes count."""
    if broken.graph is not None:
        return
    preds: dict[str, list[str]] = defaultdict(list)
    exits: list[str] = []
    for node_id, node in guide.nodes.items():
        if node.is_outcome or node_id in broken.opaque or isinstance(node, UnreadNode):
            exits.append(node_id)
            continue
        targets = [link.target for link in node.links() if not link.is_external]
        if any(link.is_external for link in node.links()):
            exits.append(node_id)
        for target in (*targets, *broken.targets.get(node_id, ())):
            if target not in guide.nodes:
                exits.append(node_id)
            else:
                preds[target].append(node_id)
    can_end = closure(exits, preds)
    for node_id, node in guide.nodes.items():
        if node_id not in can_end:
            rep.error(
                node.pos,
                "no-way-out",
                _(
                    "node '{node}' is in a loop with no way out: no outcome can be reached from it"
                ).format(node=node_id),
                _("add a choice that leads to an outcome"),
            )


def _check_nodes(guide: Guide, rep: Reporter, broken: Broken) -> None:
    for node_id, node in guide.nodes.items():
        if node_id == TUTORIAL_END or isinstance(node, UnreadNode):
            continue
        text_pos = node.field_pos.get("text", node.pos)
        # A check's and a branch's text is optional; everyone else's is the point.
        # Text that had an error of its own (missing, a list) is not checked again.
        if not broken.broken_field(node_id, "text") and (
            node.text.strip() or not isinstance(node, (CheckNode, BranchNode))
        ):
            _check_text(node.text, text_pos, node_id, _("node '{node}' has no text"), rep)
        if node.caution is not None and not broken.broken_field(node_id, "caution"):
            caution_pos = node.field_pos.get("caution", node.pos)
            _check_text(
                node.caution, caution_pos, node_id, _("the caution of '{node}' is empty"), rep
            )
        if isinstance(node, CheckNode) and not broken.broken_field(node_id, "fallback"):
            _check_labels(node_id, node.fallback, rep)
            fallback_pos = node.field_pos.get("fallback", node.pos)
            message = _("the fallback of '{node}' has no text")
            _check_text(node.fallback_text, fallback_pos, node_id, message, rep)
        if isinstance(node, QuestionNode):
            _check_labels(node_id, node.choices, rep)
            if len(node.choices) == 1 and not broken.broken_field(node_id, "choices"):
                rep.warning(
                    node.field_pos.get("choices", node.pos),
                    "single-choice",
                    _("question '{node}' has only one choice").format(node=node_id),
                    _("use a step instead, or add the other answers"),
                )


def _check_text(text: str, pos: Pos, node_id: str, empty: str, rep: Reporter) -> None:
    """Text a reader must see: an error when blank (`empty`, with {node}), else its
    Markdown checked."""
    if not text.strip():
        rep.error(pos, "empty-text", empty.format(node=node_id))
    else:
        _check_markdown(text, pos, node_id, rep)


def _check_labels(node_id: str, choices: list[Choice], rep: Reporter) -> None:
    seen: dict[str, int] = {}
    for choice in choices:
        label = choice.label.strip()
        if not label:
            rep.error(
                choice.pos,
                "empty-text",
                _("a choice of '{node}' has no label").format(node=node_id),
            )
        elif label.casefold() in seen:
            rep.error(
                choice.pos,
                "duplicate-label",
                _("the label '{label}' is used twice in '{node}' (first at line {line})").format(
                    label=label, node=node_id, line=seen[label.casefold()]
                ),
            )
        else:
            seen[label.casefold()] = choice.pos.line


def _check_probes(guide: Guide, rep: Reporter, broken: Broken) -> None:
    checks = [
        (i, n)
        for i, n in guide.nodes.items()
        if isinstance(n, CheckNode) and n.probe and not broken.broken_field(i, "probe", "with")
    ]
    if not checks:
        return  # a guide without checks needs no probe registry
    from ..probes import needs_consent, param_errors

    for node_id, node in checks:
        where = node.field_pos.get("with", node.field_pos.get("probe", node.pos))
        for problem in param_errors(node.probe, node.params):
            rep.error(
                where,
                "bad-probe",
                _("check '{node}': {problem}").format(node=node_id, problem=problem),
            )
        if needs_consent(node.probe):
            command = node.params.get("command")
            shown = " ".join(map(str, command)) if isinstance(command, list) else "?"
            rep.warning(
                node.field_pos.get("probe", node.pos),
                "run-probe",
                _("check '{node}' runs a command on the reader's machine: {command}").format(
                    node=node_id, command=shown
                ),
                _(
                    "it runs only from trusted guide folders and after the reader agrees; "
                    "prefer a built-in probe where one does the job"
                ),
            )


def _check_facts(guide: Guide, rep: Reporter, broken: Broken) -> None:
    """A `when` may only test facts something sets: a choice's or fallback's
    `set:`, a check (its node id: pass or fail), or a built-in fact; and only for
    a value the fact takes (or one the guide's own tests give it). What a broken
    node may set is known by name only: any value may be meant."""
    values: dict[str, set[str]] = {name: set(vals) for name, vals in BUILTIN_FACTS.items()}
    for name in broken.facts:
        values.setdefault(name, set())
    for node_id, node in guide.nodes.items():
        if isinstance(node, CheckNode):
            values.setdefault(node_id, set()).update(("pass", "fail"))
        for choice in getattr(node, "choices", []) + getattr(node, "fallback", []):
            for name, value in choice.sets:
                values.setdefault(name, set()).add(str(value))
    # A guide's own tests may walk it as on a machine selfhelp has no name for.
    for test in guide.tests:
        for name, value in test.facts:
            if name in values:
                values[name].add(str(value))
    for node_id, node in guide.nodes.items():
        if not isinstance(node, BranchNode):
            continue
        for case in node.cases:
            for name, value in case.when:
                if name not in values:
                    rep.error(
                        case.pos,
                        "unknown-fact",
                        _("branch '{node}' tests the fact '{fact}', which nothing sets").format(
                            node=node_id, fact=name
                        ),
                        did_you_mean(name, sorted(values)),
                    )
                elif values[name] and name not in broken.facts and str(value) not in values[name]:
                    rep.warning(
                        case.pos,
                        "unknown-fact-value",
                        _(
                            "branch '{node}' tests whether '{fact}' is '{value}', a value it "
                            "never takes (it takes: {values})"
                        ).format(
                            node=node_id,
                            fact=name,
                            value=value,
                            values=", ".join(sorted(values[name])),
                        ),
                        did_you_mean(str(value), sorted(values[name])),
                    )


def _check_branch_loops(guide: Guide, rep: Reporter) -> None:
    """Branches that lead only to each other would route forever."""
    branches = {i: n for i, n in guide.nodes.items() if isinstance(n, BranchNode)}
    reported: set[str] = set()
    for start in branches:
        seen: list[str] = []
        stack = [start]
        while stack:
            node_id = stack.pop()
            if node_id in seen:
                continue
            seen.append(node_id)
            for link in branches[node_id].links():
                if link.target == start and start not in reported:
                    reported.update(seen)  # one report per loop, on its first branch
                    rep.error(
                        branches[start].pos,
                        "branch-loop",
                        _("branch '{node}' can lead back to itself through branches only").format(
                            node=start
                        ),
                        _("put a question or a step on the way round"),
                    )
                elif link.target in branches:
                    stack.append(link.target)


def _check_redact(guide: Guide, rep: Reporter) -> None:
    where = guide.key_pos.get("redact@value", guide.key_pos.get("redact", Pos()))
    for pattern in guide.redact:
        try:
            re.compile(pattern)
        except re.error as exc:
            rep.error(
                where,
                "bad-pattern",
                _("redact pattern '{pattern}' is not valid: {problem}").format(
                    pattern=pattern, problem=exc
                ),
            )


def _check_markdown(text: str, pos: Pos, node_id: str, rep: Reporter) -> None:
    open_fence: str | None = None
    #: The start of the first inline code span left open at the end of its line,
    #: outside code blocks: inline code is read line by line, as the walk shows it.
    broken: str | None = None
    for line in text.splitlines():
        m = _FENCE_LINE.match(line)
        if m:
            open_fence = None if open_fence == m.group(1) else (open_fence or m.group(1))
        elif open_fence is None and broken is None and line.count("`") % 2:
            broken = line[line.rindex("`") + 1 :].strip()[:40]
    if open_fence:
        rep.warning(
            pos,
            "markdown-unclosed-fence",
            _("the text of '{node}' opens a code block ({fence}) that is never closed").format(
                node=node_id, fence=open_fence
            ),
            _("add a closing {fence} line").format(fence=open_fence),
        )
    if broken is not None:
        rep.warning(
            pos,
            "markdown-code-span-broken",
            _(
                "the text of '{node}' breaks inline code across a line: `{start}` is "
                "shown, copied and translated as plain text"
            ).format(node=node_id, start=broken),
            _("keep each span on one line: break the line before or after it"),
        )
    if _EMPTY_LINK.search(text):
        rep.warning(
            pos,
            "markdown-empty-link",
            _("the text of '{node}' has a link with an empty target").format(node=node_id),
        )


def _fold(node_id: str) -> str:
    return node_id.casefold().replace("_", "-")


def _check_confusable_ids(guide: Guide, rep: Reporter) -> None:
    first: dict[str, str] = {}
    for node_id, node in guide.nodes.items():
        key = _fold(node_id)
        if key in first:
            rep.warning(
                node.pos,
                "confusable-ids",
                _("node id '{node}' differs from '{other}' only by case or '-'/'_'").format(
                    node=node_id, other=first[key]
                ),
                _("rename one of them"),
            )
        else:
            first[key] = node_id


def _check_metadata(guide: Guide, rep: Reporter, broken: Broken) -> None:
    if not guide.summary.strip() and "summary" not in broken.top:
        rep.warning(
            Pos(1, 1),
            "no-summary",
            _("the guide has no summary"),
            _("add one or two sentences: lists and search show them"),
        )
    if not guide.symptoms and "symptoms" not in broken.top:
        rep.warning(
            Pos(1, 1),
            "no-symptoms",
            _("the guide has no symptoms"),
            _("add the phrases and error messages a reader would type"),
        )


def _check_tests(guide: Guide, rep: Reporter, broken: Broken, walk: bool) -> None:
    for i, test in enumerate(guide.tests):
        if test.outcome is None and test.node is None:
            rep.error(
                test.pos,
                "bad-test",
                _("test '{name}' says neither 'outcome' nor 'node'").format(name=test.name),
            )
        if test.outcome is not None and test.node is not None:
            rep.error(
                test.pos,
                "bad-test",
                _("test '{name}' says both 'outcome' and 'node'").format(name=test.name),
            )
        if broken.graph is not None:
            continue
        if test.node is not None and test.node not in guide.nodes:
            rep.error(
                test.pos,
                "unknown-node",
                _("test '{name}' expects node '{node}', which is not a node of this guide").format(
                    name=test.name, node=test.node
                ),
                did_you_mean(test.node, _node_ids(guide)),
            )
        if walk and i not in broken.tests:
            _check_test_walk(guide, test, rep, broken)


class _LeftGuide(Exception):
    """A test walked into another guide: validate stops following it there."""


def _leave(guide_id: str) -> Guide | None:
    raise _LeftGuide(guide_id)


def _check_test_walk(guide: Guide, test: GuideTest, rep: Reporter, broken: Broken) -> None:
    """Walk a test through the real engine, as `selfhelp test` will, and say where
    its `path` or `answers` stop fitting the guide. What the walk then reaches is
    `selfhelp test`'s to judge; the walk stops at a broken node or another guide."""
    from ..engine.testing import PathError, follow_path
    from ..engine.walk import Walk, WalkError

    def pos_of(positions: tuple[Pos, ...], index: int) -> Pos:
        return positions[index] if index < len(positions) else test.pos

    ok = True
    for index, item in enumerate(test.path):
        if "#" not in item and item not in guide.nodes:
            rep.error(
                pos_of(test.path_pos, index),
                "unknown-node",
                _("test '{name}': the path names '{node}', which is not a node of this guide")
                .format(name=test.name, node=item),
                did_you_mean(item, _node_ids(guide)),
            )  # fmt: skip
            ok = False
    if not ok or any(broken.unsure(item) for item in test.path):
        return
    if broken.unsure(guide.start):
        return
    try:
        walk = Walk(guide, _leave, dict(test.facts))
    except (WalkError, _LeftGuide):
        return
    try:
        follow_path(walk, test.path)
    except _LeftGuide:
        return
    except PathError as exc:
        rep.error(
            pos_of(test.path_pos, exc.index),
            "bad-test-path",
            _("test '{name}': no choice of '{node}' leads to '{target}'").format(
                name=test.name, node=exc.at, target=exc.target
            ),
            did_you_mean(exc.target, exc.options),
        )
        return
    except WalkError:
        return
    for index, answer in enumerate(test.answers):
        here = walk.path[-1]
        if broken.unsure(walk.position.node_id) and walk.guide is guide:
            return
        options = walk.options()
        try:
            walk.answer(answer)
        except _LeftGuide:
            return
        except WalkError as exc:
            hint = None
            if isinstance(answer, str) and options:
                hint = did_you_mean(answer, options)
            if walk.finished:
                message = _(
                    "test '{name}': answer {n} ('{answer}') comes after the walk has ended "
                    "at '{node}'"
                ).format(name=test.name, n=index + 1, answer=answer, node=here)
            else:
                message = _("test '{name}': answer {n} ('{answer}') at '{node}': {reason}").format(
                    name=test.name, n=index + 1, answer=answer, node=here, reason=exc
                )
            rep.error(pos_of(test.answer_pos, index), "bad-test-answer", message, hint)
            return
