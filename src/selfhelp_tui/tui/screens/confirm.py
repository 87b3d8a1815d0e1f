"""A yes/no question over the current screen."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ...i18n import N_, _


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n", "answer(False)", N_("No")),
        Binding("escape", "answer(False)", N_("Cancel"), show=False),
        Binding("enter", "answer(True)", N_("Yes"), show=False),
    ]

    def __init__(self, question: str, kind: str = "confirm") -> None:
        super().__init__(classes=kind)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question), id="confirm-question")
            yield Static(Text(_("y = yes, n = no")), id="confirm-keys")
        yield Footer()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
