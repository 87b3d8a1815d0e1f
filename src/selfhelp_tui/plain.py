"""Plain mode: a line-based walk for serial consoles, screen readers and scripts.

It draws nothing but lines of text, reads answers from any input (a terminal, a
pipe, a list given with --answers) and never imports Textual. Closed input ends
the walk as abandoned instead of looping.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

from .engine import NEXT_WORD, Session, Walk, WalkError
from .guides.model import QuestionNode
from .guides.text import markdown_to_plain
from .i18n import _
from .texts import fallback_notice, outcome_title

#: Exit code when the walk did not reach an outcome (input or answers ran out).
EXIT_UNFINISHED = 3


@dataclass
class PlainResult:
    session: Session
    outcome: str  # an outcome result, or "abandoned"
    exit_code: int


class PlainWalker:
    def __init__(
        self,
        session: Session,
        answers: Iterator[str] | None = None,
        out: TextIO | None = None,
        read_line: Callable[[str], str] | None = None,
    ) -> None:
        self.session = session
        self.walk: Walk = session.walk
        self.out = out or sys.stdout
        self._scripted = answers
        self._read_line = read_line or self._stdin_line
        #: Whether the node shown last fell back to the source language (the notice
        #: is printed when that starts, not again on every node).
        self._fell_back = False

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _stdin_line(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        if not sys.stdin.isatty():  # keep piped transcripts readable
            self.out.write(line if line.endswith("\n") else line + "\n")
        return line.rstrip("\r\n")

    def _next_answer(self, prompt: str) -> str:
        if self._scripted is not None:
            try:
                answer = next(self._scripted)
            except StopIteration:
                raise EOFError from None
            self.say(f"{prompt}{answer}")
            return answer
        return self._read_line(prompt)

    def show_node(self) -> None:
        walk = self.walk
        node = walk.node
        self.say()
        step = walk.step_number()
        heading = node.title or ""
        if step and not walk.finished:
            heading = _("Step {n} of {total}").format(n=step[0], total=step[1]) + (
                f": {heading}" if heading else ""
            )
        if heading:
            self.say(f"== {heading} ==")
        notice = fallback_notice(walk.guide, node.id)
        if notice and not self._fell_back:
            self.say(f"({notice})")
        self._fell_back = notice is not None
        if node.text.strip():
            self.say(markdown_to_plain(node.text))
        if isinstance(node, QuestionNode):
            self.say()
            for i, choice in enumerate(node.choices, 1):
                self.say(f"  {i}) {choice.label}")

    def run(self, resumed: bool = False) -> PlainResult:
        walk = self.walk
        self.say(f"# {walk.root.title}")
        if resumed:
            self.say(_("(resumed at step {n})").format(n=len(walk.stack)))
        self.show_node()
        while not walk.finished:
            options = walk.options()
            if options == [NEXT_WORD]:
                prompt = _("[Enter/next, back, quit] > ")
            else:
                prompt = _("[1-{n}, back, quit] > ").format(n=len(options))
            try:
                answer = self._next_answer(prompt).strip()
            except EOFError:
                self.say()
                self.say(_("Input ended before the walk did: recorded as left before the end."))
                return self._abandon()
            word = answer.casefold()
            if word == _("next").casefold():
                answer = NEXT_WORD
            if word in ("quit", "q", _("quit").casefold()):
                self.say(_("Left the guide."))
                return self._abandon()
            if word in ("back", "b", _("back").casefold()):
                if not self.session.back():
                    self.say(_("Already at the start."))
                self.show_node()
                continue
            try:
                self.session.answer(answer)
            except WalkError as exc:
                self.say(_("Not understood: {error}").format(error=exc))
                continue
            self.show_node()
        result = walk.outcome or "completed"
        self.say()
        self.say(_("Outcome: {outcome}").format(outcome=outcome_title(result)))
        self._notices()
        return PlainResult(self.session, result, 0)

    def _abandon(self) -> PlainResult:
        self.session.end("abandoned")
        self._notices()
        return PlainResult(self.session, "abandoned", EXIT_UNFINISHED)

    def _notices(self) -> None:
        for notice in self.session.drain_notices():
            sys.stderr.write(notice + "\n")


def split_answers(text: str) -> list[str]:
    """`2,1,next,"Yes, it is"` style lists: commas separate; blanks are ignored."""
    import csv

    row = next(csv.reader([text], skipinitialspace=True), [])
    return [a.strip() for a in row if a.strip()]


def ask_yes_no(question: str) -> bool:
    """One y/n question on standard input; closed input is a no."""
    while True:
        sys.stdout.write(question + " " + _("[y/n] > "))
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            print()
            return False
        word = line.strip().casefold()
        if word in ("y", "yes", _("y").casefold(), _("yes").casefold()):
            return True
        if word in ("n", "no", _("n").casefold(), _("no").casefold()):
            return False
