"""The walk engine: a pure state machine over loaded guides.

A walk is the list of positions visited, root first; the current node is the last
one. `back` pops, `restart` keeps the first. Nothing else is stored, so saving a
walk and resuming it is exact, and no frontend can disagree with another about
where the reader stands. No I/O happens here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..guides.model import Guide, Node, OutcomeNode, QuestionNode, StepNode
from ..i18n import _

#: Turns a guide id into a loaded guide (for `guide:` links); None when unknown.
Resolver = Callable[[str], "Guide | None"]

#: The word that continues a step wherever answers are typed or scripted.
NEXT_WORD = "next"


class WalkError(Exception):
    """A move the current node does not allow (a bad choice number, a finished walk)."""


@dataclass(frozen=True)
class Position:
    guide_id: str
    node_id: str


class Walk:
    def __init__(self, guide: Guide, resolve: Resolver | None = None) -> None:
        self.root = guide
        self._guides: dict[str, Guide] = {guide.id: guide}
        self._resolve = resolve
        self.stack: list[Position] = [Position(guide.id, guide.start)]
        #: The index of the option taken at each move (len == len(stack) - 1).
        self.choices: list[int] = []

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
        return len(self.stack) == 1

    @property
    def path(self) -> list[str]:
        """Node ids in order; nodes of linked guides as `guide-id#node-id`."""
        return [
            p.node_id if p.guide_id == self.root.id else f"{p.guide_id}#{p.node_id}"
            for p in self.stack
        ]

    def options(self) -> list[str]:
        """What the reader can pick here: choice labels, or one 'next' for a step."""
        node = self.node
        if isinstance(node, QuestionNode):
            return [c.label for c in node.choices]
        if isinstance(node, StepNode):
            return [NEXT_WORD]
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
        link = links[index]
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
        return self.node

    def answer(self, answer: int | str) -> Node:
        """Take an answer as typed or scripted: a 1-based number, a label, or `next`."""
        return self.choose(self.resolve_answer(answer))

    def resolve_answer(self, answer: int | str) -> int:
        options = self.options()
        if not options:
            raise WalkError(_("the walk is finished"))
        if isinstance(answer, bool):
            raise WalkError(_("'{answer}' is not an answer").format(answer=answer))
        if isinstance(answer, int):
            if 1 <= answer <= len(options) and options != [NEXT_WORD]:
                return answer - 1
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
            return folded.index(text.casefold())
        raise WalkError(_("'{answer}' is not one of the choices here").format(answer=text))

    def back(self) -> bool:
        """Return to the previous node; False (and nothing changes) at the start."""
        if len(self.stack) == 1:
            return False
        self.stack.pop()
        self.choices.pop()
        return True

    def restart(self) -> None:
        del self.stack[1:]
        self.choices.clear()

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
    def replay(cls, guide: Guide, choices: list[int], resolve: Resolver | None = None) -> Walk:
        """Rebuild a walk by taking the same options again; raises WalkError if the
        guide no longer allows them."""
        walk = cls(guide, resolve)
        for index in choices:
            walk.choose(index)
        return walk
