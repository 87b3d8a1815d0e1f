"""The walk screen: the current node's text and what the reader can answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.scalar import Unit
from textual.screen import Screen
from textual.widgets import Markdown, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ...engine import NEXT_WORD, Session, Walk, WalkError, checking
from ...guides.model import CheckNode
from ...guides.text import copyable
from ...i18n import N_, _
from ...probes import ProbeResult
from ...texts import fallback_notice
from ..widgets.node_text import NodeText, first_line
from ..widgets.walk_footer import WalkFooter

#: Longest label of one breadcrumb, in characters.
CRUMB_WIDTH = 24
CRUMB_SEP = " › "


def save_report(screen: Screen[None], session: Session) -> None:
    """`s` on the walk and outcome screens: save the session report, say where."""
    save = getattr(screen.app, "save_report", None)
    if save is None:
        screen.notify(_("Reports are not saved here."), severity="warning")
        return
    try:
        where = save(session)
    except OSError as exc:
        message = _("Could not save the report: {error}").format(error=exc)
        screen.notify(message, severity="error", markup=False)
        return
    screen.notify(_("Report saved: {path}").format(path=where), markup=False, timeout=10)


@lru_cache(maxsize=4096)
def crumb_label(title: str | None, text: str) -> Content:
    """A node as one short breadcrumb: its title, else the start of its text, drawn
    as the node's text is (inline code styled, no backticks)."""
    label = Content(" ".join(title.split())) if title else first_line(text)
    return label.truncate(CRUMB_WIDTH, ellipsis=True)


def collapse_crumbs(labels: list[Content], width: int) -> Content:
    """The path as breadcrumbs that fit `width`: the first, an ellipsis, and as many
    of the last as fit (the current node always shows)."""
    sep = Content(CRUMB_SEP)
    full = sep.join(labels)
    if full.cell_length <= width or len(labels) <= 2:
        return full
    # The length of `first › … › tail`, kept as labels are added (a deep walk has many).
    length = labels[0].cell_length + 2 * len(CRUMB_SEP) + len("…") + labels[-1].cell_length
    kept = 1
    for label in reversed(labels[1:-1]):
        length += len(CRUMB_SEP) + label.cell_length
        if length > width:
            break
        kept += 1
    return sep.join([labels[0], Content("…"), *labels[-kept:]])


