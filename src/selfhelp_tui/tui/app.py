"""The Textual app: a thin shell that shows the engine's state and forwards keys."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ..i18n import N_, _
from .localize import localize_bindings
from .themes import THEMES

if TYPE_CHECKING:
    from ..engine import Session, SessionObserver
    from ..guides.library import Library
    from ..guides.model import Guide

#: Seconds after the first screen before the library it shows is checked against
#: the files (`Library.check`): the first paint has the interpreter to itself.
CHECK_DELAY = 0.1

#: Keys every screen shares (the help overlay lists them with the screen's own).
HELP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "help", N_("Help"), key_display="?"),
    # Shown where `?` is not (it is typed into the home screen's search box).
    Binding("f1", "help", N_("Help"), key_display="F1", priority=True),
]


def toggle_help(app: App[int]) -> None:
    """`?` / F1 in either app: the keys of the screen below, or close them."""
    from .screens.help import HelpScreen, screen_keys

    if isinstance(app.screen, HelpScreen):
        app.screen.dismiss(None)
        return
    app.push_screen(HelpScreen(screen_keys(app.screen)))


class SelfhelpApp(App[int]):
    """Home (the guide list) -> walk -> outcome, over one loaded library."""

    CSS_PATH = "app.tcss"
    TITLE = "selfhelp"
    #: A short terminal (40x12, a split pane) gives the screens' frames back to the
    #: text (`-short` in app.tcss): the step, its check and the keys stay on screen.
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (20, "-tall")]
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
        *HELP_BINDINGS,
    ]

    def __init__(
        self,
        library: Library,
        start_guide: str | None = None,
        observers: Callable[[], Sequence[SessionObserver]] = tuple,
        frontend: str = "tui",
        notice: str | None = None,
        prefs: AppPrefs | None = None,
        resume: ResumeOffer | None = None,
        trusted: Callable[[Guide], bool] | None = None,
        save_report: Callable[[Session], str] | None = None,
        facts: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        #: Facts that override the built-in ones (`selfhelp run --fact`).
        self.facts = dict(facts or {})
        #: Whether a guide may offer to run commands (its folder is trusted).
        self.trusted = trusted or (lambda guide: guide.origin == "bundled")
        #: Saves the session report (`s`) and returns where; None: no reports.
        self.save_report = save_report
        #: Said once at start-up (the first-run line about the outcome log).
        self.notice = notice
        self.library = library
        self.start_guide = start_guide
        #: Makes the observers of each new session (outcome log, resume file, ...).
        self.make_observers = observers
        self.frontend = frontend
        self.prefs = prefs or AppPrefs()
        self.resume_offer = resume
        for theme in THEMES:
            self.register_theme(theme)
        if self.prefs.theme and self.prefs.theme in self.available_themes:
            self.theme = self.prefs.theme
        localize_bindings(self)

    def get_default_screen(self) -> Screen[None]:
        """The home screen is the app's first screen itself, not one pushed over an
        empty default: one screen less to make, lay out and take down."""
        from .screens.home import HomeScreen

        home = HomeScreen(self.library, self.prefs.recent())
        localize_bindings(home)  # before the screen-change signal is listened to
        return home

    def on_mount(self) -> None:
        # Every screen's key descriptions are translated as it is shown.
        self.screen_change_signal.subscribe(self, localize_bindings, immediate=True)
        self.theme_changed_signal.subscribe(self, self._remember_theme)

        offer = self.resume_offer
        if offer is not None and offer.saved is not None:
            if offer.now:
                self.resume_walk()
            else:
                self.offer_resume()
        elif offer is not None and offer.now:
            self.notify(_("There is no walk to resume."))
        elif self.start_guide and self.library.location(self.start_guide) is not None:
            self.open_guide(self.start_guide)
        if self.library.check is not None:
            self.set_timer(CHECK_DELAY, self._check_library)
        if self.notice:
            # A line in the layout of the first screen, not a toast over the choices.
            self.call_after_refresh(self._place_notice, self.notice)

    def _check_library(self) -> None:
        """The first screen came from the library as saved at the last start, no
        file looked at (on 10,000 guides, that took ~60 ms): look at them now, and
        show what changed since, if anything did."""
        check = self.library.check
        if check is None:
            return
        self.library.check = None

        def checking() -> None:
            fresh = check()
            if fresh is not None:
                self.call_from_thread(self.replace_library, fresh)

        self.run_worker(checking, thread=True, exit_on_error=False, group="library")

    def replace_library(self, library: Library) -> None:
        """The library as it is now, where the one shown had changed: the lists show
        it; a walk under way goes on with the guide it opened."""
        from .screens.home import HomeScreen

        self.library = library
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.replace_library(library)

    def _place_notice(self, notice: str) -> None:
        from .screens.home import HomeScreen
        from .screens.walk import WalkScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, (WalkScreen, HomeScreen)):
                screen.show_notice(notice)
                return

    def _remember_theme(self, theme: object) -> None:
        self.prefs.save_theme(self.theme)

    # --- walks ----------------------------------------------------------------
    def open_guide(self, guide_id: str) -> None:
        from .screens.walk import WalkScreen

        guide = self.library.get(guide_id)
        # An opened guide stays for the app's life (Library.opened): out of the
        # collector's full passes, which would otherwise land in the reader's steps.
        gc.freeze()
        if guide is None:  # its file changed since the list was made, and is broken now
            failed = self.library.reopen_failures.get(guide_id)
            detail = "\n".join(d.format() for d in failed.errors[:3]) if failed else ""
            message = _("guide '{id}' could not be loaded:").format(id=guide_id)
            self.notify(f"{message}\n{detail}", severity="error", markup=False, timeout=15)
            return
        self.prefs.opened(guide_id)
        if self.resume_offer is not None:
            # A new walk replaces the saved one (its own state is saved as it goes).
            self.resume_offer.saved = None
        from ..engine import Session

        session = Session.start(
            guide, self.frontend, self.library.get, self.make_observers(), facts=self.facts
        )
        self.push_screen(WalkScreen(session))

    def offer_resume(self) -> None:
        from ..resume import resume_question
        from .screens.confirm import ConfirmScreen

        offer = self.resume_offer
        assert offer is not None and offer.saved is not None

        def answered(yes: bool | None) -> None:
            if yes:
                self.resume_walk()
            else:
                offer.forget()

        self.push_screen(
            ConfirmScreen(resume_question(offer.saved, self.library), kind="resume"), answered
        )

    def resume_walk(self) -> None:
        from ..engine import Session
        from ..resume import ResumeProblem, resume_session
        from .screens.confirm import ConfirmScreen
        from .screens.walk import WalkScreen

        offer = self.resume_offer
        assert offer is not None and offer.saved is not None
        result = resume_session(
            offer.saved, self.library, self.frontend, list(self.make_observers())
        )
        if isinstance(result, Session):
            offer.saved = None
            self.push_screen(WalkScreen(result))
            return
        offer.forget()
        problem: ResumeProblem = result
        if problem.guide_id is None:
            self.notify(problem.message, severity="warning", timeout=10)
            return
        guide_id = problem.guide_id

        def answered(yes: bool | None) -> None:
            if yes:
                self.open_guide(guide_id)

        self.push_screen(ConfirmScreen(problem.message, kind="resume"), answered)

    # --- quitting ----------------------------------------------------------------
    async def action_quit(self) -> None:
        """Ctrl+Q and the palette's Quit: as `q` in a walk (see quit_walk)."""
        self.quit_walk()

    def quit_walk(self) -> None:
        """Quit, by one rule for every way to quit: at once when nothing would be
        lost, else after a yes (asked once: quitting again while asked quits). The
        walk open, if any, is recorded as left before the end."""
        from .screens.confirm import ConfirmScreen
        from .screens.walk import WalkScreen

        walk = next((s for s in reversed(self.screen_stack) if isinstance(s, WalkScreen)), None)
        session = walk.session if walk is not None else None
        asked = isinstance(self.screen, ConfirmScreen) and self.screen.has_class("quit")
        if session is None or not session.is_open or asked or not session.has_progress():
            if session is not None:
                session.end("abandoned")
            self.exit()
            return

        def done(yes: bool | None) -> None:
            if yes:
                session.end("abandoned")
                self.exit()

        question = _("Leave this guide before the end and quit?")
        self.push_screen(ConfirmScreen(question, kind="quit"), done)

    # --- help and palette -----------------------------------------------------
    def action_help(self) -> None:
        toggle_help(self)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: open any guide, the current walk's moves, theme and quit."""
        from .screens.walk import WalkScreen

        if isinstance(screen, WalkScreen):
            yield SystemCommand(_("Back"), _("Go back one step"), screen.action_back)
            yield SystemCommand(
                _("Restart"), _("Start this guide again from the top"), screen.action_restart
            )
        for guide in self.library.sorted_guides():
            yield SystemCommand(
                _("Open: {title}").format(title=guide.title),
                guide.summary or guide.id,
                lambda guide_id=guide.id: self.open_guide(guide_id),
                discover=False,
            )
        yield SystemCommand(
            _("Theme"), _("Change the colours (remembered)"), self.action_change_theme
        )
        yield SystemCommand(_("Keys"), _("Show every key of this screen"), self.action_help)
        yield SystemCommand(_("Quit"), _("Leave selfhelp"), self.action_quit)


