"""The home screen: the guides of the library, and the ones that failed to load."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...guides.library import Library
from ...guides.model import Guide
from ...i18n import N_, _, ngettext
from ...texts import kind_title, title_language_note


def guide_prompt(guide: Guide) -> Text:
    """Two lines per guide: title and kind, then the summary, all literal text."""
    text = Text()
    text.append(guide.title, style="bold")
    note = title_language_note(guide)
    kind = kind_title(guide.kind) + (f" · {note}" if note else "")
    text.append(f"  ({kind})", style="dim")
    if guide.summary:
        text.append("\n" + guide.summary)
    return text


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", N_("Quit")),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.guides = library.sorted_guides()

    def compose(self) -> ComposeResult:
        yield Static(Text(_("selfhelp: pick a guide")), id="title-bar")
        if self.guides:
            yield OptionList(
                *[Option(guide_prompt(g), id=g.id) for g in self.guides],
                id="guide-list",
            )
        else:
            yield Static(
                Text(
                    _(
                        "No guides found.\n\nAdd a folder of guides with "
                        "`selfhelp --guides DIR`, or set SELFHELP_GUIDES."
                    )
                ),
                id="empty-library",
            )
        if self.library.failures:
            yield Static(self._failures_text(), id="failures")
        yield Footer()

    def _failures_text(self) -> Text:
        failures = self.library.failures
        text = Text(
            ngettext(
                "{n} guide could not be loaded:",
                "{n} guides could not be loaded:",
                len(failures),
            ).format(n=len(failures)),
            style="bold",
        )
        for result in failures:
            first = result.errors[0] if result.errors else None
            text.append("\n  " + (first.format() if first else str(result.path)))
            if len(result.errors) > 1:
                more = len(result.errors) - 1
                text.append(
                    " " + ngettext("(+{n} more)", "(+{n} more)", more).format(n=more),
                    style="dim",
                )
        return text

    def on_mount(self) -> None:
        if self.guides:
            self.query_one("#guide-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.open_guide(event.option.id)  # type: ignore[attr-defined]
