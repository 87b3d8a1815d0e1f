"""The help overlay (`?` / F1): every key of the screen it was opened on.

Built from the screen's active bindings at the moment it opens, so it can never
list a key that does nothing there or miss one that was added later.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from ...i18n import N_, _


def screen_keys(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, what they do) for every binding active on `screen`, keys that share
    a description and a display (the digits 1-9) given once."""
    rows: dict[tuple[str, str], list[str]] = {}
    # The screen's own keys first, then the app's, then the focused widget's
    # (cursor movement and scrolling, which readers guess anyway).
    order = {id(screen): 0, id(screen.app): 1}
    active_bindings = sorted(
        screen.active_bindings.items(), key=lambda kv: order.get(id(kv[1].node), 2)
    )
    for key, active in active_bindings:
        binding = active.binding
        description = binding.description or binding.action
        display = binding.key_display or screen.app.get_key_display(binding)
        shown = rows.setdefault((description, display), [])
        if key not in shown:
            shown.append(key)
    grouped: dict[str, list[str]] = {}
    for (description, display), _keys in rows.items():
        grouped.setdefault(description, [])
        if display not in grouped[description]:
            grouped[description].append(display)
    return [(", ".join(displays), description) for description, displays in grouped.items()]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Close")),
        Binding("question_mark", "dismiss(None)", N_("Close"), show=False),
        Binding("f1", "dismiss(None)", N_("Close"), show=False),
        Binding("q", "dismiss(None)", N_("Close"), show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for keys, description in self.keys:
            table.add_row(Text(keys), Text(description))
        with Vertical(id="help-box"):
            yield Static(Text(_("Keys on this screen"), style="bold"), id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(table)
            yield Static(Text(_("Escape closes this help.")), id="help-close")
        yield Footer()
