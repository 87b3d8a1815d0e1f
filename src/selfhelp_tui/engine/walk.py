"""The walk engine: a pure state machine over loaded guides.

A walk is the list of positions visited, root first; the current node is the last
one. `back` pops, `restart` keeps the first. Nothing else is stored, so saving a
walk and resuming it is exact, and no frontend can disagree with another about
where the reader stands. No I/O happens here.
"""

from __future__ import annotations

from collections.abc import Callable

from ..guides.model import (
    CHECK_FAIL,
    CHECK_PASS,
    BranchNode,
    CheckNode,
    Guide,
    Node,
    OutcomeNode,
    QuestionNode,
    StepNode,
)
from ..i18n import _
from ..record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Turns a guide id into a loaded guide (for `guide:` links); None when unknown.
Resolver = Callable[[str], "Guide | None"]

#: The word that continues a step wherever answers are typed or scripted.
NEXT_WORD = "next"


class WalkError(Exception):
    """A move the current node does not allow (a bad choice number, a finished walk)."""


@record(frozen=True)
class Position:
    guide_id: str
    node_id: str


class Walk:
    def __init__(
        self,
        guide: Guide,
        resolve: Resolver | None = None,
        builtin_facts: dict[str, str] | None = None,
        *,
        follow: bool = True,
    ) -> None:
        self.root = guide
        self._guides: dict[str, Guide] = {guide.id: guide}
        self._resolve = resolve
        #: Facts known without asking (the OS); answers and checks add theirs.
        self.builtin_facts = dict(builtin_facts or {})
        self.stack: list[Position] = [Position(guide.id, guide.start)]
        #: The index of the option taken at each move (len == len(stack) - 1).
        self.choices: list[int] = []
        if follow:
            self._follow_auto()
        #: Where the walk begins once the start's branches are followed.
        self._start_len = len(self.stack)

    # --- where we are -------------------------------------------------------
    @property
    def position(self) -> Position:
        return self.stack[-1]

    @property
    def guide(self) -> Guide:
        return self._guides[self.position.guide_id]

    @property
    def node(self) -> Node:
        pos = self.position
        return self._guides[pos.guide_id].nodes[pos.node_id]

    def guide_of(self, position: Position) -> Guide:
        """The guide a position of this walk is in (the root or a linked guide)."""
        return self._guides[position.guide_id]

    @property
    def finished(self) -> bool:
        return self.node.is_outcome

    @property
    def outcome(self) -> str | None:
        node = self.node
        return node.result if isinstance(node, OutcomeNode) else None

    @property
    def at_start(self) -> bool:
        return len(self.stack) <= self._start_len

    def moves(self) -> list[int]:
        """Where in the stack an option was taken at a node the reader stood on
        (branches, followed on their own, are not moves)."""
        return [
            i
            for i in range(self._start_len - 1, len(self.choices))
            if not self._guides[self.stack[i].guide_id].nodes[self.stack[i].node_id].is_auto
        ]

    @property
    def step(self) -> int:
        """The reader's step number, 1-based: nodes shown so far (branches are not)."""
        return sum(1 for p in self.stack if not self._guides[p.guide_id].nodes[p.node_id].is_auto)

    def facts(self) -> dict[str, str]:
        """What the walk knows: built-in facts, then the `set:` of every answer
        taken and the result of every check, later ones winning."""
        facts = dict(self.builtin_facts)
        for position, index in zip(self.stack, self.choices, strict=False):
            node = self._guides[position.guide_id].nodes[position.node_id]
            if isinstance(node, QuestionNode):
                facts.update(node.choices[index].sets)
            elif isinstance(node, CheckNode):
                if index < 2:
                    facts[node.id] = CHECK_PASS if index == 0 else CHECK_FAIL
                else:
                    facts.update(node.fallback[index - 2].sets)
        return facts

    @property
    def path(self) -> list[str]:
        """Node ids in order; nodes of linked guides as `guide-id#node-id`."""
        return [
            p.node_id if p.guide_id == self.root.id else f"{p.guide_id}#{p.node_id}"
            for p in self.stack
        ]

    def options(self) -> list[str]:
        """What the reader can pick here: choice labels, or one 'next' for a step.
        At a check these are its fallback answers (the probe's own result is
        taken with `choose(0)` for pass, `choose(1)` for fail)."""
        node = self.node
        if isinstance(node, QuestionNode):
            return [c.label for c in node.choices]
        if isinstance(node, StepNode):
            return [NEXT_WORD]
        if isinstance(node, CheckNode):
            return [c.label for c in node.fallback]
        return []

    def step_number(self) -> tuple[int, int] | None:
        """For tutorials: (this step, number of steps), 1-based."""
        guide = self.guide
        if not guide.is_tutorial:
            return None
        steps = guide.step_ids()
        node_id = self.position.node_id
        index = steps.index(node_id) + 1 if node_id in steps else len(steps)
        return index, len(steps)

    # --- moves --------------------------------------------------------------
    def choose(self, index: int) -> Node:
        """Take option `index` (0-based) of the current node."""
        node = self.node
        if node.is_outcome:
            raise WalkError(_("the walk is finished"))
        links = node.links()
        if not 0 <= index < len(links):
            raise WalkError(_("there is no choice {n} here").format(n=index + 1))
        self._take(index)
        self._follow_auto()
        return self.node

    def _follow_auto(self) -> None:
        """Follow branch nodes at once: the reader never stands on one."""
        for _step in range(10_000):  # a loop of branches is a guide error, not a hang
            node = self.node
            if not isinstance(node, BranchNode):
                return
            self._take(node.route(self.facts()))
        raise WalkError(_("the branches of this guide go round in a circle"))

    def _take(self, index: int) -> None:
        """Append the position option `index` leads to, following nothing."""
        node = self.node
        link = node.links()[index]
        guide = self.guide
        if link.is_external:
            guide_id, node_id = link.split_external()
            target = self._guide(guide_id)
            position = Position(target.id, node_id or target.start)
            if position.node_id not in target.nodes:
                raise WalkError(
                    _("'{target}' names no node of guide '{id}'").format(
                        target=link.target, id=guide_id
                    )
                )
        else:
            position = Position(guide.id, link.target)
        self.stack.append(position)
        self.choices.append(index)

    def answer(self, answer: int | str) -> Node:
        """Take an answer as typed or scripted: a 1-based number, a label, or `next`."""
        return self.choose(self.resolve_answer(answer))

    def resolve_answer(self, answer: int | str) -> int:
        """The walk option an answer picks. At a check, `pass` / `fail` say what the
        probe found (scripts and guide tests); its fallback answers come after them."""
        is_check = isinstance(self.node, CheckNode)
        if is_check and isinstance(answer, str):
            word = answer.strip().casefold()
            if word in (CHECK_PASS, CHECK_FAIL):
                return 0 if word == CHECK_PASS else 1
        offset = 2 if is_check else 0
        options = self.options()
        if not options:
            raise WalkError(_("the walk is finished"))
        if isinstance(answer, bool):
            raise WalkError(_("'{answer}' is not an answer").format(answer=answer))
        if isinstance(answer, int):
            if 1 <= answer <= len(options) and options != [NEXT_WORD]:
                return answer - 1 + offset
            if options == [NEXT_WORD]:
                raise WalkError(
                    _("this is a step: answer '{next}', not {answer}").format(
                        next=_("next"), answer=answer
                    )
                )
            raise WalkError(
                _("there is no choice {n} here (1-{count})").format(n=answer, count=len(options))
            )
        text = answer.strip()
        if options == [NEXT_WORD]:
            if text.casefold() in (NEXT_WORD, ""):
                return 0
            raise WalkError(
                _("this is a step: answer '{next}', not '{answer}'").format(
                    next=_("next"), answer=text
                )
            )
        if text.isdigit():
            return self.resolve_answer(int(text))
        folded = [o.casefold() for o in options]
        if text.casefold() in folded:
            return folded.index(text.casefold()) + offset
        if is_check:
            raise WalkError(
                _("'{answer}' is not one of the choices here (or pass, fail)").format(answer=text)
            )
        raise WalkError(_("'{answer}' is not one of the choices here").format(answer=text))

    def back(self) -> bool:
        """Return to the previous node a reader stood on (branches are passed
        over); False (and nothing changes) at the start."""
        if self.at_start:
            return False
        self.stack.pop()
        self.choices.pop()
        while len(self.stack) > self._start_len and self.node.is_auto:
            self.stack.pop()
            self.choices.pop()
        return True

    def restart(self) -> None:
        del self.stack[self._start_len :]
        del self.choices[self._start_len - 1 :]

    def _guide(self, guide_id: str) -> Guide:
        if guide_id not in self._guides:
            found = self._resolve(guide_id) if self._resolve else None
            if found is None:
                raise WalkError(_("guide '{id}' is not in the library").format(id=guide_id))
            self._guides[guide_id] = found
        return self._guides[guide_id]

    # --- saving -------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Everything needed to rebuild this walk exactly."""
        return {
            "guide_id": self.root.id,
            "guide_version": self.root.version,
            "choices": list(self.choices),
            "path": self.path,
        }

    @classmethod
    def replay(
        cls,
        guide: Guide,
        choices: list[int],
        resolve: Resolver | None = None,
        builtin_facts: dict[str, str] | None = None,
    ) -> Walk:
        """Rebuild a walk by taking the same options again, branches included (so
        the result is the walk that was saved, even where facts differ now);
        raises WalkError if the guide no longer allows them."""
        walk = cls(guide, resolve, builtin_facts, follow=False)
        for index in choices:
            if walk.node.is_outcome or not 0 <= index < len(walk.node.links()):
                raise WalkError(_("there is no choice {n} here").format(n=index + 1))
            walk._take(index)
        start = cls(guide, resolve, builtin_facts)
        walk._start_len = start._start_len
        walk._follow_auto()
        return walk
