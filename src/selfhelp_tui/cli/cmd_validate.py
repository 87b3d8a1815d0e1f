"""`selfhelp validate PATH...`: compiler-grade diagnostics for guide files.

Exit 0 when there is no error (and, with --strict, no warning), 1 otherwise,
2 on a usage error (argparse's own exit code). `--watch` validates again each
time a file changes, until interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import __version__
from ..guides.diagnostics import Diagnostic, grouped
from ..guides.library import Library, LoadMode, Source, load_library
from ..i18n import _, ngettext
from ..i18n.fmt import number
from ..record import field, record
from .context import Context, add_common_options
from .language import Parser, lang_code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..guides.suppress import Ignored

FORMATS = ("text", "json", "github", "sarif")
#: Seconds between two looks at the files in `--watch` mode.
WATCH_INTERVAL_S = 0.5


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    own = Parser(add_help=False)
    add_common_options(own, lang=False)  # --lang here names translations to check
    p = sub.add_parser(
        "validate",
        parents=[own],
        help=_("check guide files and folders"),
        description=_(
            "Check guide files and folders and print FILE:LINE:COL diagnostics. Links "
            "to other guides resolve against the bundled guides and every --guides folder."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=_("a guide file or a folder of guides"))
    p.add_argument("--format", choices=FORMATS, default="text", help=_("output format"))
    p.add_argument("--strict", action="store_true", help=_("fail on warnings too"))
    p.add_argument(
        "--show-ignored",
        action="store_true",
        help=_("also list the warnings that selfhelp.yaml or a comment turned off"),
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help=_("validate again whenever a file changes (Ctrl+C ends it)"),
    )
    p.add_argument(
        "--lang",
        dest="langs",
        metavar="LANG",
        type=lang_list,
        action="extend",
        help=_(
            "check the translations into LANG only, and warn when a guide has none "
            "(repeatable or comma-separated; default: every translation file found)"
        ),
    )
    p.set_defaults(func=run)


def lang_list(value: str) -> list[str]:
    return [lang_code(part) for part in value.split(",") if part.strip()]


@record
class Outcome:
    """One validation: what is reported, and what was ignored."""

    diagnostics: list[Diagnostic]
    ignored: list[Ignored] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors


def validate(args: argparse.Namespace, ctx: Context) -> Outcome:
    from ..guides.suppress import Suppressions

    sources = [Source(Path(p), p) for p in args.paths]
    langs = getattr(args, "langs", None)
    mode = LoadMode(
        translations=True, langs=tuple(langs) if langs else None, walk_tests=True, search=False
    )
    # Links may point into the library a reader has: the bundled guides, the
    # user's folders and every --guides folder; read for that only.
    lib = load_library(
        sources,
        override=False,
        workers=os.cpu_count() or 1,
        mode=mode,
        refs=ctx.sources(),
    )
    diags = (
        lib.diagnostics()
        + orphan_translation_diagnostics(lib)
        + (bundled_id_diagnostics(lib) if ctx.include_bundled else [])
    )
    suppressions = Suppressions()
    kept, ignored = suppressions.apply(diags)
    kept = sorted(kept + suppressions.problems, key=Diagnostic.sort_key)
    return Outcome(kept, ignored, len(lib.results))


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.watch:
        return watch(args, ctx)
    outcome = validate(args, ctx)
    # This process ends soon: keep the collector off the library's many objects.
    import gc

    gc.freeze()
    sys.stdout.write(render(outcome, args.format, args.show_ignored))
    print(summary(outcome), file=sys.stderr)
    return exit_code(outcome, args.strict)


def exit_code(outcome: Outcome, strict: bool) -> int:
    return 1 if outcome.errors or (strict and outcome.warnings) else 0


def summary(outcome: Outcome) -> str:
    files, errors, warnings = outcome.files, outcome.errors, outcome.warnings
    line = _("{files}: {errors}, {warnings}").format(
        files=ngettext("{n} file checked", "{n} files checked", files).format(n=number(files)),
        errors=ngettext("{n} error", "{n} errors", errors).format(n=number(errors)),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=number(warnings)),
    )
    if outcome.ignored:
        n = len(outcome.ignored)
        line += " " + ngettext("({n} ignored)", "({n} ignored)", n).format(n=number(n))
    return line


def watch(args: argparse.Namespace, ctx: Context) -> int:
    """Validate, then again at every change of a guide, translation or
    selfhelp.yaml under the paths (looked at twice a second: no file-system
    events to miss on network drives and containers), until Ctrl+C."""
    import time

    before = _snapshot(args.paths)
    while True:
        outcome = validate(args, ctx)
        sys.stdout.write(render(outcome, args.format, args.show_ignored))
        print(summary(outcome), flush=True)
        print(_("Watching for changes (Ctrl+C to stop)..."), flush=True)
        while True:
            time.sleep(WATCH_INTERVAL_S)
            now = _snapshot(args.paths)
            if now != before:
                changed = sorted(set(now.items()) ^ set(before.items()))
                names = sorted({display_name(name) for name, _stamp in changed})
                before = now
                print(
                    "\n" + _("Changed: {files}").format(files=", ".join(names)),
                    flush=True,
                )
                break


def display_name(name: str) -> str:
    from ..guides.diagnostics import display_path

    return display_path(Path(name))


def _snapshot(paths: list[str]) -> dict[str, tuple[int, int]]:
    """Every file that validation reads under `paths`, with its size and mtime."""
    from ..guides.library import scan_folder
    from ..guides.suppress import MANIFEST_NAMES

    out: dict[str, tuple[int, int]] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            out[given] = (-1, -1)
            continue
        scan = scan_folder(path)
        names = [*scan.guide_files, *scan.translation_files]
        folders = {path if path.is_dir() else path.parent} | {Path(n).parent for n in names}
        names += [str(f / m) for f in folders for m in MANIFEST_NAMES if (f / m).is_file()]
        for name in names:
            try:
                st = os.stat(name)
            except OSError:
                continue
            out[name] = (st.st_size, st.st_mtime_ns)
    return out


def orphan_translation_diagnostics(lib: Library) -> list[Diagnostic]:
    """Translation files with no guide beside them. (Stale, missing and misplaced
    translations of each guide are checked where the guide is read:
    `LoadMode.translations`.)"""
    from ..guides.translate import orphan_translations

    out: list[Diagnostic] = []
    for source, scan in lib.scans:
        if source.path.is_dir():
            out.extend(orphan_translations(scan.translations, scan.guides))
    return out


def bundled_id_diagnostics(lib: Library) -> list[Diagnostic]:
    """Guides that use the id of a guide bundled with selfhelp: in the library the
    bundled one is shown unless config.yaml's override_bundled lets them replace it."""
    from ..guides.diagnostics import Pos, Reporter, display_path
    from ..guides.library import bundled_guides_dir, same_file_content

    bundled = load_library(
        [Source(bundled_guides_dir(), "bundled")], mode=LoadMode(warnings=False, search=False)
    )
    out: list[Diagnostic] = []
    for entry in lib.results:
        theirs = bundled.infos.get(entry.info.id) if entry.info is not None else None
        # A byte-for-byte copy of a bundled guide (the repository's guides/ beside an
        # installed selfhelp) is that guide, not a replacement.
        if theirs is None or same_file_content(entry.path, theirs.path):
            continue
        rep = Reporter(display_path(entry.path))
        rep.warning(
            entry.id_pos or Pos(),
            "shadows-bundled",
            _(
                "guide id '{id}' is the id of a bundled guide: selfhelp shows the bundled "
                "one, and this file is refused, unless config.yaml allows the replacement"
            ).format(id=theirs.id),
            _("choose another id, or list '{id}' under override_bundled in config.yaml").format(
                id=theirs.id
            ),
        )
        out.extend(rep.items)
    return out


