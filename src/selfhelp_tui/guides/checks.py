"""Checks on a built guide: its graph, its text and its tests.

These run after the schema checks. Links to other guides are checked later, by
the library, because only it knows which guides exist.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque

from ..i18n import _
from .diagnostics import Pos, Reporter, did_you_mean
from .index import closure
from .model import (
    BUILTIN_FACTS,
    TUTORIAL_END,
    BranchNode,
    CheckNode,
    Choice,
    Guide,
    QuestionNode,
)

_FENCE_LINE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_EMPTY_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*\)")


def check_guide(guide: Guide, rep: Reporter) -> None:
    _check_links(guide, rep)
    _check_reachability(guide, rep)
    _check_way_out(guide, rep)
    _check_nodes(guide, rep)
    _check_confusable_ids(guide, rep)
    _check_metadata(guide, rep)
    _check_tests(guide, rep)
    _check_probes(guide, rep)
    _check_facts(guide, rep)
    _check_branch_loops(guide, rep)
    _check_redact(guide, rep)


def _node_ids(guide: Guide) -> list[str]:
    return [n for n in guide.nodes if n != TUTORIAL_END]


def _check_links(guide: Guide, rep: Reporter) -> None:
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
                rep.error(
                    link.pos,
                    "unknown-node",
                    _("next '{target}' is not a node of this guide").format(target=link.target),
                    did_you_mean(link.target, _node_ids(guide)),
                )


def _successors(guide: Guide) -> dict[str, list[str]]:
    return {
        node_id: [
            link.target
            for link in node.links()
            if not link.is_external and link.target in guide.nodes
        ]
        for node_id, node in guide.nodes.items()
    }


def reachable_from_start(guide: Guide) -> set[str]:
    succ = _successors(guide)
    seen: set[str] = set()
    queue = deque([guide.start] if guide.start in guide.nodes else [])
    while queue:
        node_id = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        queue.extend(succ[node_id])
    return seen


def _check_reachability(guide: Guide, rep: Reporter) -> None:
    if guide.start not in guide.nodes:
        return
    seen = reachable_from_start(guide)
    for node_id, node in guide.nodes.items():
        if node_id not in seen:
            rep.warning(
                node.pos,
                "unreachable-node",
                _("node '{node}' cannot be reached from start '{start}'").format(
                    node=node_id, start=guide.start
                ),
            )


def _check_way_out(guide: Guide, rep: Reporter) -> None:
    """Every node must be able to reach an ending: an outcome, another guide, or a
    broken link (already an error of its own, so not reported twice)."""
    preds: dict[str, list[str]] = defaultdict(list)
    exits: list[str] = []
    for node_id, node in guide.nodes.items():
        if node.is_outcome:
            exits.append(node_id)
        for link in node.links():
            if link.is_external or link.target not in guide.nodes:
                exits.append(node_id)
            else:
                preds[link.target].append(node_id)
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


def _check_nodes(guide: Guide, rep: Reporter) -> None:
    for node_id, node in guide.nodes.items():
        if node_id == TUTORIAL_END:
            continue
        text_pos = node.field_pos.get("text", node.pos)
        # A check's and a branch's text is optional; everyone else's is the point.
        if node.text.strip() or not isinstance(node, (CheckNode, BranchNode)):
            _check_text(node.text, text_pos, node_id, _("node '{node}' has no text"), rep)
        if node.caution is not None:
            caution_pos = node.field_pos.get("caution", node.pos)
            _check_text(
                node.caution, caution_pos, node_id, _("the caution of '{node}' is empty"), rep
            )
        if isinstance(node, CheckNode):
            _check_labels(node_id, node.fallback, rep)
            fallback_pos = node.field_pos.get("fallback", node.pos)
            message = _("the fallback of '{node}' has no text")
            _check_text(node.fallback_text, fallback_pos, node_id, message, rep)
        if isinstance(node, QuestionNode):
            _check_labels(node_id, node.choices, rep)
            if len(node.choices) == 1:
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


def _check_probes(guide: Guide, rep: Reporter) -> None:
    checks = [(i, n) for i, n in guide.nodes.items() if isinstance(n, CheckNode) and n.probe]
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


def _check_facts(guide: Guide, rep: Reporter) -> None:
    """A `when` may only test facts something sets: a choice's or fallback's
    `set:`, a check (its node id: pass or fail), or a built-in fact; and only for
    a value the fact takes (or one the guide's own tests give it)."""
    values: dict[str, set[str]] = {name: set(vals) for name, vals in BUILTIN_FACTS.items()}
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
                elif values[name] and str(value) not in values[name]:
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
    for line in text.splitlines():
        m = _FENCE_LINE.match(line)
        if m:
            open_fence = None if open_fence == m.group(1) else (open_fence or m.group(1))
    if open_fence:
        rep.warning(
            pos,
            "markdown-unclosed-fence",
            _("the text of '{node}' opens a code block ({fence}) that is never closed").format(
                node=node_id, fence=open_fence
            ),
            _("add a closing {fence} line").format(fence=open_fence),
        )
    broken = _broken_code_span(text)
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


def _broken_code_span(text: str) -> str | None:
    """The start of the first inline code span left open at the end of its line
    (outside code blocks): selfhelp reads inline code line by line, as the walk
    shows it, so a span must not go on to the next line."""
    fence: str | None = None
    for line in text.splitlines():
        m = _FENCE_LINE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
            continue
        if fence is None and line.count("`") % 2:
            return line[line.rindex("`") + 1 :].strip()[:40]
    return None


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


def _check_metadata(guide: Guide, rep: Reporter) -> None:
    if not guide.summary.strip():
        rep.warning(
            Pos(1, 1),
            "no-summary",
            _("the guide has no summary"),
            _("add one or two sentences: lists and search show them"),
        )
    if not guide.symptoms:
        rep.warning(
            Pos(1, 1),
            "no-symptoms",
            _("the guide has no symptoms"),
            _("add the phrases and error messages a reader would type"),
        )


def _check_tests(guide: Guide, rep: Reporter) -> None:
    for test in guide.tests:
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
        if test.node is not None and test.node not in guide.nodes:
            rep.error(
                test.pos,
                "unknown-node",
                _("test '{name}' expects node '{node}', which is not a node of this guide").format(
                    name=test.name, node=test.node
                ),
                did_you_mean(test.node, _node_ids(guide)),
            )
