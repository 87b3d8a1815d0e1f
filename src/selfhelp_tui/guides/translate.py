"""Guide translations: one gettext PO file per guide and language, beside the guide.

`disk-full.yaml` is translated in `disk-full.nb.po`, `disk-full.hu.po`, ... so a
translator never edits the source, and Poedit, Weblate and Crowdin open the file
as it is. Each string is one entry:

    #. source-hash: 3f2a9c1e
    #: disk-full.yaml:14
    msgctxt "check-df/text"
    msgid "Run `df -h`. Is any file system at **100%**?"
    msgstr "Kjør `df -h`. Er noe filsystem på **100 %**?"

msgctxt names the string: `title`, `summary`, `tags/N`, `symptoms/N` for the
guide, `NODE/text`, `NODE/title` and `NODE/choices/N/label` for nodes (N from 0).
The `source-hash` note is the hash of the source text the entry belongs to; with
the fuzzy flag it tells whether a translation is current (see `state`). Textual
is never imported here: the TUI, plain mode and `validate` share this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..i18n import _, ngettext
from ..i18n.headers import complete as complete_headers
from ..i18n.headers import now as header_now
from ..i18n.headers import plural_forms as plural_forms
from ..i18n.languages import PSEUDO, language_name
from ..i18n.po import PoEntry, PoError, PoFile, format_po, parse_po
from ..i18n.pseudo import pseudo
from ..record import record, replace
from ..sanitize import strip
from .diagnostics import Diagnostic, Pos, Reporter, did_you_mean
from .index import PO_SUFFIX, split_translation_name, translation_path
from .loader import display_path
from .model import TUTORIAL_END, Guide, Localization, Node
from .text import FENCED_BLOCK, code_spans

HASH_NOTE = "source-hash"

#: The states of a translated string.
CURRENT, STALE, UNTRANSLATED = "current", "stale", "untranslated"


@record(frozen=True)
class SourceString:
    """One translatable string of a guide, as written."""

    context: str  # the msgctxt: "title", "check-df/text", "check-df/choices/0/label"
    text: str
    node: str | None  # the node id; None for the guide's title, summary, tags, symptoms
    pos: Pos  # where it is written in the guide file


def source_hash(text: str) -> str:
    """A short hash of a source text (8 hex digits of SHA-256)."""
    import hashlib  # only with translations: 3 ms of every start otherwise

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def node_strings(node: Node) -> list[SourceString]:
    return [
        SourceString(f"{node.id}/{key}", text, node.id, pos) for key, text, pos in node.strings()
    ]


def source_strings(guide: Guide) -> list[SourceString]:
    """Every translatable string of a guide, in file order."""

    def where(key: str) -> Pos:
        return guide.key_pos.get(f"{key}@value", guide.key_pos.get(key, Pos()))

    out = [SourceString("title", guide.title, None, where("title"))]
    if guide.summary.strip():
        out.append(SourceString("summary", guide.summary, None, where("summary")))
    for key in ("tags", "symptoms"):
        for i, text in enumerate(getattr(guide, key)):
            out.append(SourceString(f"{key}/{i}", text, None, where(key)))
    for node_id, node in guide.nodes.items():
        if node_id != TUTORIAL_END:
            out.extend(node_strings(node))
    return out


# --- files ------------------------------------------------------------------


def translation_files(guide_path: Path) -> dict[str, Path]:
    """The translations beside a guide file, by language."""
    found = _po_files(guide_path.parent).get(guide_path.stem, {})
    return {lang: guide_path.parent / name for lang, name in found.items()}


#: Folder -> (its mtime, guide file stem -> language -> translation file name).
_PO_LISTINGS: dict[Path, tuple[int, dict[str, dict[str, str]]]] = {}


def _po_files(folder: Path) -> dict[str, dict[str, str]]:
    """The translation files of a folder, by guide and language; listed once per
    change of the folder. Every card reads its guide's translations (search), so a
    library of thousands of guides in one folder must not walk the whole listing
    once per guide."""
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        return {}
    cached = _PO_LISTINGS.get(folder)
    if cached is None or cached[0] != stamp:
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(PO_SUFFIX))
        except OSError:
            names = []
        by_guide: dict[str, dict[str, str]] = {}
        for name in names:
            split = split_translation_name(name)
            if split is not None:
                by_guide.setdefault(split[0], {})[split[1]] = name
        cached = _PO_LISTINGS[folder] = (stamp, by_guide)
    return cached[1]


def read_translation(path: Path) -> PoFile:
    """Raises OSError, UnicodeDecodeError or PoError."""
    return parse_po(path.read_text(encoding="utf-8"))


# --- states -----------------------------------------------------------------


def state(entry: PoEntry | None, source: str) -> str:
    """`current` when the translation was made from this very source text (its
    source-hash matches, or, in a file without hashes, its msgid does) and no one
    marked it for review (fuzzy); `stale` when the source changed since or it is
    fuzzy; `untranslated` when there is no translation."""
    if entry is None or not entry.has_translation:
        return UNTRANSLATED
    if entry.fuzzy:
        return STALE
    recorded = entry.extracted_value(HASH_NOTE)
    if recorded is not None:
        return CURRENT if recorded == source_hash(source) else STALE
    return CURRENT if entry.msgid == source else STALE


def current_texts(guide: Guide, po: PoFile) -> dict[str, str]:
    """msgctxt -> translation, for the strings whose translation is current."""
    by_context = {e.msgctxt: e for e in po.live() if e.msgctxt is not None}
    out: dict[str, str] = {}
    for s in source_strings(guide):
        entry = by_context.get(s.context)
        if entry is not None and state(entry, s.text) == CURRENT:
            # A translation is as untrusted as the guide: the same clean-up as the
            # loader's (validate warns about it: `control-characters`).
            out[s.context] = strip(entry.msgstr)[0]
    return out


# --- the translated view -----------------------------------------------------


def localize(guide: Guide, lang: str) -> Guide:
    """The guide as a reader of `lang` sees it: translated where a current
    translation exists, in the source language elsewhere, node by node. The
    source guide is returned unchanged when it is written in `lang`."""
    if guide.localization is not None:
        guide = guide.localization.source
    if lang == guide.lang:
        return guide
    path: Path | None = None
    if lang == PSEUDO:
        texts = {s.context: pseudo(s.text) for s in source_strings(guide)}
    else:
        texts = {}
        if guide.path is not None:
            candidate = translation_path(guide.path, lang)
            try:
                texts = current_texts(guide, read_translation(candidate))
                path = candidate
            except (OSError, UnicodeDecodeError, PoError):
                texts = {}  # no file, or a broken one (validate reports it): the source
    return apply(guide, lang, texts, path)


def apply(guide: Guide, lang: str, texts: dict[str, str], path: Path | None = None) -> Guide:
    """A view of the guide with `texts` (msgctxt -> translation) put in. A node is
    shown translated only when every one of its strings is, so a reader never gets
    a question in one language and its answers in another."""
    nodes: dict[str, Node] = {}
    node_langs: dict[str, str] = {}
    for node_id, node in guide.nodes.items():
        strings = node_strings(node)
        if node_id == TUTORIAL_END or not strings:  # nothing to read: counts as the rest
            nodes[node_id], node_langs[node_id] = node, lang if texts else guide.lang
        elif all(s.context in texts for s in strings):
            nodes[node_id], node_langs[node_id] = _translated_node(node, texts), lang
        else:
            nodes[node_id], node_langs[node_id] = node, guide.lang

    def pick(context: str, text: str) -> str:
        return texts.get(context, text)

    view = replace(
        guide,
        nodes=nodes,
        title=pick("title", guide.title),
        summary=pick("summary", guide.summary) if guide.summary.strip() else guide.summary,
        tags=tuple(pick(f"tags/{i}", t) for i, t in enumerate(guide.tags)),
        symptoms=tuple(pick(f"symptoms/{i}", t) for i, t in enumerate(guide.symptoms)),
    )
    view.localization = Localization(
        lang=lang,
        source=guide,
        node_langs=node_langs,
        meta_lang=lang if "title" in texts else guide.lang,
        path=path,
    )
    return view


def _translated_node(node: Node, texts: dict[str, str]) -> Node:
    prefix = f"{node.id}/"
    return node.translated({k[len(prefix) :]: v for k, v in texts.items() if k.startswith(prefix)})


def localize_all(guides: dict[str, Guide], lang: str) -> dict[str, Guide]:
    return {guide_id: localize(guide, lang) for guide_id, guide in guides.items()}


# --- writing a translation file (selfhelp i18n extract) -----------------------


@record
class ExtractReport:
    path: Path
    total: int = 0
    translated: int = 0
    stale: int = 0
    new: int = 0
    obsolete: int = 0
    created: bool = False


_SOFT_BREAK = re.compile(r"[ \t]*\n(?![ \t]*(?:\n|[-*+][ \t]|\d{1,9}[.)][ \t]|#|>|```|~~~))[ \t]*")


def same_when_reflowed(old: str, new: str) -> bool:
    """Whether two source texts differ only in where their paragraphs' lines break
    (Markdown shows a soft line break as a space): a writer who rewraps a paragraph
    has not changed what the translation says. Code blocks, list items, headings
    and paragraph breaks must be exactly as they were."""
    if old == new:
        return True

    def flow(text: str) -> list[str]:
        parts, last = [], 0
        for m in FENCED_BLOCK.finditer(text):
            parts.append(_SOFT_BREAK.sub(" ", text[last : m.start()]))
            parts.append(m.group(0))
            last = m.end()
        parts.append(_SOFT_BREAK.sub(" ", text[last:]))
        return [re.sub(r"[ \t]+", " ", p).strip() if i % 2 == 0 else p for i, p in enumerate(parts)]

    return flow(old) == flow(new)


def update_translation(guide: Guide, po: PoFile | None, lang: str) -> tuple[PoFile, ExtractReport]:
    """The translation file of `guide` in `lang` with every source string, keeping
    the translations already made. A translation whose source text changed is
    kept, marked fuzzy (needs review) with the old source text beside it (`#|`),
    the way msgmerge does; strings that left the guide stay at the end as obsolete
    entries (`#~`), so their work is not lost if they come back."""
    assert guide.path is not None
    report = ExtractReport(translation_path(guide.path, lang), created=po is None)
    old = po or PoFile()
    before = [(e.msgctxt, e.msgid) for e in old.live()]  # the entries change in place
    pool = [e for e in old.entries if not e.obsolete] + [e for e in old.entries if e.obsolete]
    strings = source_strings(guide)
    chosen: dict[str, PoEntry] = {}

    def take(s: SourceString, match: Iterable[PoEntry]) -> None:
        for entry in match:
            chosen[s.context] = entry
            pool.remove(entry)
            return

    # Same string at the same place; then the same text elsewhere (a renamed node,
    # reordered choices); then the same place with a changed text (stale).
    for s in strings:
        take(s, (e for e in pool if e.msgctxt == s.context and e.msgid == s.text))
    for s in strings:
        if s.context not in chosen:
            take(s, (e for e in pool if e.msgid == s.text and e.has_translation))
    for s in strings:
        if s.context not in chosen:
            take(s, (e for e in pool if e.msgctxt == s.context and not e.obsolete))

    entries: list[PoEntry] = []
    for s in strings:
        entry = chosen.get(s.context)
        if entry is None:
            entry = PoEntry(s.text, msgctxt=s.context)
            report.new += 1
        else:
            was = state(entry, s.text)
            if was == STALE and not entry.fuzzy and same_when_reflowed(entry.msgid, s.text):
                was = CURRENT  # only the lines were broken differently: still true
            if was == STALE and not entry.fuzzy:
                entry.previous_msgid = entry.msgid
                entry.previous_msgctxt = entry.msgctxt if entry.msgctxt != s.context else None
                entry.set_fuzzy(True)
            entry.msgctxt, entry.msgid, entry.obsolete = s.context, s.text, False
        entry.set_extracted_value(HASH_NOTE, source_hash(s.text))
        entry.references = [f"{guide.path.name}:{s.pos.line}"]
        entries.append(entry)
        st = state(entry, s.text)
        report.translated += st == CURRENT
        report.stale += st == STALE
    leftovers = [e for e in pool if e.has_translation]
    for entry in leftovers:
        entry.obsolete = True
        entry.references = []
    report.total = len(entries)
    report.obsolete = len(leftovers)

    out = PoFile(entries + leftovers, dict(old.headers), list(old.header_comments))
    if not out.header_comments:
        out.header_comments = [
            f"{language_name(lang)} ({lang}) translation of the guide '{guide.id}'.",
            "msgctxt names the node and field; the source-hash note says which source",
            "text a translation was made from. Keep both as they are; see docs/i18n.md.",
        ]
    # Extracted again only when the strings to translate changed (so a second run
    # leaves the file as it is).
    same = po is not None and before == [(e.msgctxt, e.msgid) for e in entries]
    created = old.headers.get("POT-Creation-Date", "") if same else ""
    out.headers = complete_headers(
        {**old.headers, "X-Source-Language": guide.lang},
        project=guide.id,
        lang=lang,
        created=created.strip() or header_now(),
    )
    return out, report


def extract(guide: Guide, lang: str) -> ExtractReport:
    """Write (or update) the translation file of a guide; raises PoError or OSError
    when an existing file cannot be read (it is then left as it is)."""
    from ..config import write_atomic

    assert guide.path is not None
    path = translation_path(guide.path, lang)
    po = read_translation(path) if path.exists() else None
    updated, report = update_translation(guide, po, lang)
    write_atomic(path, format_po(updated).encode("utf-8"))
    return report


# --- checks (selfhelp validate) ------------------------------------------------

_CONTEXT = re.compile(r"^(?:(title|summary)|(tags|symptoms)/(\d+)|([^/]+)/(.+))$")


def check_translation(guide: Guide, path: Path, lang: str) -> list[Diagnostic]:
    """Diagnostics for one translation file of a loaded guide."""
    rep = Reporter(display_path(path))
    try:
        po = read_translation(path)
    except PoError as exc:
        rep.error(Pos(exc.line, exc.column), "po-syntax", exc.message)
        return rep.items
    except (OSError, UnicodeDecodeError) as exc:
        rep.error(Pos(), "unreadable", _("cannot read the file: {reason}").format(reason=exc))
        return rep.items
    header_lang = po.language
    if header_lang and header_lang.replace("-", "_").split("_")[0].lower() != lang.lower():
        rep.warning(
            Pos(),
            "translation-language",
            _("the file name says '{lang}' but its Language header says '{header}'").format(
                lang=lang, header=header_lang
            ),
        )
    strings = {s.context: s for s in source_strings(guide)}
    by_node: dict[str | None, list[str]] = {}
    for s in strings.values():
        by_node.setdefault(s.node, [])
    found: dict[str, PoEntry] = {}
    for entry in po.live():
        where = Pos(entry.line or 1, 1)
        ctx = entry.msgctxt
        if ctx is None:
            rep.error(where, "translation-unknown-string", _no_context(entry.msgid))
            continue
        source = strings.get(ctx)
        if source is None:
            _unknown(guide, ctx, where, rep)
            continue
        found[ctx] = entry
        st = state(entry, source.text)
        subject = _subject(source)
        if strip(entry.msgstr)[1]:
            rep.warning(
                where,
                "control-characters",
                _(
                    "the {lang} translation of {subject} contains control characters or "
                    "escape sequences; they are removed when it is shown"
                ).format(lang=lang, subject=subject),
            )
        if st == STALE:
            if entry.fuzzy:
                message = _(
                    "the {lang} translation of {subject} is stale: "
                    "it is marked fuzzy (needs review)"
                )
                hint = None
            else:
                message = _(
                    "the {lang} translation of {subject} is stale: "
                    "the source text changed since it was translated"
                )
                hint = _(
                    "update it with `selfhelp i18n extract {guide} --lang {lang}`, then review it"
                ).format(guide=display_path(guide.path or path), lang=lang)
            rep.warning(
                where,
                "translation-stale",
                message.format(lang=lang, subject=subject),
                hint,
            )
        if st == CURRENT:
            _check_code(source, entry, where, lang, rep)
    for s in strings.values():
        entry = found.get(s.context)
        if entry is None or not entry.has_translation:
            by_node[s.node].append(s.context)
    for node_id, missing in by_node.items():
        if not missing:
            continue
        first = next((found[c].line for c in missing if c in found and found[c].line), 1)
        if node_id:
            message = ngettext(
                "node '{node}': {n} string not translated into {lang} ({contexts})",
                "node '{node}': {n} strings not translated into {lang} ({contexts})",
                len(missing),
            )
        else:
            message = ngettext(
                "the guide's title, summary, tags or symptoms: "
                "{n} string not translated into {lang} ({contexts})",
                "the guide's title, summary, tags or symptoms: "
                "{n} strings not translated into {lang} ({contexts})",
                len(missing),
            )
        rep.warning(
            Pos(first, 1),
            "translation-missing",
            message.format(node=node_id, n=len(missing), lang=lang, contexts=", ".join(missing)),
        )
    return sorted(rep.items, key=Diagnostic.sort_key)


def _subject(s: SourceString) -> str:
    """The string a message is about; the field is named as in msgctxt (`title`,
    `tags 2`, `choices/0/label`), which is not translated."""
    if s.node is None:
        return _("the guide's {field}").format(field=s.context.replace("/", " "))
    field = s.context[len(s.node) + 1 :]
    return _("node '{node}' ({field})").format(node=s.node, field=field)


def _no_context(msgid: str) -> str:
    short = msgid if len(msgid) <= 40 else msgid[:37] + "..."
    return _("the entry for '{msgid}' has no msgctxt: it must name the node and field").format(
        msgid=short
    )


def _unknown(guide: Guide, ctx: str, where: Pos, rep: Reporter) -> None:
    m = _CONTEXT.match(ctx)
    node_id = m.group(4) if m else None
    nodes = [n for n in guide.nodes if n != TUTORIAL_END]
    if node_id is not None and node_id not in guide.nodes:
        rep.error(
            where,
            "translation-unknown-node",
            _("translation for node '{node}', which is not a node of guide '{guide}'").format(
                node=node_id, guide=guide.id
            ),
            did_you_mean(node_id, nodes),
        )
        return
    known = [s.context for s in source_strings(guide)]
    rep.error(
        where,
        "translation-unknown-string",
        _("translation for '{context}', which is not a string of guide '{guide}'").format(
            context=ctx, guide=guide.id
        ),
        did_you_mean(ctx, known),
    )


def _check_code(source: SourceString, entry: PoEntry, where: Pos, lang: str, rep: Reporter) -> None:
    kept = code_spans(entry.msgstr)
    for code in code_spans(source.text):
        if code not in kept:
            shown = code.strip().splitlines()[0] if code.strip() else code
            rep.warning(
                where,
                "translation-code-changed",
                _(
                    "the {lang} translation of {subject} does not contain the code "
                    "`{code}` exactly as in the source"
                ).format(lang=lang, subject=_subject(source), code=shown),
                _("commands and code must be copied as they are"),
            )


def check_guide_translations(guide: Guide, langs: Sequence[str] | None = None) -> list[Diagnostic]:
    """Every translation file of a guide (or the languages asked for: a missing file
    is then a warning on the guide file)."""
    if guide.path is None:
        return []
    files = translation_files(guide.path)
    out: list[Diagnostic] = []
    for lang in langs if langs is not None else list(files):
        if lang == guide.lang:
            continue
        path = files.get(lang)
        if path is None:
            rep = Reporter(display_path(guide.path))
            rep.warning(
                Pos(),
                "translation-missing",
                _("the guide has no {lang} translation (expected {path})").format(
                    lang=lang, path=display_path(translation_path(guide.path, lang))
                ),
                _("create it with `selfhelp i18n extract {guide} --lang {lang}`").format(
                    guide=display_path(guide.path), lang=lang
                ),
            )
            out.extend(rep.items)
            continue
        out.extend(check_translation(guide, path, lang))
    return out


def orphan_translations(po_files: Iterable[Path], guide_files: Iterable[Path]) -> list[Diagnostic]:
    """Translation files with no guide file beside them (a renamed or removed guide)."""
    stems = {(p.parent.resolve(), p.stem) for p in guide_files}
    out: list[Diagnostic] = []
    for path in po_files:
        split = split_translation_name(path)
        if split and (path.parent.resolve(), split[0]) in stems:
            continue
        rep = Reporter(display_path(path))
        if split is None:
            rep.error(
                Pos(),
                "translation-no-guide",
                _(
                    "a translation file in a guide folder must be named GUIDE.LANG.po "
                    "(such as disk-full.nb.po)"
                ),
            )
        else:
            rep.error(
                Pos(),
                "translation-no-guide",
                _("translation of '{guide}', but there is no {guide}.yaml beside it").format(
                    guide=split[0]
                ),
            )
        out.extend(rep.items)
    return out
