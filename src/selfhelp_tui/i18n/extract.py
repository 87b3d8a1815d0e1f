"""Refresh the interface catalogs from the source: `python -m selfhelp_tui.i18n.extract`.

Finds every `_("...")`, `N_("...")` and `ngettext("...", "...", n)` in the
package with the stdlib `ast` (no xgettext needed), writes `locale/selfhelp.pot`
and merges it into each `locale/<lang>.po` the way msgmerge does: translations
are kept, a reworded string gets the old translation marked fuzzy, strings that
left the code stay at the end as obsolete entries. `en.po` is filled from the
source. It then lists what is left to translate. `--check` changes nothing and
exits 1 when a file would change or a string lacks a translation (for CI).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import sys
from collections.abc import Iterable
from pathlib import Path

from ..record import field, record
from .catalog import TEMPLATE, catalog_path
from .headers import complete as complete_headers
from .headers import now
from .languages import LANGUAGES, SOURCE
from .po import PoEntry, PoFile, format_po, iter_placeholders, parse_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The interface languages: a catalog each (English is the source).
UI_LANGUAGES = tuple(LANGUAGES)
MARKERS = {"_": 1, "N_": 1, "ngettext": 2}


@record
class Message:
    msgid: str
    plural: str | None = None
    references: list[str] = field(default_factory=list)


@record(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def format(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def scan_source(text: str, ref: str) -> tuple[list[tuple[str, str | None, int]], list[Problem]]:
    """(msgid, plural, line) of every marked string in one module, and the calls
    whose argument is not a plain string literal (an f-string cannot be translated)."""
    found: list[tuple[str, str | None, int]] = []
    problems: list[Problem] = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        count = MARKERS.get(node.func.id)
        if count is None:
            continue
        args = [_literal(a) for a in node.args[:count]]
        if len(node.args) < count or any(a is None for a in args):
            problems.append(
                Problem(
                    ref, node.lineno, f"{node.func.id}() needs string literals to be translated"
                )
            )
            continue
        msgid = args[0]
        assert msgid is not None
        found.append((msgid, args[1] if count == 2 else None, node.lineno))
    return sorted(found, key=lambda f: f[2]), problems


def find_messages(root: Path = PACKAGE_DIR) -> tuple[list[Message], list[Problem]]:
    """Every translatable string of the package, in file then line order."""
    messages: dict[str, Message] = {}
    problems: list[Problem] = []
    for path in sorted(root.rglob("*.py")):
        ref = path.relative_to(root.parent).as_posix()
        found, bad = scan_source(path.read_text(encoding="utf-8"), ref)
        problems += bad
        for msgid, plural, _line in found:
            msg = messages.setdefault(msgid, Message(msgid, plural))
            if plural and not msg.plural:
                msg.plural = plural
            if ref not in msg.references:
                msg.references.append(ref)
    return list(messages.values()), problems


def flags_for(msgid: str) -> list[str]:
    holders = list(iter_placeholders(msgid))
    if any(h.startswith("{") for h in holders):
        return ["python-brace-format"]
    if holders:
        return ["python-format"]
    return []


PROJECT = "selfhelp-tui"


def template(messages: Iterable[Message], created: str | None = None) -> PoFile:
    po = PoFile(
        header_comments=[
            "Interface strings of selfhelp-tui.",
            "Made by `python -m selfhelp_tui.i18n.extract`: do not edit; translate <lang>.po.",
        ],
        headers=complete_headers({}, project=PROJECT, lang=None, created=created or now()),
        header_flags=["fuzzy"],  # a template's header, as xgettext marks it
    )
    for m in messages:
        entry = PoEntry(m.msgid, msgid_plural=m.plural, references=list(m.references))
        entry.flags = flags_for(m.msgid)
        if m.plural is not None:
            entry.msgstr_plural = {0: "", 1: ""}
        po.entries.append(entry)
    return po


def nplurals(lang: str) -> int:
    forms = LANGUAGES[lang].plural_forms if lang in LANGUAGES else "nplurals=2;"
    return int(forms.split("nplurals=")[1].split(";")[0])


def merge(pot: PoFile, old: PoFile | None, lang: str) -> PoFile:
    """The catalog of `lang` for this template, keeping the translations of `old`."""
    old = old or PoFile()
    by_key = {e.msgid: e for e in old.entries if not e.obsolete}
    spare = [e for e in old.entries if e.has_translation]
    used: set[int] = set()
    entries: list[PoEntry] = []
    n = nplurals(lang)
    for t in pot.entries:
        entry = by_key.get(t.msgid)
        if entry is not None:
            used.add(id(entry))
            entry.msgid_plural = t.msgid_plural
        else:
            entry = PoEntry(t.msgid, msgid_plural=t.msgid_plural)
            guess = _closest(t.msgid, [e for e in spare if id(e) not in used])
            if guess is not None and lang != SOURCE:
                used.add(id(guess))
                entry.msgstr, entry.msgstr_plural = guess.msgstr, dict(guess.msgstr_plural)
                entry.previous_msgid = guess.msgid
                entry.set_fuzzy(True)
        entry.references = list(t.references)
        entry.flags = (["fuzzy"] if entry.fuzzy else []) + list(t.flags)
        entry.obsolete = False
        if t.msgid_plural is not None:
            entry.msgstr = ""
            entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in range(n)}
        if lang == SOURCE:  # English is the source: its catalog is the code's text
            if t.msgid_plural is not None:
                entry.msgstr_plural = {0: t.msgid, 1: t.msgid_plural}
            elif not entry.msgstr or entry.fuzzy:
                entry.msgstr = t.msgid
            entry.set_fuzzy(False)
        entries.append(entry)
    obsolete = [e for e in old.entries if e.has_translation and id(e) not in used]
    for e in obsolete:
        e.obsolete, e.references = True, []
        e.set_fuzzy(False)
    headers = complete_headers(
        old.headers, project=PROJECT, lang=lang, created=pot.headers["POT-Creation-Date"]
    )
    comments = old.header_comments or [
        f"{LANGUAGES[lang].name} ({lang}) translation of the selfhelp-tui interface.",
        "Refresh with `python -m selfhelp_tui.i18n.extract`; see docs/i18n.md.",
    ]
    return PoFile(entries + obsolete, headers, comments)


def _closest(msgid: str, candidates: list[PoEntry]) -> PoEntry | None:
    best, score = None, 0.0
    for e in candidates:
        ratio = difflib.SequenceMatcher(None, msgid, e.msgid).ratio()
        if ratio > score:
            best, score = e, ratio
    return best if score >= 0.8 else None


@record
class CatalogIssue:
    lang: str
    msgid: str
    problem: str  # "untranslated", "fuzzy", "placeholders"


def catalog_issues(po: PoFile, messages: Iterable[Message], lang: str) -> list[CatalogIssue]:
    """What keeps a catalog from being complete: a string with no (or a fuzzy)
    translation, or a translation whose placeholders differ from the source's."""
    by_id = {e.msgid: e for e in po.live()}
    out: list[CatalogIssue] = []
    for m in messages:
        entry = by_id.get(m.msgid)
        if entry is None or not entry.has_translation:
            out.append(CatalogIssue(lang, m.msgid, "untranslated"))
            continue
        if entry.fuzzy:
            out.append(CatalogIssue(lang, m.msgid, "fuzzy"))
        forms = list(entry.msgstr_plural.values()) if m.plural else [entry.msgstr]
        want = sorted(iter_placeholders(m.msgid))
        want_plural = sorted(iter_placeholders(m.plural or m.msgid))
        for form in forms:
            got = sorted(iter_placeholders(form))
            # A plural form may leave the count out ("один файл"), never add or rename.
            allowed = {*want, *want_plural}
            if not set(got) <= allowed or (not m.plural and got != want):
                out.append(CatalogIssue(lang, m.msgid, f"placeholders {got} != {want}"))
                break
    return out


