"""The outcome screen: how the walk ended, and the way back to the list."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...engine import Session
from ...guides.text import copyable
from ...i18n import N_, _
from ...texts import fallback_notice, outcome_title
from ..widgets.node_text import NodeText
from ..widgets.walk_footer import WalkFooter


class OutcomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "home", N_("Guide list")),
        Binding("backspace", "back", N_("Back"), show=False),
        Binding("q", "app.quit", N_("Quit")),
        Binding("s", "save_report", N_("Save report")),
        Binding("c", "copy_code", N_("Copy command")),
        Binding("y", "helped(True)", N_("Helped")),
        Binding("n", "helped(False)", N_("No")),
        *(
            Binding(str(n), f"rate({n})", N_("Rate"), show=n == 1, key_display="1-5")
            for n in range(1, 6)
        ),
    ]

    #: The footer's keys where not all fit, most needed first (widgets/walk_footer.py).
    FOOTER_PRIORITY: ClassVar[tuple[str, ...]] = (
        "app.quit",
        "helped",
        "rate",
        "home",
        "copy_code",
        "save_report",
    )

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.walk = session.walk

    def compose(self) -> ComposeResult:
        result = self.walk.outcome or "completed"
        yield Static(Text(self.walk.root.title), id="title-bar")
        yield Static(Text(outcome_title(result)), id="outcome-title", classes=f"result-{result}")
        notice = fallback_notice(self.walk.guide, self.walk.node.id)
        if notice:
            yield Static(Text(notice, style="italic"), id="where")
        with VerticalScroll(id="node-body"):
            # Drawn as the walk draws a node: a long command goes on after a mark.
            yield NodeText(self.walk.node.text, id="node-text")
        yield Static(self._feedback_text(), id="feedback-question")
        yield OptionList(
            Option(Text(_("Start another guide")), id="home"),
            Option(Text(_("Quit")), id="quit"),
            id="outcome-actions",
            markup=False,
        )
        yield WalkFooter()

    def on_mount(self) -> None:
        self.query_one("#outcome-actions", OptionList).focus()
        for notice in self.session.drain_notices():
            self.notify(notice, severity="warning", timeout=10)

    def _feedback_text(self) -> Text:
        """One line, one key each, all optional: never a form."""
        s = self.session
        question = _("Did this help?") if s.guide.is_tutorial else _("Did this solve your problem?")
        text = Text(question + " ", style="bold")
        if s.helped is None:
            text.append(_("y = yes, n = no"))
        else:
            text.append(_("Yes") if s.helped else _("No"))
        text.append("   ")
        if s.rating is None:
            text.append(_("Rate it 1-5 (optional)"), style="dim")
        else:
            text.append(_("Your rating: {n}/5").format(n=s.rating))
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_report":  # only where the app can save reports
            return getattr(self.app, "save_report", None) is not None
        if action == "copy_code":  # an escalation's command to send, for one
            return bool(copyable(self.walk.node.text))
        return True

    def action_copy_code(self) -> None:
        from .copy import copy_code

        copy_code(self, self.walk.node.text)

    def action_save_report(self) -> None:
        from .walk import save_report

        save_report(self, self.session)

    def action_helped(self, helped: bool) -> None:
        self.session.set_helped(helped)
        self.query_one("#feedback-question", Static).update(self._feedback_text())

    def action_rate(self, rating: int) -> None:
        self.session.rate(rating)
        self.query_one("#feedback-question", Static).update(self._feedback_text())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "quit":
            self.app.exit()
        else:
            self.action_home()

    def action_home(self) -> None:
        self.app.pop_screen()

    def action_back(self) -> None:
        """Step back into the guide from its outcome (the walk is kept)."""
        from .walk import WalkScreen

        self.session.reopen()
        self.session.back()
        self.app.switch_screen(WalkScreen(self.session))
