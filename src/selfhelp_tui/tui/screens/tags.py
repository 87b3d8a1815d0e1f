"""Browse by tag: a small picker over the tags of the library."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...i18n import N_, _, ngettext


class TagScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Cancel")),
    ]

    def __init__(self, tags: list[tuple[str, int]]) -> None:
        super().__init__()
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box"):
            yield Static(Text(_("Browse by tag"), style="bold"))
            if self.tags:
                yield OptionList(
                    *(
                        Option(
                            Text(tag)
                            + Text(
                                "  " + ngettext("{n} guide", "{n} guides", n).format(n=n),
                                style="dim",
                            ),
                            id=tag,
                        )
                        for tag, n in self.tags
                    ),
                    id="tag-list",
                    markup=False,
                )
            else:
                yield Static(Text(_("No guide has tags.")))
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
