"""Diagnostics: what the loader and validator say about a guide file.

Every problem carries a file, a 1-based line and column, a severity and a stable
code, so a writer can jump to it and a tool can filter it.
"""

from __future__ import annotations

import os
from collections import namedtuple
from enum import Enum
from pathlib import Path

from ..i18n import _
from ..record import field, record
from ..sanitize import one_line


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Pos(namedtuple("Pos", ("line", "column"), defaults=(1, 1))):
    """A 1-based line and column in a file (a tuple: millions are made and cached).
    A `collections` named tuple: `typing.NamedTuple` would import `typing`."""

    __slots__ = ()
    line: int
    column: int


@record(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = field(default=None, compare=False)
    #: A knock-on: (file, line, column, code) of the error this follows from. It
    #: goes away when that error is fixed; outputs group it under that error.
    cause: tuple[str, int, int, str] | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def full_message(self) -> str:
        """The message and its hint, on one line, as shown. Messages quote the file
        (key names, values, ids): control characters in them are written out
        (`sanitize.one_line`), never sent to a terminal or report as they are."""
        text = f"{self.message} ({self.hint})" if self.hint else self.message
        return one_line(text)

    def format(self) -> str:
        """gcc-style: `FILE:LINE:COL: error: message [code]`, on one line."""
        return (
            f"{one_line(self.file)}:{self.line}:{self.column}: {self.severity.value}: "
            f"{self.full_message()} [{one_line(self.code)}]"
        )

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)

    @property
    def key(self) -> tuple[str, int, int, str]:
        """What a knock-on's `cause` names."""
        return (self.file, self.line, self.column, self.code)


def grouped(diags: list[Diagnostic]) -> list[tuple[Diagnostic, list[Diagnostic]]]:
    """Each diagnostic with the knock-ons that follow from it, in order; a
    knock-on whose cause is not among `diags` stands on its own."""
    present = {d.key for d in diags if d.cause is None}
    under: dict[tuple[str, int, int, str], list[Diagnostic]] = {}
    for d in diags:
        if d.cause is not None and d.cause in present:
            under.setdefault(d.cause, []).append(d)
    return [
        (d, under.get(d.key, []) if d.cause is None else [])
        for d in diags
        if d.cause is None or d.cause not in present
    ]


def display_path(path: Path) -> str:
    """A path as a writer would type it: relative to the working directory if inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


class Reporter:
    """Collects the diagnostics of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Diagnostic] = []

    def error(
        self,
        pos: Pos,
        code: str,
        message: str,
        hint: str | None = None,
        cause: Diagnostic | None = None,
    ) -> None:
        self._add(pos, Severity.ERROR, code, message, hint, cause)

    def warning(
        self,
        pos: Pos,
        code: str,
        message: str,
        hint: str | None = None,
        cause: Diagnostic | None = None,
    ) -> None:
        """`cause`: the error this follows from (see `Diagnostic.cause`)."""
        self._add(pos, Severity.WARNING, code, message, hint, cause)

    def _add(
        self,
        pos: Pos,
        severity: Severity,
        code: str,
        message: str,
        hint: str | None,
        cause: Diagnostic | None,
    ) -> None:
        where = cause.key if cause is not None else None
        self.items.append(
            Diagnostic(self.file, pos.line, pos.column, severity, code, message, hint, where)
        )

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)


def closest(word: str, candidates: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """The candidate `word` is most likely a misspelling of, or None when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """A hint for a likely misspelling (in the reader's language), or None when
    nothing is close."""
    close = closest(word, candidates)
    return suggestion(close) if close is not None else None


def suggestion(word: str) -> str:
    """The did-you-mean hint for a word already chosen (see `closest`)."""
    return _("did you mean '{word}'?").format(word=word)