class AppPrefs:
    """What the app remembers between runs (theme, recently used guides); the
    default keeps nothing, as tests and the preview want."""

    def __init__(self, dirs: object | None = None, theme: str | None = None) -> None:
        self.dirs = dirs
        self.theme = theme

    def recent(self) -> list[str]:
        if self.dirs is None:
            return []
        from ..history import recent_guides

        return recent_guides(self.dirs)  # type: ignore[arg-type]

    def opened(self, guide_id: str) -> None:
        if self.dirs is not None:
            from ..history import note_opened

            note_opened(self.dirs, guide_id)  # type: ignore[arg-type]

    def save_theme(self, theme: str) -> None:
        if self.dirs is not None and theme != self.theme:
            from ..config import update_config

            self.theme = theme
            with contextlib.suppress(OSError):
                update_config(self.dirs, theme=theme)  # type: ignore[arg-type]


class ResumeOffer:
    """A walk saved by an earlier run, and whether to go straight to it (--resume)."""

    def __init__(self, saved: object | None, now: bool, forget: Callable[[], None]) -> None:
        self.saved = saved
        self.now = now
        self._forget = forget

    def forget(self) -> None:
        self.saved = None
        self._forget()


class PreviewApp(App[int]):
    """`selfhelp preview FILE`: one guide file, reloaded on save. Preview walks are
    the writer's, so they are never written to the outcome log."""

    CSS_PATH = "app.tcss"
    TITLE = "selfhelp preview"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
        *HELP_BINDINGS,
    ]

    def __init__(self, path: Path, poll_seconds: float = 0.5) -> None:
        super().__init__()
        #: A writer's file under preview is not a trusted folder: commands are never run.
        self.trusted: Callable[[Guide], bool] = lambda guide: False
        self.save_report: Callable[[Session], str] | None = None
        self.path = path
        self.poll_seconds = poll_seconds
        localize_bindings(self)

    def on_mount(self) -> None:
        from .screens.preview import PreviewScreen

        self.screen_change_signal.subscribe(self, localize_bindings, immediate=True)
        self.push_screen(PreviewScreen(self.path, self.poll_seconds))

    def action_help(self) -> None:
        toggle_help(self)
