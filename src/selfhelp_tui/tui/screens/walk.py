"""The walk screen: the current node's text and what the reader can answer."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from ...engine import NEXT_WORD, Session, Walk
from ...guides.text import first_code, markdown_to_plain
from ...i18n import N_, _
from ...texts import fallback_notice

#: Longest label of one breadcrumb, in characters.
CRUMB_WIDTH = 24
CRUMB_SEP = " › "


def crumb_label(title: str | None, text: str) -> str:
    """A node as one short breadcrumb: its title, else the start of its text."""
    label = title or next((ln for ln in markdown_to_plain(text).splitlines() if ln.strip()), "")
    label = " ".join(label.split())
    return label if len(label) <= CRUMB_WIDTH else label[: CRUMB_WIDTH - 1] + "…"


def collapse_crumbs(labels: list[str], width: int) -> str:
    """The path as breadcrumbs that fit `width`: the first, an ellipsis, and as many
    of the last as fit (the current node always shows)."""
    full = CRUMB_SEP.join(labels)
    if len(full) <= width or len(labels) <= 2:
        return full
    tail: list[str] = [labels[-1]]
    for label in reversed(labels[1:-1]):
        candidate = CRUMB_SEP.join([labels[0], "…", label, *tail])
        if len(candidate) > width:
            break
        tail.insert(0, label)
    return CRUMB_SEP.join([labels[0], "…", *tail])


def _digit_bindings() -> list[BindingType]:
    return [
        Binding(
            str(n),
            f"choose({n - 1})",
            N_("Choose"),
            # The choices are numbered on screen; the footer keeps its room.
            show=False,
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
        Binding("c", "copy_code", N_("Copy code")),
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
        with Horizontal(id="walk-progress"):
            yield ProgressBar(show_eta=False, id="progress")
        yield Static(id="breadcrumbs")
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
        progress = self.query_one("#walk-progress")
        progress.display = bool(step)
        if step:
            self.query_one("#progress", ProgressBar).update(total=step[1], progress=step[0])
        self.show_breadcrumbs()
        self.refresh_bindings()
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

    def show_breadcrumbs(self) -> None:
        walk = self.walk
        labels = []
        for pos in walk.stack:
            node = walk.guide_of(pos).nodes[pos.node_id]
            labels.append(crumb_label(node.title, node.text))
        crumbs = self.query_one("#breadcrumbs", Static)
        crumbs.display = len(labels) > 1
        crumbs.update(Text(collapse_crumbs(labels, max(20, self.size.width - 4))))

    def on_resize(self) -> None:
        if self.session is not None:  # the preview has none while its file is broken
            self.show_breadcrumbs()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_code":  # offered only where there is code to copy
            if self.session is None:
                return False
            return first_code(self.walk.node.text) is not None
        return True

    def action_copy_code(self) -> None:
        """Commands must be copied exactly: the first code of the node goes to the
        clipboard (through the terminal, so it works over SSH too)."""
        code = first_code(self.walk.node.text)
        if code is None:
            self.notify(_("There is no code on this step to copy."), severity="warning")
            return
        self.app.copy_to_clipboard(code)
        shown = code if len(code) <= 40 else code[:39] + "…"
        self.notify(_("Copied to the clipboard: {code}").format(code=shown), markup=False)

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