def _creation_date(messages: list[Message]) -> str | None:
    """The template's date as it is when its strings have not changed (so a run
    that changes nothing writes nothing); None for a new date."""
    if not TEMPLATE.exists():
        return None
    with contextlib.suppress(OSError, ValueError):
        old = parse_po(TEMPLATE.read_text(encoding="utf-8"))
        date = old.headers.get("POT-Creation-Date", "").strip()
        if date and format_po(template(messages, date)) == format_po(old):
            return date
    return None


def refresh(check: bool = False) -> int:
    messages, problems = find_messages()
    for p in problems:
        print(f"warning: {p.format()}", file=sys.stderr)
    pot = template(messages, _creation_date(messages))
    changed: list[Path] = []
    outputs = {TEMPLATE: format_po(pot)}
    issues: list[CatalogIssue] = []
    for lang in UI_LANGUAGES:
        path = catalog_path(lang)
        old = parse_po(path.read_text(encoding="utf-8")) if path.exists() else None
        merged = merge(pot, old, lang)
        outputs[path] = format_po(merged)
        issues += catalog_issues(merged, messages, lang)
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            changed.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    print(f"{len(messages)} strings in the interface.")
    for path in changed:
        print(f"{'would update' if check else 'updated'} {path.relative_to(PACKAGE_DIR.parent)}")
    for lang in UI_LANGUAGES:
        mine = [i for i in issues if i.lang == lang]
        if mine:
            print(f"\n{lang}: {len(mine)} to do in {catalog_path(lang).name}:")
            for issue in mine:
                print(f"  [{issue.problem}] {issue.msgid!r}")
    if not issues:
        print("Every catalog is complete.")
    return 1 if check and (changed or issues or problems) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m selfhelp_tui.i18n.extract",
        description="Update the interface template and catalogs from the source.",
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if anything is out of date"
    )
    args = parser.parse_args(argv)
    return refresh(check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
