"""The walk screen: the current node's text and what the reader can answer."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from ...engine import NEXT_WORD, Session, Walk
from ...i18n import N_, _
from ...texts import fallback_notice


def _digit_bindings() -> list[BindingType]:
    return [
        Binding(
            str(n),
            f"choose({n - 1})",
            N_("Choose"),
            show=n == 1,
            key_display="1-9",
        )
        for n in range(1, 10)
    ]


class WalkScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *_digit_bindings(),
        Binding("backspace", "back", N_("Back")),
        Binding("escape", "back", N_("Back"), show=False),
        Binding("r", "restart", N_("Restart")),
        Binding("u", "flag", N_("Unclear?")),
        Binding("q", "quit_guide", N_("Quit")),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    @property
    def walk(self) -> Walk:
        return self.session.walk

    def compose(self) -> ComposeResult:
        yield Static(Text(self.walk.root.title), id="title-bar")
        yield Static(id="where")
        with VerticalScroll(id="node-body"):
            yield Static(id="node-title")
            yield Markdown(id="node-text")
        yield OptionList(id="choices", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_node()
        self.query_one("#choices", OptionList).focus()

    def refresh_node(self) -> None:
        walk = self.walk
        node = walk.node
        step = walk.step_number()
        where = self.query_one("#where", Static)
        if step:
            where_text = Text(_("Step {n} of {total}").format(n=step[0], total=step[1]))
        else:
            where_text = Text(_("Step {n}").format(n=len(walk.stack)))
        notice = fallback_notice(walk.guide, node.id)
        if notice:
            where_text.append("  ·  " + notice, style="italic")
        where.update(where_text)
        title = self.query_one("#node-title", Static)
        title.update(Text(node.title or "", style="bold"))
        title.display = bool(node.title)
        self.query_one("#node-text", Markdown).update(node.text)
        self.query_one("#node-body", VerticalScroll).scroll_home(animate=False)
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        options = walk.options()
        if options == [NEXT_WORD]:
            choices.add_option(Option(Text(_("1. Continue")), id="0"))
        else:
            choices.add_options(
                Option(Text(f"{i}. {label}"), id=str(i - 1)) for i, label in enumerate(options, 1)
            )
        choices.highlighted = 0 if options else None

    def choose(self, index: int) -> None:
        if self.walk.finished or not 0 <= index < len(self.walk.options()):
            self.app.bell()
            return
        self.session.choose(index)
        if self.walk.finished:
            self.show_outcome()
        else:
            self.refresh_node()

    def show_outcome(self) -> None:
        from .outcome import OutcomeScreen

        self.app.switch_screen(OutcomeScreen(self.session))

    def action_choose(self, index: int) -> None:
        self.choose(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)

    def action_back(self) -> None:
        if self.session.back():
            self.refresh_node()
        else:
            # Back at the first node leaves the guide: nothing was answered yet.
            self.leave()

    def action_flag(self) -> None:
        """Mark this step as unclear or wrong: the writer learns which step confused
        people without anyone typing a word."""
        if self.session.flag_current():
            self.notify(_("Marked as unclear. Thank you: this helps improve the guide."))
        else:
            self.notify(_("Already marked as unclear."))

    def action_restart(self) -> None:
        self.session.restart()
        self.refresh_node()

    def action_quit_guide(self) -> None:
        if self.walk.at_start:
            self.session.end("abandoned")
            self.app.exit()
            return
        from .confirm import ConfirmScreen

        def done(yes: bool | None) -> None:
            if yes:
                self.session.end("abandoned")
                self.app.exit()

        self.app.push_screen(ConfirmScreen(_("Leave this guide before the end and quit?")), done)

    def leave(self) -> None:
        """Back to the guide list; the walk ends as abandoned."""
        self.session.end("abandoned")
        self.app.pop_screen()
