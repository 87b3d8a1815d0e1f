"""What every command needs: the options shared by all of them, resolved once."""

from __future__ import annotations

import argparse
import os
import sys
from functools import cached_property

from ..i18n import _, current_language
from ..paths import Dirs, resolve_dirs
from ..record import field, record
from .language import lang_code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.session import SessionObserver
    from ..guides.library import Library, Source
    from ..guides.model import Guide
    from ..trust import Verdict


def add_common_options(parser: argparse.ArgumentParser, lang: bool = True) -> None:
    """Options accepted before or after the command name (`selfhelp --guides D list`
    and `selfhelp list --guides D`). SUPPRESS keeps a subcommand's absent option from
    overwriting the value given before it. Commands with a `--lang` of their own
    (the translation languages: validate, i18n) take them with `lang=False`."""
    parser.add_argument(
        "--guides",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help=_("also read guides from DIR (repeatable; later folders override earlier ones)"),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_(
            "keep all data (outcome log, session, settings) in DIR "
            "(default: the platform's user data folder; env SELFHELP_DATA_DIR)"
        ),
    )
    parser.add_argument(
        "--no-bundled",
        action="store_true",
        default=argparse.SUPPRESS,
        help=_("do not read the guides that ship with selfhelp"),
    )
    if not lang:
        return
    parser.add_argument(
        "--lang",
        metavar="LANG",
        type=lang_code,
        default=argparse.SUPPRESS,
        help=_(
            "the language of the interface and guides, such as en, nb, hu, es, ru, ca "
            "(default: SELFHELP_LANG, the config file's lang, then LC_ALL, LC_MESSAGES, LANG)"
        ),
    )


@record
class Context:
    guide_dirs: list[str] = field(default_factory=list)
    data_dir: str | None = None
    include_bundled: bool = True
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    #: The reader's language (installed at start-up); guides are shown in it.
    lang: str = field(default_factory=current_language)
    #: Save the walk after every step so it can be resumed (off for scripted walks).
    keep_place: bool = True
    #: Record walks in the outcome log (when it is on): off for scripted walks
    #: unless `run --log-outcome` asks for it.
    log_outcomes: bool = True
    #: `run --report FILE`: (file, format) of the report written when a walk ends.
    report_to: tuple[str, str] | None = None
    #: `run --fact`: facts that override the built-in ones for new walks.
    facts: dict[str, str] = field(default_factory=dict)
    #: The TUI: `library` is the one the cache saved, no file looked at, and the
    #: app checks it once the first screen is shown (`Library.check`).
    check_library_later: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        return cls(
            guide_dirs=list(getattr(args, "guides", None) or []),
            data_dir=getattr(args, "data_dir", None),
            include_bundled=not getattr(args, "no_bundled", False),
        )

    @cached_property
    def dirs(self) -> Dirs:
        return resolve_dirs(self.data_dir, self.env)

    def sources(self) -> list[Source]:
        from ..guides.library import sources_from

        return sources_from(
            self.guide_dirs,
            env=self.env,
            user_dir=self.dirs.user_guides,
            include_bundled=self.include_bundled,
        )

    @cached_property
    def library(self) -> Library:
        """The library as the reader sees it: each guide in the reader's language
        where it is translated (guides/translate.py)."""
        from ..config import load_config, override_bundled
        from ..guides.cache import CACHE_NAME
        from ..guides.library import LoadMode, load_library

        allowed, _problems = override_bundled(load_config(self.dirs))
        lib = load_library(
            self.sources(),
            override_bundled=allowed,
            workers=os.cpu_count() or 1,
            cache=self.dirs.cache / CACHE_NAME,
            mode=LoadMode(lang=self.lang, warnings=False),
            check_later=self.check_library_later,
        )
        # The library lives as long as the app: keep the collector from walking its
        # objects on every later pass (a smoother TUI on a big library).
        import gc

        gc.freeze()
        return lib

    def observers(self, frontend: str) -> list[SessionObserver]:
        """The observers of a new session: every feature that follows walks
        (outcome log, resume file, session report) registers here, once."""
        out: list[SessionObserver] = []
        if self.log_outcomes and self.feedback_enabled:
            from ..feedback.observer import FeedbackRecorder

            out.append(FeedbackRecorder(self.feedback_store))
        if self.keep_place:
            from ..resume import ResumeKeeper

            out.append(ResumeKeeper(self.dirs))
        if self.report_to is not None:
            out.append(ReportWriter(self, *self.report_to))
        return out

    @property
    def feedback_enabled(self) -> bool:
        from ..feedback.settings import feedback_state

        return feedback_state(self.dirs, self.env).enabled

    @cached_property
    def feedback_store(self):  # type: ignore[no-untyped-def]
        from ..feedback.settings import db_path
        from ..feedback.store import Store

        return Store(db_path(self.dirs))

    def first_run_notice(self, once: bool = True) -> str | None:
        """One line, once per data folder (every time without `once`: each web
        visitor), saying what is recorded, where, and how to turn it off. None when
        it was shown already or feedback is off."""
        from ..feedback.settings import db_path

        marker = self.dirs.data / ".feedback-notice-shown"
        if not self.log_outcomes or not self.feedback_enabled or (once and marker.exists()):
            return None
        if once:
            try:
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.touch()
            except OSError:
                pass
        return _(
            "selfhelp keeps an anonymous note of how each guide ended (no names, no "
            "files, nothing typed) in {path}; nothing is sent unless you upload it. "
            "Turn it off: `selfhelp feedback disable`, or `DO_NOT_TRACK=1`."
        ).format(path=db_path(self.dirs))

    # --- technicians: trust and reports ---------------------------------------
    def trusted(self, guide: Guide) -> Verdict:
        """Whether a guide may offer to run commands: the guides shipped with the
        product, and guides in folders the user listed under `trusted_folders` in
        the config that no one else can change (trust.py). A falsy verdict may say
        why (`reason`)."""
        from ..trust import Verdict, configured_folders, guide_verdict

        if guide.origin == "bundled":
            return Verdict(True)
        from ..config import load_config

        folders, _problems = configured_folders(load_config(self.dirs))
        return guide_verdict(guide.path, folders)

    def start_notices(self) -> list[str]:
        """What is wrong with the config, said once as the app or a walk starts."""
        from ..config import load_config, override_bundled
        from ..trust import folder_notices

        config = load_config(self.dirs)
        return folder_notices(config) + override_bundled(config)[1]

    def save_report(self, session, path: str | None = None, fmt: str = "markdown") -> str:  # type: ignore[no-untyped-def]
        """Write the session report (atomically) and return where it went: `path`,
        or a new file in the data folder's `reports`."""
        from pathlib import Path

        from ..config import write_atomic
        from ..engine.report import build_report, default_name, render

        report = build_report(session)
        target = Path(path) if path else self.dirs.data / "reports" / default_name(report, fmt)
        write_atomic(target, render(report, fmt).encode("utf-8"))
        return str(target)