class Crumbs(Static):
    """The breadcrumbs: their inline code is styled as in the node's text."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"code_inline"}


#: The actions `WalkScreen.check_action` offers on some nodes and not on others.
_NODE_ACTIONS = ("copy_code", "acknowledge", "toggle_output", "save_report")


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
        # The footer keeps to what most readers need at 80 columns in every language;
        # the rest is in the help overlay (?), the palette, and said where it applies
        # (the check panel names `o`).
        Binding("r", "restart", N_("Restart"), show=False),
        Binding("c", "copy_code", N_("Copy command")),
        Binding("a", "acknowledge", N_("Acknowledge caution")),
        Binding("o", "toggle_output", N_("Show output"), show=False),
        Binding("s", "save_report", N_("Save report"), show=False),
        Binding("u", "flag", N_("Unclear?")),
        Binding("q", "quit_guide", N_("Quit")),
    ]

    #: The footer's keys where not all fit, most needed first (widgets/walk_footer.py).
    FOOTER_PRIORITY: ClassVar[tuple[str, ...]] = (
        "acknowledge",
        "quit_guide",
        "back",
        "copy_code",
        "flag",
    )

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        #: What each numbered line of the choices list does, in order.
        self.offers: list[tuple[str, Callable[[], None]]] = []
        #: A probe is running (off the UI thread); moves wait for it.
        self.checking = False
        self.show_output = False
        #: What the footer's keys were last shown for, and by which (see `show_keys`).
        self._keys_state: tuple[object, ...] = ()
        self._footers: list[WalkFooter] = []
        #: The visit the first-run notice is shown on (it goes with the next move).
        self._notice_at: int | None = None
        #: The check panel is to be in view once the body is laid out (`show_check`).
        self._reveal_check = False

    @property
    def walk(self) -> Walk:
        return self.session.walk

    def compose(self) -> ComposeResult:
        yield Static(Text(self.walk.root.title), id="title-bar")
        yield Static(id="where")
        with Horizontal(id="walk-progress"):
            yield ProgressBar(show_eta=False, id="progress")
        yield from self.compose_node()
        yield WalkFooter()

    def compose_node(self) -> ComposeResult:
        """The breadcrumbs, the node (caution, text, check) and its choices: the
        walk's and the writer's preview's."""
        yield Crumbs(id="breadcrumbs")
        with VerticalScroll(id="node-body"):
            with Vertical(id="caution"):
                yield NodeText(id="caution-text")
                yield Static(id="caution-state")
            yield Static(id="node-title")
            yield NodeText(id="node-text")
            with Vertical(id="check-panel"):
                yield Static(id="check-status")
                yield NodeText(id="check-fallback")
            yield Static(id="check-output")
        yield OptionList(id="choices", markup=False)

    def on_mount(self) -> None:
        body = self.query_one("#node-body", VerticalScroll)
        self.watch(body, "virtual_size", self._check_in_view, init=False)
        self.refresh_node()
        self.query_one("#choices", OptionList).focus()

    def show_notice(self, notice: str) -> None:
        """The first-run notice, under the step's text in its scrolling body: it
        covers nothing, and goes with the reader's first move."""
        body = self.query_one("#node-body", VerticalScroll)
        body.mount(Static(Content(notice), id="first-run"))
        self._notice_at = len(self.walk.stack)

    def refresh_node(self) -> None:
        walk = self.walk
        node = walk.node
        if self._notice_at is not None and self._notice_at != len(walk.stack):
            self._notice_at = None
            for notice in self.query("#first-run"):
                notice.remove()
        step = walk.step_number()
        where = self.query_one("#where", Static)
        # Content, not Rich Text: Static converts Text on every update (literal either way).
        if step:
            where_text = Content(_("Step {n} of {total}").format(n=step[0], total=step[1]))
        else:
            where_text = Content(_("Step {n}").format(n=walk.step))
        notice = fallback_notice(walk.guide, node.id)
        if notice:
            where_text += Content.styled("  ·  " + notice, "italic")
        where.update(where_text)
        progress = self.query_one("#walk-progress")
        progress.display = bool(step)
        if step:
            self.query_one("#progress", ProgressBar).update(total=step[1], progress=step[0])
        self.show_breadcrumbs()
        title = self.query_one("#node-title", Static)
        if node.title:  # an update lays the screen out again, even of a hidden widget
            title.update(Text(node.title, style="bold"))
        title.display = bool(node.title)
        text = self.query_one("#node-text", Markdown)
        text.update(node.text)
        text.display = bool(node.text.strip())
        self.show_caution()
        self._reveal_check = False
        self.query_one("#node-body", VerticalScroll).scroll_home(animate=False)
        self.offers = self.make_offers()
        self.show_check()
        self.show_choices()
        self.show_keys()

    def show_choices(self) -> None:
        """The numbered choices, with a scroll bar only if they overflow the list's
        greatest height. Left to Textual, the list would measure new choices against
        its current height (the last node's) and show a scroll bar, and narrower
        lines, for a frame until the layout gives it its new height."""
        choices = self.query_one("#choices", OptionList)
        choices.styles.overflow_y = "hidden"
        options = [
            Option(Content(f"{i}. {label}"), id=str(i - 1))
            for i, (label, _do) in enumerate(self.offers, 1)
        ]
        if options:
            choices.set_options(options)
        else:  # set_options([]) leaves the old lines on screen
            choices.clear_options()
        choices.disabled = self.session.needs_acknowledgement()
        choices.highlighted = 0 if self.offers else None
        most = choices.styles.max_height
        room = (  # unknown before the first layout, or with a relative height
            int(most.value) - choices.styles.gutter.height
            if most is not None and most.unit == Unit.CELLS and choices.scrollable_content_region
            else None
        )
        if room is None or choices.virtual_size.height > room:
            choices.styles.overflow_y = "auto"

    def show_keys(self) -> None:
        """The footer's keys for this node, in this frame, if they changed (and then
        the bindings signal too: Textual's own Footer, in the preview, listens to it)."""
        footers = [footer for footer in self._footers if footer.is_attached]
        if not footers:
            # Found once: a query walks the whole screen (the preview has Textual's).
            footers = self._footers = list(self.query(WalkFooter))
        if not footers:
            self.refresh_bindings()
            return
        # What `check_action` decides here; the rest of the bindings never change.
        state = (self.focused, *(self.check_action(a, ()) for a in _NODE_ACTIONS))
        if state != self._keys_state:
            self._keys_state = state
            if any([footer.sync() for footer in footers]):
                self.refresh_bindings()

    # --- what the reader can do here ---------------------------------------------
    def make_offers(self) -> list[tuple[str, Callable[[], None]]]:
        walk, node = self.walk, self.walk.node
        if isinstance(node, CheckNode):
            return self.check_offers(node)
        options = walk.options()
        if options == [NEXT_WORD]:
            return [(_("Continue"), lambda: self.take(0))]
        return [(label, lambda i=i: self.take(i)) for i, label in enumerate(options)]

    def check_offers(self, node: CheckNode) -> list[tuple[str, Callable[[], None]]]:
        """A check: consent first (commands), then the result, or the fallback."""
        if self.checking:
            return []
        found = self.session.check_result()
        if found is None:
            trusted = self.app.trusted(self.walk.guide)  # type: ignore[attr-defined]
            plan = checking.plan(self.session, node, bool(trusted))
            if plan is checking.Plan.ASK:
                return [
                    (_("Run this command"), self.run_check),
                    (_("Run every check of this guide without asking"), self.allow_all_checks),
                    (_("Do not run it; I will answer myself"), self.decline_check),
                ]
            if plan is checking.Plan.FALLBACK:
                reason = getattr(trusted, "reason", None)  # trust.Verdict: why not
                checking.decline(
                    self.session,
                    node,
                    reason or _("not offered: the guide's folder is not trusted"),
                )
            else:
                self.call_after_refresh(self.run_check)
                return []
            found = self.session.check_result()
        assert found is not None
        if found["status"] in ("pass", "fail") and not found.get("declined"):
            index = 0 if found["status"] == "pass" else 1
            return [(_("Continue"), lambda: self.take(index))]
        return [
            (c.label, lambda i=i: self.take(checking.fallback_index(i)))
            for i, c in enumerate(node.fallback)
        ]

    def show_caution(self) -> None:
        """A caution, set apart: drawn as the node's text is (Markdown, reflowed to
        the width), and what the reader must do about it."""
        caution = self.query_one("#caution", Vertical)
        text = self.walk.node.caution
        caution.display = bool(text)
        if text:
            caution.border_title = _("CAUTION")
            self.query_one("#caution-text", NodeText).update(text)
            if self.session.needs_acknowledgement():
                state = _("Press a once you have read this.")
            else:
                state = _("Acknowledged.")
            self.query_one("#caution-state", Static).update(Content.styled(state, "italic"))

    def show_check(self) -> None:
        panel = self.query_one("#check-panel", Vertical)
        output = self.query_one("#check-output", Static)
        fallback = self.query_one("#check-fallback", NodeText)
        node = self.walk.node
        if not isinstance(node, CheckNode):
            panel.display = output.display = False
            return
        panel.display = True
        found = self.session.check_result()
        asks = found is not None and found["status"] not in ("pass", "fail")
        asks = asks or bool(found and found.get("declined"))
        if asks:  # the fallback question, drawn as node text is
            fallback.update(node.fallback_text)
        fallback.display = asks and bool(node.fallback_text.strip())
        text = Text()
        text.append(_("Check: "), style="bold")
        text.append(checking.description(node))
        if self.checking:
            text.append("\n" + _("Checking…"), style="italic")
        elif found is None:
            text.append("\n" + _("This runs a command on this machine. Run it?"), style="bold")
        else:
            status = "declined" if found.get("declined") else found["status"]
            style = {"pass": "bold green", "fail": "bold red"}.get(status, "bold yellow")
            label = {
                "pass": _("Passed"),
                "fail": _("Failed"),
                "declined": _("Not run"),
            }.get(status, _("Could not decide"))
            text.append("\n")
            text.append(f"{label}: ", style=style)
            text.append(str(found.get("summary", "")))
            if found.get("output"):
                hint = _("o hides the output") if self.show_output else _("o shows the output")
                text.append(f"\n({hint})", style="dim")
        self.query_one("#check-status", Static).update(text)
        if found is not None or not self.checking:
            # What was checked and found, or the question to run it, is what the
            # reader must see now, whatever the height (the text is above it): after
            # the next refresh, and again when the body's new height is laid out
            # (on a loaded machine that came later, and the result stayed below).
            self._reveal_check = True
            self.call_after_refresh(self._check_in_view)
        shown = bool(found and found.get("output")) and self.show_output
        output.display = shown
        if shown and found:
            output.update(Text(str(found["output"])))

    def _check_in_view(self) -> None:
        if self._reveal_check:
            self.query_one("#check-panel", Vertical).scroll_visible(animate=False)

    def run_check(self) -> None:
        node = self.walk.node
        if not isinstance(node, CheckNode) or self.checking:
            return
        self.checking = True
        self.refresh_node()
        session = self.session
        self.run_worker(
            lambda: checking.probe(session, node), thread=True, exclusive=True, group="probe"
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "probe" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        self.checking = False
        node = self.walk.node
        result = event.worker.result if event.state is WorkerState.SUCCESS else None
        if isinstance(node, CheckNode):
            if not isinstance(result, ProbeResult):
                result = ProbeResult("error", str(event.worker.error))
            checking.record(self.session, node, result)
        self.refresh_node()

    def allow_all_checks(self) -> None:
        checking.allow_all(self.session)
        self.run_check()

    def decline_check(self) -> None:
        node = self.walk.node
        if isinstance(node, CheckNode):
            checking.decline(self.session, node, _("declined by the reader"), by_reader=True)
        self.refresh_node()

    def action_acknowledge(self) -> None:
        self.session.acknowledge()
        self.refresh_node()
        self.query_one("#choices", OptionList).focus()

    def action_toggle_output(self) -> None:
        self.show_output = not self.show_output
        self.show_check()

    def action_save_report(self) -> None:
        save_report(self, self.session)

    def show_breadcrumbs(self) -> None:
        walk = self.walk
        labels = []
        for pos in walk.stack:
            node = walk.guide_of(pos).nodes[pos.node_id]
            if not node.is_auto:  # branches are never shown, so not crumbs either
                labels.append(crumb_label(node.title, node.text or node.id))
        crumbs = self.query_one("#breadcrumbs", Static)
        crumbs.display = len(labels) > 1
        crumbs.update(collapse_crumbs(labels, max(20, self.size.width - 4)))

    def on_resize(self) -> None:
        if self.session is not None:  # the preview has none while its file is broken
            self.show_breadcrumbs()
        # Lines wrap anew: the choices may overflow now (the next node decides again).
        self.query_one("#choices", OptionList).styles.overflow_y = "auto"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys are offered only where they do something (the footer hides the rest)."""
        if self.session is None:  # the preview, while its file is broken
            return action not in ("copy_code", "acknowledge", "toggle_output", "save_report")
        if action == "copy_code":
            return bool(copyable(*self.copy_texts()))
        if action == "acknowledge":
            return self.session.needs_acknowledgement()
        if action == "toggle_output":
            found = self.session.check_result() if isinstance(self.walk.node, CheckNode) else None
            return bool(found and found.get("output"))
        if action == "save_report":
            return getattr(self.app, "save_report", None) is not None
        return True

    def copy_texts(self) -> list[str]:
        """Where `c` finds the step's commands: its text, and a check's fallback
        question once it is asked."""
        node = self.walk.node
        texts = [node.text]
        if isinstance(node, CheckNode) and self.query_one("#check-fallback").display:
            texts.append(node.fallback_text)
        return texts

    def action_copy_code(self) -> None:
        """Commands must be copied exactly: the step's command goes to the clipboard
        (the reader picks where there are several)."""
        from .copy import copy_code

        copy_code(self, *self.copy_texts())

    def choose(self, index: int) -> None:
        if self.checking or self.walk.finished or not 0 <= index < len(self.offers):
            self.app.bell()
            return
        if self.session.needs_acknowledgement():
            self.app.bell()
            self.notify(_("Read the caution, then press a to acknowledge it."), severity="warning")
            return
        self.offers[index][1]()

    def take(self, option: int) -> None:
        """Take walk option `option` and show where it leads."""
        try:
            self.session.choose(option)
        except WalkError as exc:
            self.app.bell()
            self.notify(str(exc), severity="warning", markup=False)
            return
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
        if self.checking:
            self.app.bell()
            return
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
        """Start again from the top: asked first when something would be lost
        (Session.has_progress, the rule of quitting too)."""
        if not self.session.has_progress():
            self._restart()
            return
        from .confirm import ConfirmScreen

        def done(yes: bool | None) -> None:
            if yes:
                self._restart()

        question = _(
            "Start this guide again from the top? Its answers, checks and marks so far are dropped."
        )
        self.app.push_screen(ConfirmScreen(question, kind="restart"), done)

    def _restart(self) -> None:
        if self.checking:
            self.app.bell()
            return
        self.session.restart()
        self.refresh_node()

    def action_quit_guide(self) -> None:
        quit_walk = getattr(self.app, "quit_walk", None)
        if quit_walk is not None:
            quit_walk()
        else:
            self.session.end("abandoned")
            self.app.exit()

    def leave(self) -> None:
        """Back to the guide list; the walk ends as abandoned (asked first when
        something would be lost)."""
        if not self.session.has_progress():
            self._leave()
            return
        from .confirm import ConfirmScreen

        def done(yes: bool | None) -> None:
            if yes:
                self._leave()

        question = _("Leave this guide and go back to the list?")
        self.app.push_screen(ConfirmScreen(question, kind="leave"), done)

    def _leave(self) -> None:
        self.session.end("abandoned")
        self.app.pop_screen()