# --- output formats --------------------------------------------------------------
# A knock-on (a diagnostic that only follows from an error: `Diagnostic.cause`) is
# reported with its error: right after it in text, in the error's `related` list in
# JSON, in its `relatedLocations` in SARIF, in its annotation for GitHub.


def render(outcome: Outcome | list[Diagnostic], fmt: str, show_ignored: bool = False) -> str:
    if isinstance(outcome, list):
        outcome = Outcome(outcome)
    diags = outcome.diagnostics
    ignored = outcome.ignored if show_ignored else []
    if fmt == "json":
        items = [_as_dict(d, knock_ons) for d, knock_ons in grouped(diags)]
        items += [{**_as_dict(i.diagnostic, []), "ignored": i.by} for i in ignored]
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        lines = [_github(d, knock_ons) for d, knock_ons in grouped(diags)]
        lines += [_github_ignored(i) for i in ignored]
        return "".join(line + "\n" for line in lines)
    if fmt == "sarif":
        return json.dumps(_sarif(diags, ignored), indent=2, ensure_ascii=False) + "\n"
    out = []
    for d, knock_ons in grouped(diags):
        out.append(d.format())
        out.extend(k.format() for k in knock_ons)
    for i in ignored:
        d = i.diagnostic
        out.append(
            f"{d.file}:{d.line}:{d.column}: note: "
            + _("ignored ({by}): {message}").format(by=i.by, message=d.full_message())
            + f" [{d.code}]"
        )
    return "".join(line + "\n" for line in out)


