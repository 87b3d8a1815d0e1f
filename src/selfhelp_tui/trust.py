"""Which guides may offer to run commands: the bundled ones and the trusted folders.

A folder is trusted when the user lists it under `trusted_folders` in config.yaml,
by its full path: a relative entry (`guides`) would mean a different folder in every
working directory, so any folder with a `guides/` in it would become trusted; such
entries are refused, with a notice, and never resolved.

Listing a folder is not enough, as ssh's StrictModes has it: whoever can change a
trusted guide can make it offer any command. So a trusted folder, the folders below
it on the way to the guide, and the guide file must belong to the user (or root)
and be writable by no one else; the folders above it must not let anyone else
replace it either (owned by the user or root, not writable by group or others
unless sticky, as /tmp is). Otherwise the guide is not trusted, and the reason is
said. On systems without POSIX permissions (Windows) only the listing counts.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .i18n import _

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Verdict:
    """Whether a guide is trusted (truthy) and, when not for a reason worth saying,
    why not."""

    __slots__ = ("ok", "reason")

    def __init__(self, ok: bool, reason: str | None = None) -> None:
        self.ok = ok
        self.reason = reason

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict({self.ok!r}, {self.reason!r})"


def configured_folders(config: dict[str, Any]) -> tuple[list[Path], list[str]]:
    """The `trusted_folders` of a config (full paths only, `~` expanded) and a notice
    for each entry refused."""
    raw = config.get("trusted_folders")
    if raw is None:
        return [], []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return [], [_("config.yaml: trusted_folders must be a list of folders; none is trusted")]
    folders: list[Path] = []
    problems: list[str] = []
    for entry in raw:
        if not isinstance(entry, str) or not entry.strip():
            problems.append(
                _("config.yaml: trusted_folders: '{entry}' is not a folder; ignored").format(
                    entry=entry
                )
            )
            continue
        path = Path(entry.strip()).expanduser()
        if not path.is_absolute():
            problems.append(
                _(
                    "config.yaml: trusted_folders: '{entry}' is a relative path, which "
                    "would mean another folder in every working directory; it is not "
                    "trusted. Write the full path."
                ).format(entry=entry)
            )
            continue
        folders.append(path)
    return folders, problems


def _owner_ok(st: os.stat_result) -> bool:
    return st.st_uid in (0, os.geteuid())


def _writable_by_others(path: Path, st: os.stat_result) -> str | None:
    if st.st_mode & stat.S_IWOTH:
        return _("{path} is writable by every user").format(path=path)
    if st.st_mode & stat.S_IWGRP:
        return _("{path} is writable by its group").format(path=path)
    return None


def path_problem(path: Path, *, above: bool = False) -> str | None:
    """Why `path` cannot be trusted (owner or permissions), or None. `above`: a folder
    above the trusted one, which may be writable by others if it is sticky."""
    if os.name != "posix":
        return None
    try:
        st = path.stat()
    except OSError as exc:
        return _("{path} cannot be checked ({error})").format(path=path, error=exc.strerror)
    if not _owner_ok(st):
        return _("{path} belongs to another user (uid {uid})").format(path=path, uid=st.st_uid)
    loose = _writable_by_others(path, st)
    if loose and not (above and stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX):
        return loose
    return None


def folder_problem(folder: Path) -> str | None:
    """Why a trusted folder cannot be trusted: it, or a folder above it, lets
    someone else change what is in it."""
    folder = folder.resolve()
    problem = path_problem(folder)
    if problem:
        return problem
    for parent in folder.parents:
        problem = path_problem(parent, above=True)
        if problem:
            return problem
    return None


def guide_verdict(guide_path: Path | None, folders: list[Path]) -> Verdict:
    """Whether a guide file (not a bundled one) is in a trusted folder that no one
    else can change."""
    if guide_path is None:
        return Verdict(False)
    here = guide_path.resolve()
    for folder in folders:
        root = folder.resolve()
        if not here.is_relative_to(root):
            continue
        problem = folder_problem(root)
        if problem is None:
            # The folders between the trusted one and the guide, and the file.
            for part in [*reversed(here.parents), here]:
                if part != root and part.is_relative_to(root):
                    problem = path_problem(part)
                    if problem:
                        break
        if problem is None:
            return Verdict(True)
        reason = _(
            "not trusted: {problem} (as ssh's StrictModes, selfhelp trusts no folder "
            "or guide that others can change)"
        )
        return Verdict(False, reason.format(problem=problem))
    return Verdict(False)


def folder_notices(config: dict[str, Any]) -> list[str]:
    """Every problem with `trusted_folders`, said at start-up: relative or malformed
    entries, and listed folders that others can change."""
    folders, problems = configured_folders(config)
    for folder in folders:
        if not folder.exists():
            continue  # a folder not mounted now is not a problem
        problem = folder_problem(folder)
        if problem:
            problems.append(
                _("config.yaml: trusted folder {folder} is not trusted: {problem}").format(
                    folder=folder, problem=problem
                )
            )
    return problems
