"""The Textual app: a thin shell that shows the engine's state and forwards keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from ..engine import Session, SessionObserver
from ..guides.library import Library
from ..i18n import N_
from .localize import localize_bindings


class SelfhelpApp(App[int]):
    """Home (the guide list) -> walk -> outcome, over one loaded library."""

    CSS_PATH = "app.tcss"
    TITLE = "selfhelp"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
        # Textual's own palette binding, restated so its footer label is translated.
        Binding(
            "ctrl+p",
            "command_palette",
            N_("palette"),
            show=False,
            priority=True,
            tooltip=N_("Open the command palette"),
        ),
    ]

    def __init__(
        self,
        library: Library,
        start_guide: str | None = None,
        observers: Callable[[], Sequence[SessionObserver]] = tuple,
        frontend: str = "tui",
        notice: str | None = None,
    ) -> None:
        super().__init__()
        #: Said once at start-up (the first-run line about the outcome log).
        self.notice = notice
        self.library = library
        self.start_guide = start_guide
        #: Makes the observers of each new session (outcome log, resume file, ...).
        self.make_observers = observers
        self.frontend = frontend
        localize_bindings(self)

    def on_mount(self) -> None:
        from .screens.home import HomeScreen

        # Every screen's key descriptions are translated as it is shown.
        self.screen_change_signal.subscribe(self, localize_bindings, immediate=True)

        self.push_screen(HomeScreen(self.library))
        if self.notice:
            self.notify(self.notice, timeout=12)
        if self.start_guide and self.start_guide in self.library.guides:
            self.open_guide(self.start_guide)

    def open_guide(self, guide_id: str) -> None:
        from .screens.walk import WalkScreen

        guide = self.library.guides[guide_id]
        session = Session.start(guide, self.frontend, self.library.get, self.make_observers())
        self.push_screen(WalkScreen(session))


class PreviewApp(App[int]):
    """`selfhelp preview FILE`: one guide file, reloaded on save. Preview walks are
    the writer's, so they are never written to the outcome log."""

    CSS_PATH = "app.tcss"
    TITLE = "selfhelp preview"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
    ]

    def __init__(self, path: Path, poll_seconds: float = 0.5) -> None:
        super().__init__()
        self.path = path
        self.poll_seconds = poll_seconds
        localize_bindings(self)

    def on_mount(self) -> None:
        from .screens.preview import PreviewScreen

        self.screen_change_signal.subscribe(self, localize_bindings, immediate=True)
        self.push_screen(PreviewScreen(self.path, self.poll_seconds))