def _as_dict(d: Diagnostic, knock_ons: list[Diagnostic]) -> dict[str, object]:
    out: dict[str, object] = {
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.full_message(),
    }
    if knock_ons:
        out["related"] = [_as_dict(k, []) for k in knock_ons]
    return out


def _github_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(d: Diagnostic, knock_ons: list[Diagnostic]) -> str:
    message = d.full_message()
    for k in knock_ons:
        message += "\n" + f"{k.file}:{k.line}:{k.column}: {k.full_message()} [{k.code}]"
    return (
        f"::{d.severity.value} file={_github_escape(d.file, True)},line={d.line},"
        f"col={d.column},title={_github_escape(d.code, True)}::"
        f"{_github_escape(message)}"
    )


def _github_ignored(i: Ignored) -> str:
    d = i.diagnostic
    text = _("ignored ({by}): {message}").format(by=i.by, message=d.full_message())
    return (
        f"::notice file={_github_escape(d.file, True)},line={d.line},"
        f"col={d.column},title={_github_escape(d.code, True)}::{_github_escape(text)}"
    )


#: The base every relative file location of a SARIF log is resolved against.
SRCROOT = "SRCROOT"


def _artifact(file: str) -> dict[str, str]:
    """A file as SARIF names it: relative to SRCROOT (the working directory) when
    it is inside it, else an absolute file URI."""
    from urllib.parse import quote

    path = Path(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": SRCROOT}


def _location(d: Diagnostic) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(d.file),
            "region": {"startLine": d.line, "startColumn": d.column},
        }
    }


def _sarif(diags: list[Diagnostic], ignored: list[Ignored]) -> dict[str, object]:
    from ..guides.codes import RULES, help_texts, help_uri, short_description

    codes = sorted({d.code for d in diags} | {i.diagnostic.code for i in ignored})
    helps = help_texts()

    def rule(code: str) -> dict[str, object]:
        out: dict[str, object] = {
            "id": code,
            "name": "".join(part.capitalize() for part in code.split("-")),
            "shortDescription": {"text": short_description(code)},
            "helpUri": help_uri(code),
        }
        if code in RULES:
            out["defaultConfiguration"] = {"level": RULES[code][0].value}
        if code in helps:
            out["fullDescription"] = {"text": helps[code].split("\n\n")[0]}
            out["help"] = {"text": helps[code], "markdown": helps[code]}
        return out

    def result(d: Diagnostic, knock_ons: list[Diagnostic]) -> dict[str, object]:
        out: dict[str, object] = {
            "ruleId": d.code,
            "ruleIndex": codes.index(d.code),
            "level": d.severity.value,
            "message": {"text": d.full_message()},
            "locations": [_location(d)],
        }
        if knock_ons:
            out["relatedLocations"] = [
                {
                    "id": n,
                    **_location(k),
                    "message": {"text": f"{k.severity.value}: {k.full_message()} [{k.code}]"},
                }
                for n, k in enumerate(knock_ons, start=1)
            ]
        return out

    results = [result(d, k) for d, k in grouped(diags)]
    for i in ignored:
        item = result(i.diagnostic, [])
        item["suppressions"] = [{"kind": i.kind, "justification": i.by}]
        results.append(item)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "selfhelp validate",
                        "version": __version__,
                        "informationUri": help_uri("diagnostics").split("#")[0],
                        "rules": [rule(code) for code in codes],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