def guide_from_arg(ctx: Context, arg: str) -> Guide | None:
    """A guide named by id (from the library) or by a file path; prints why not."""
    from pathlib import Path

    from ..guides.loader import load_guide

    path = Path(arg)
    if arg.endswith((".yaml", ".yml")) or path.is_file():
        result = load_guide(path, str(path.parent))
        for d in result.diagnostics:
            print(d.format(), file=sys.stderr)
        return result.guide
    from .cmd_run import find_guide

    guide = find_guide(ctx, arg)
    # Writers' tools work on the guide as written, not on the reader's translation.
    return guide.localization.source if guide and guide.localization else guide


def min_count_arg(text: str) -> int:
    """`--min-count K` (feedback report, graph --feedback): K of k-anonymity."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("K is a whole number of at least 1"))
    return value


def error(message: str) -> None:
    print(_("selfhelp: error: {message}").format(message=message), file=sys.stderr)


class ReportWriter:
    """`--report FILE`: writes the session report when the walk ends (and again if
    the reader rates it afterwards), in whichever frontend."""

    def __init__(self, ctx: Context, path: str, fmt: str) -> None:
        self.ctx, self.path, self.fmt = ctx, path, fmt
        self.notices: list[str] = []

    def on_step(self, session) -> None:  # type: ignore[no-untyped-def]
        pass

    def on_update(self, session) -> None:  # type: ignore[no-untyped-def]
        if session.ended is not None:
            self.on_end(session)

    def on_end(self, session) -> None:  # type: ignore[no-untyped-def]
        try:
            where = self.ctx.save_report(session, self.path, self.fmt)
        except OSError as exc:
            self.notices.append(_("Could not save the report: {error}").format(error=exc))
            return
        note = _("Report saved: {path}").format(path=where)
        if note not in self.notices:
            self.notices.append(note)

    def drain_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices
