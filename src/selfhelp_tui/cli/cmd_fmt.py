"""`selfhelp fmt PATH...`: write guides back in canonical key order and layout,
comments and text untouched (guides/fmt.py says exactly what changes).

A file with errors of its own is left alone: what the formatter would do with a
misspelt key or an unknown node type is a guess, and the writer should see the
errors first. Exit 0 when every file is (now) formatted, 1 when one is not (with
`--check`) or could not be formatted, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _, ngettext
from ..i18n.fmt import number
from ..record import record
from .context import Context

#: The path that means "read the guide from standard input, write it to standard output".
STDIN = "-"


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "fmt",
        parents=[common],
        help=_("write guide files in canonical key order and layout"),
        description=_(
            "Write guide files back with their keys in canonical order and the layout "
            "of the docs (two spaces per level). Comments, text and quoting are kept as "
            "written. A file with errors is left alone. '-' reads a guide from standard "
            "input and writes it to standard output."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=_("a guide file or a folder of guides"))
    p.add_argument(
        "--check",
        action="store_true",
        help=_("change nothing; exit 1 if a file is not in canonical form"),
    )
    p.add_argument("--diff", action="store_true", help=_("change nothing; print what would change"))
    p.set_defaults(func=run)


@record
class _Tally:
    changed: int = 0
    unchanged: int = 0
    failed: int = 0


def run(args: argparse.Namespace, ctx: Context) -> int:
    tally = _Tally()
    for given in args.paths:
        if given == STDIN:
            _stdin(args, tally)
            continue
        path = Path(given)
        if not path.exists():
            print(_("{file}: no such file or folder").format(file=given), file=sys.stderr)
            tally.failed += 1
            continue
        from ..guides.library import scan_folder

        skipped: list = []  # type: ignore[type-arg]
        names = scan_folder(path, skipped).guide_files
        for name in names:
            _one(Path(name), args, tally)
        for d in skipped:
            print(d.format(), file=sys.stderr)
        if not names and not skipped:
            print(_("{folder}: no guide files here").format(folder=given), file=sys.stderr)
    if args.paths != [STDIN]:
        print(_summary(tally, args.check or args.diff), file=sys.stderr)
    if tally.failed or (args.check and tally.changed):
        return 1
    return 0


def _summary(tally: _Tally, dry: bool) -> str:
    changed, unchanged, failed = tally.changed, tally.unchanged, tally.failed
    parts = [
        (
            ngettext("{n} file would be reformatted", "{n} files would be reformatted", changed)
            if dry
            else ngettext("{n} file reformatted", "{n} files reformatted", changed)
        ).format(n=number(changed)),
        ngettext("{n} file already formatted", "{n} files already formatted", unchanged).format(
            n=number(unchanged)
        ),
    ]
    if failed:
        parts.append(
            ngettext("{n} file not formatted", "{n} files not formatted", failed).format(
                n=number(failed)
            )
        )
    return ", ".join(parts)


def _formatted(path: Path, raw: bytes, shown: str) -> str | None:
    """The file's text formatted, or None (and why, on stderr) when it cannot be."""
    from ..guides.fmt import FormatError, format_text
    from ..guides.loader import load_guide

    result = load_guide(path, data=raw, walk_tests=True)
    errors = [d for d in result.diagnostics if d.is_error]
    if errors:
        for d in errors:
            print(d.format(), file=sys.stderr)
        print(
            ngettext(
                "{file}: not formatted: fix its error first",
                "{file}: not formatted: fix its {n} errors first",
                len(errors),
            ).format(file=shown, n=number(len(errors))),
            file=sys.stderr,
        )
        return None
    try:
        return format_text(raw.decode("utf-8-sig"))
    except FormatError as exc:
        print(_("{file}: cannot format: {reason}").format(file=shown, reason=exc), file=sys.stderr)
        return None


def _one(file: Path, args: argparse.Namespace, tally: _Tally) -> None:
    from ..guides.diagnostics import display_path

    shown = display_path(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        print(
            _("{file}: cannot format: {reason}").format(file=shown, reason=exc.strerror or exc),
            file=sys.stderr,
        )
        tally.failed += 1
        return
    new = _formatted(file, raw, shown)
    if new is None:
        tally.failed += 1
        return
    text = raw.decode("utf-8-sig")
    if new == text:
        tally.unchanged += 1
        return
    tally.changed += 1
    if args.diff:
        _print_diff(text, new, shown)
    if args.check and not args.diff:
        print(_("would reformat {file}").format(file=shown))
    if args.check or args.diff:
        return
    target = file.resolve()  # through a link: the file it names
    try:
        _write(target, raw, new)
    except OSError as exc:
        print(
            _("{file}: cannot format: {reason}").format(file=shown, reason=exc.strerror or exc),
            file=sys.stderr,
        )
        tally.changed -= 1
        tally.failed += 1
        return
    print(_("reformatted {file}").format(file=shown))


def _write(target: Path, raw: bytes, new: str) -> None:
    """Replace the file whole (a crash leaves the old text or the new), keeping
    its permissions and owner; never a file that its owner made read-only, one
    that changed since it was read, or one of several hard links to the same text
    (the others would keep the old text)."""
    import errno
    import os

    from ..config import write_atomic

    st = target.stat()
    if not os.access(target, os.W_OK) or not st.st_mode & 0o222:
        raise OSError(errno.EACCES, _("the file is read-only"))
    if st.st_nlink > 1:
        raise OSError(
            errno.EMLINK,
            _("the file has {n} hard links, and only this one would change").format(
                n=number(st.st_nlink)
            ),
        )
    if target.read_bytes() != raw:  # an editor saved it meanwhile: keep theirs
        raise OSError(errno.EAGAIN, _("the file changed while it was formatted"))
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    write_atomic(target, (bom + new).encode("utf-8"), like=st)


def _stdin(args: argparse.Namespace, tally: _Tally) -> None:
    """`selfhelp fmt -`: for editors that format on save through a pipe. The text
    comes back unchanged when it cannot be formatted, so nothing is lost. With
    `--check` nothing is written, with `--diff` only what would change."""
    raw = sys.stdin.buffer.read()
    new = _formatted(Path("<stdin>"), raw, "<stdin>")
    if new is None:
        tally.failed += 1
        if not (args.check or args.diff):
            sys.stdout.buffer.write(raw)
        return
    text = raw.decode("utf-8-sig")
    same = new == text
    tally.changed += not same
    tally.unchanged += same
    if args.diff:
        _print_diff(text, new, "<stdin>")
    elif not args.check:
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        sys.stdout.buffer.write(bom + new.encode("utf-8"))


def _print_diff(old: str, new: str, shown: str) -> None:
    import difflib

    sys.stdout.writelines(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), shown, shown
        )
    )
