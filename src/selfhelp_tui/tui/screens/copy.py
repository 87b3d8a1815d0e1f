"""`c`: copy a step's command to the clipboard, exactly, and say what was copied.

A step's commands are its fenced code blocks (guides/text.py `copyable`); where it
has several, the reader picks one here. Copying goes through the terminal (OSC 52),
so it works over SSH too.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...guides.text import copyable
from ...i18n import N_, _, ngettext

#: The longest command line a notice shows whole, in characters (the notice wraps
#: it): a long one-line command is shown as copied, to the last character.
NOTICE_WIDTH = 240


def shown_code(code: str) -> str:
    """The copied code as a notice shows it: its first line (shortened visibly only
    beyond NOTICE_WIDTH), and how many lines follow."""
    lines = code.splitlines() or [""]
    first = lines[0]
    if len(first) > NOTICE_WIDTH:
        first = first[: NOTICE_WIDTH - 1] + "…"
    more = len(lines) - 1
    if more:
        first += " " + ngettext("(and {n} more line)", "(and {n} more lines)", more).format(n=more)
    return first


def copy_code(screen: Screen[object], *texts: str) -> None:
    """Copy the command of `texts` (a node's text, a check's fallback question): at
    once if there is one, after the reader picks if there are several."""
    found = copyable(*texts)
    if not found:
        screen.notify(_("There is no code on this step to copy."), severity="warning")
        return

    def copy(code: str | None) -> None:
        if code is None:
            return
        screen.app.copy_to_clipboard(code)
        message = _("Copied to the clipboard: {code}").format(code=shown_code(code))
        screen.notify(message, markup=False)

    if len(found) == 1:
        copy(found[0])
    else:
        screen.app.push_screen(CopyScreen(found), copy)


def _digit(n: int) -> Binding:
    return Binding(str(n), f"pick({n - 1})", N_("Copy this one"), show=False, key_display="1-9")


class CopyScreen(ModalScreen[str | None]):
    """Which of the step's commands to copy: each shown whole, numbered."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Cancel")),
        *(_digit(n) for n in range(1, 10)),
    ]

    def __init__(self, codes: list[str]) -> None:
        super().__init__()
        self.codes = codes

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-box"):
            yield Static(Content.styled(_("Copy which command?"), "bold"), id="copy-title")
            yield OptionList(
                *(
                    Option(Content(f"{i}. ") + Content(code), id=str(i - 1))
                    for i, code in enumerate(self.codes, 1)
                ),
                id="copy-list",
                markup=False,
            )
            keys = _("Its number or Enter copies it; Escape cancels.")
            yield Static(Content(keys), id="copy-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#copy-list", OptionList).focus()

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.codes):
            self.dismiss(self.codes[index])
        else:
            self.app.bell()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option_index)
