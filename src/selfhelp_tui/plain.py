"""Plain mode: a line-based walk for serial consoles, screen readers and scripts.

It draws nothing but lines of text, reads answers from any input (a terminal, a
pipe, a list given with --answers) and never imports Textual. Closed input ends
the walk as abandoned instead of looping.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

from .engine import NEXT_WORD, Session, Walk, WalkError
from .guides.model import CHECK_FAIL, CHECK_PASS, CheckNode, Guide, QuestionNode
from .guides.text import CONTINUES, plain_lines
from .i18n import _
from .record import record
from .texts import fallback_notice, outcome_title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from .probes import ProbeResult

#: Exit code when the walk did not reach an outcome (input or answers ran out).
EXIT_UNFINISHED = 3


@record
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
        trusted: Callable[[Guide], bool] | None = None,
        save_report: Callable[[Session], str] | None = None,
        width: int | None = None,
    ) -> None:
        #: The width text is reflowed to (a terminal's); None: not wrapped (a pipe).
        self.width = width
        #: Whether the guide comes from a folder the user trusts (commands may be
        #: offered); built-in probes run either way.
        self.trusted = trusted or (lambda guide: False)
        #: Saves the session report and returns where (`report` / `s` at a prompt).
        self.save_report = save_report
        self.session = session
        self.walk: Walk = session.walk
        self.out = out or sys.stdout
        self._scripted = answers
        self._read_line = read_line or self._stdin_line
        #: Whether the node shown last fell back to the source language (the notice
        #: is printed when that starts, not again on every node).
        self._fell_back = False
        #: An answer read ahead (a scripted check's) to be used as the next one.
        self._pending: str | None = None

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def say_markdown(self, text: str, prefix: str = "") -> None:
        """Guide text reflowed to the width, each line after `prefix`."""
        width = None if self.width is None else max(20, self.width - len(prefix))
        marker = CONTINUES
        encoding = getattr(self.out, "encoding", None) or "utf-8"
        try:
            marker.encode(encoding)
        except (LookupError, UnicodeEncodeError):
            marker = "+"  # a console that cannot show the arrow
        for line in plain_lines(text, width, marker):
            self.say((prefix + line).rstrip() if line else prefix.rstrip())

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
        if self._pending is not None:
            answer, self._pending = self._pending, None
            return answer
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
        if node.caution and node.caution.strip():
            self.say()
            self.say("!! " + _("CAUTION") + " !!")
            self.say_markdown(node.caution, "!! ")
            self.say()
        if node.text.strip():
            self.say_markdown(node.text)
        if isinstance(node, QuestionNode):
            self.say()
            for i, choice in enumerate(node.choices, 1):
                self.say(f"  {i}) {choice.label}")

    def show_fallback(self, node: CheckNode) -> None:
        self.say_markdown(node.fallback_text)
        self.say()
        for i, choice in enumerate(node.fallback, 1):
            self.say(f"  {i}) {choice.label}")

    def _say_result(self, result: ProbeResult) -> None:
        mark = {"pass": "[PASS]", "fail": "[FAIL]"}.get(result.status, "[??]")
        self.say(f"{mark} {result.summary}")
        if result.output.strip():
            lines = result.output.rstrip().splitlines()
            for line in lines[:20]:
                self.say("    | " + line)
            if len(lines) > 20:
                more = _("... ({n} more lines in the report)").format(n=len(lines) - 20)
                self.say("    | " + more)

    def do_check(self, node: CheckNode) -> bool:
        """Run (or offer) the check here. True when it decided and the walk moved on;
        False when the fallback question must be answered."""
        from .engine import checking  # and the probes: only for a guide with checks

        if self.session.check_result() is not None:
            return False  # checked on this visit already: its fallback is showing
        self.say(_("Check: {what}").format(what=checking.description(node)))
        if self._scripted is not None:
            return self._scripted_check(node)
        trusted = self.trusted(self.walk.guide)
        plan = checking.plan(self.session, node, bool(trusted))
        if plan is checking.Plan.FALLBACK:
            self.say(_("(This guide's folder is not trusted, so its commands are not run.)"))
            reason = getattr(trusted, "reason", None)  # trust.Verdict: why not
            if reason:
                self.say(f"({reason})")
            checking.decline(
                self.session, node, reason or _("not offered: the guide is not trusted")
            )
            self.show_fallback(node)
            return False
        if plan is checking.Plan.ASK:
            answer = self._read(
                _("Run this command? [y = yes, a = all checks of this guide, n = no] > ")
            )
            word = (answer or "").strip().casefold()
            if word in ("a", _("a").casefold()):
                checking.allow_all(self.session)
            elif word not in ("y", "yes", _("y").casefold(), _("yes").casefold()):
                checking.decline(self.session, node, _("declined by the reader"), by_reader=True)
                self.show_fallback(node)
                return False
        result = checking.perform(self.session, node)
        self._say_result(result)
        if checking.continue_after(self.session, result):
            return True
        self.say(_("The check could not decide here; please answer instead:"))
        self.show_fallback(node)
        return False

    def _scripted_check(self, node: CheckNode) -> bool:
        """In --answers, a check takes `pass` or `fail` (what to assume), `check` (run
        a built-in probe for real; commands are never run unasked), or a fallback
        answer."""
        from .engine import checking
        from .probes import ProbeResult, needs_consent

        try:
            answer = self._next_answer("> ")
        except EOFError:
            return False  # the answers end here: the walk stops as at any other node
        word = answer.strip().casefold()
        if word == "check" and not needs_consent(node.probe):
            result = checking.perform(self.session, node)
            self._say_result(result)
            if checking.continue_after(self.session, result):
                return True
            self.show_fallback(node)
            return False
        if word in (CHECK_PASS, CHECK_FAIL):
            checking.record(
                self.session,
                node,
                ProbeResult(word, _("given in the answers, not checked")),
            )
        else:
            checking.decline(self.session, node, _("not run in a scripted walk"))
            self.show_fallback(node)
        self._pending = answer
        return False

    def _read(self, prompt: str) -> str | None:
        try:
            return self._next_answer(prompt)
        except EOFError:
            return None

    def run(self, resumed: bool = False) -> PlainResult:
        walk = self.walk
        self.say(f"# {walk.root.title}")
        if resumed:
            self.say(_("(resumed at step {n})").format(n=walk.step))
        self.show_node()
        while not walk.finished:
            node = walk.node
            if isinstance(node, CheckNode):
                try:
                    decided = self.do_check(node)
                except EOFError:  # the answers ended at a check: as at any other node
                    return self._input_ended()
                if decided:
                    self.show_node()
                    continue
            options = walk.options()
            if self.session.needs_acknowledgement():
                prompt = _("[type 'ack' once you have read the caution, back, quit] > ")
            elif options == [NEXT_WORD]:
                prompt = _("[Enter/next, back, quit] > ")
            else:
                prompt = _("[1-{n}, back, quit] > ").format(n=len(options))
            try:
                answer = self._next_answer(prompt).strip()
            except EOFError:
                return self._input_ended()
            word = answer.casefold()
            if word == _("next").casefold():
                answer = NEXT_WORD
            if word in ("quit", "q", _("quit").casefold()):
                if not self._would_lose(_("Leave this guide before the end?")):
                    self.say(_("Going on."))
                    continue
                self.say(_("Left the guide."))
                return self._abandon()
            if word in ("restart", _("restart").casefold()):
                if self._would_lose(_("Start this guide again from the top?")):
                    self.session.restart()
                    self.say(_("Started again from the top."))
                    self.show_node()
                else:
                    self.say(_("Going on."))
                continue
            if word in ("help", "?", _("help").casefold()):
                self.say_markdown(self.words_help())
                continue
            if word in ("back", "b", _("back").casefold()):
                if not self.session.back():
                    self.say(_("Already at the start."))
                self.show_node()
                continue
            if word in ("report", "s", _("report").casefold()):
                self._save_report()
                continue
            if word in ("ack", _("ack").casefold()) and self.session.needs_acknowledgement():
                self.session.acknowledge()
                self.say(_("Caution acknowledged."))
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

    def _input_ended(self) -> PlainResult:
        self.say()
        self.say(_("Input ended before the walk did: recorded as left before the end."))
        return self._abandon()

    def _would_lose(self, question: str) -> bool:
        """True to go on leaving or restarting: at once when nothing the reader did
        would be lost (Session.has_progress, the TUI's rule too) or in a scripted
        walk; otherwise after a yes (closed input: yes, the walk ends anyway)."""
        if self._scripted is not None or not self.session.has_progress():
            return True
        answer = self._read(question + " " + _("[y/n] > "))
        if answer is None:
            return True
        return answer.strip().casefold() in ("y", "yes", _("y").casefold(), _("yes").casefold())

    def words_help(self) -> str:
        """Every word the prompts take (`help`), as the TUI's `?` lists its keys."""
        return _(
            "Answer with a choice's number or its label; Enter or 'next' goes on from a "
            "step. Anywhere: 'back' (one step back), 'restart' (from the top), 'report' "
            "(save the session report), 'quit' (leave the guide), 'help' (this). At a "
            "caution: 'ack' once you have read it."
        )

    def _save_report(self) -> None:
        if self.save_report is None:
            self.say(_("No session report here."))
            return
        try:
            where = self.save_report(self.session)
        except OSError as exc:
            self.say(_("Could not save the report: {error}").format(error=exc))
            return
        self.say(_("Report saved: {path}").format(path=where))

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


def terminal_width(env: dict[str, str]) -> int | None:
    """The width plain mode reflows text to: `COLUMNS` when set, else the terminal's
    (80 where it says 0, as a serial console may); None when the output is not a
    terminal (a pipe, a log file: lines are left whole for whatever reads them)."""
    import os

    columns = env.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not sys.stdout.isatty():
        return None
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns or 80
    except OSError:
        return 80
