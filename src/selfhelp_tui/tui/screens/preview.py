"""The writer's live preview: one guide file, reloaded whenever it is saved.

The reader stays on the same node when it still exists (the path is replayed by
node ids); a side panel shows the node id, the path and the file's diagnostics as
it is now. A file that does not load shows its errors in the panel and the
preview recovers as soon as it is fixed.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, ProgressBar, Static

from ...engine import Session, Walk, WalkError
from ...engine.testing import follow_path
from ...guides.diagnostics import Diagnostic
from ...guides.loader import load_guide
from ...guides.model import Guide
from ...i18n import N_, _
from ...sanitize import one_line
from ...texts import outcome_title
from .walk import WalkScreen


class JumpScreen(ModalScreen[str | None]):
    """Asks for a node id."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, node_ids: list[str]) -> None:
        super().__init__()
        self.node_ids = node_ids

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(_("Jump to node (id):")))
            yield Input(placeholder=", ".join(self.node_ids[:6]), id="jump-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def shortest_path(guide: Guide, target: str) -> list[str] | None:
    """Node ids from the start to `target`, fewest steps first."""
    came: dict[str, str | None] = {guide.start: None}
    queue = deque([guide.start])
    while queue:
        node_id = queue.popleft()
        if node_id == target:
            path = [node_id]
            while came[path[-1]] is not None:
                path.append(came[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for link in guide.nodes[node_id].links():
            if not link.is_external and link.target not in came and link.target in guide.nodes:
                came[link.target] = node_id
                queue.append(link.target)
    return None


class PreviewScreen(WalkScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "jump", N_("Jump to node")),
        Binding("t", "record_test", N_("Save walk as test")),
    ]

    def __init__(self, path: Path, poll_seconds: float = 0.5) -> None:
        self.path = path
        self.poll_seconds = poll_seconds
        self.stamp: tuple[int, int] | None = None
        self.diagnostics: list[Diagnostic] = []
        result = load_guide(path, str(path.parent))
        self.diagnostics = result.diagnostics
        self.stamp = self._stamp()
        self.guide = result.guide
        session = Session.start(result.guide, "preview") if result.guide else None
        super().__init__(session)  # type: ignore[arg-type]

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def compose(self) -> ComposeResult:
        title = _("Preview: {file}").format(file=one_line(str(self.path)))
        yield Static(Text(title), id="title-bar")
        with Horizontal(id="preview-body"):
            with Vertical(id="preview-walk"):
                yield Static(id="where")
                with Horizontal(id="walk-progress"):
                    yield ProgressBar(show_eta=False, id="progress")
                yield from self.compose_node()
            with VerticalScroll(id="preview-side"):
                yield Static(id="preview-panel")
        yield Footer()

    def on_mount(self) -> None:
        # WalkScreen.on_mount (Textual runs both) shows the node and focuses the choices.
        self.set_interval(self.poll_seconds, self.check_file)
        self.update_panel()

    # --- the guide file ----------------------------------------------------
    def check_file(self) -> None:
        stamp = self._stamp()
        if stamp != self.stamp:
            self.stamp = stamp
            self.reload()

    def reload(self) -> None:
        result = load_guide(self.path, str(self.path.parent))
        self.diagnostics = result.diagnostics
        if result.guide is not None:
            old_path = self.walk.path if self.session is not None else []
            self.guide = result.guide
            self.session = Session(self._replay(result.guide, old_path), "preview")
            self.refresh_node()
        self.update_panel()

    @staticmethod
    def _replay(guide: Guide, old_path: list[str]) -> Walk:
        """The longest prefix of the old path that the new guide still allows."""
        for cut in range(len(old_path), 0, -1):
            walk = Walk(guide)
            try:
                follow_path(walk, old_path[:cut])
            except WalkError:
                continue
            return walk
        return Walk(guide)

    def update_panel(self) -> None:
        text = Text()
        if self.session is not None:
            text.append(_("Node") + "\n", style="bold")
            text.append(self.walk.path[-1] + "\n\n")
            text.append(_("Path") + "\n", style="bold")
            text.append(" > ".join(self.walk.path) + "\n\n")
        errors = [d for d in self.diagnostics if d.is_error]
        text.append(_("Diagnostics") + "\n", style="bold")
        if not self.diagnostics:
            text.append(_("none") + "\n", style="green")
        for d in self.diagnostics:
            style = "red" if d.is_error else "yellow"
            text.append(
                f"{d.line}:{d.column} {d.severity.value}: {d.full_message()}\n", style=style
            )
        if errors and self.session is not None:
            text.append("\n" + _("Showing the last version that loaded.") + "\n", style="dim")
        self.query_one("#preview-panel", Static).update(text)

    # --- the walk ----------------------------------------------------------
    def refresh_node(self) -> None:
        if self.session is None:
            return  # the file has not loaded yet: the panel says why
        super().refresh_node()
        if self.walk.finished:
            self.query_one("#where", Static).update(
                Text(_("Outcome: {outcome}").format(outcome=outcome_title(self.walk.outcome)))
            )
        if self.is_mounted:
            self.update_panel()

    def choose(self, index: int) -> None:
        if self.session is None:
            return
        super().choose(index)

    def show_outcome(self) -> None:
        self.refresh_node()  # the preview stays on its one screen

    def action_back(self) -> None:
        if self.session is not None and self.session.back():
            self.refresh_node()

    def action_restart(self) -> None:
        """At once: a preview walk is the writer's scratch, never recorded."""
        if self.session is not None:
            self._restart()

    def action_quit_guide(self) -> None:
        self.app.exit()

    def action_jump(self) -> None:
        if self.guide is None:
            return

        def jump(node_id: str | None) -> None:
            if not node_id or self.guide is None:
                return
            if node_id not in self.guide.nodes:
                self.notify(_("No node '{id}' in this guide").format(id=node_id), severity="error")
                return
            walk = Walk(self.guide)
            path = shortest_path(self.guide, node_id)
            if path:
                follow_path(walk, path)
            else:  # unreachable from the start: show it on its own
                from ...engine import Position

                walk.stack = [Position(self.guide.id, node_id)]
            self.session = Session(walk, "preview")
            self.refresh_node()

        self.app.push_screen(JumpScreen(list(self.guide.nodes)), jump)

    def action_record_test(self) -> None:
        """Append the walk so far, keyed by node ids, to FILE.recorded-tests beside
        the guide: never into the writer's own file."""
        if self.session is None:
            return
        walk = self.walk
        lines = [
            f"  - name: recorded walk to {walk.path[-1]}",
            f"    path: [{', '.join(walk.path)}]",
        ]
        lines.append(
            f"    outcome: {walk.outcome}" if walk.finished else f"    node: {walk.path[-1]}"
        )
        target = self.path.with_name(self.path.name + ".recorded-tests")
        with target.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        self.notify(_("Test saved to {file}: paste it under tests:").format(file=target.name))
