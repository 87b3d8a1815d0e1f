"""Every diagnostic code: its severity and a short description, and where it is
documented. Tools that list rules (SARIF), suppressions in guide folders and the
docs test all read this table, so a code is added in one place.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..i18n import N_, translate
from .diagnostics import Severity

E, W = Severity.ERROR, Severity.WARNING

#: code -> (severity, short description: an English msgid, translated when shown).
RULES: dict[str, tuple[Severity, str]] = {
    "unreadable": (E, N_("The file cannot be read")),
    "no-such-path": (E, N_("A path does not exist")),
    "not-a-file": (W, N_("An entry of a guide folder is not a regular file")),
    "link-outside-folder": (W, N_("A link in a guide folder points outside it")),
    "file-too-large": (E, N_("The file is too large")),
    "bad-encoding": (E, N_("The file is not UTF-8")),
    "empty-file": (E, N_("The file is empty")),
    "yaml-syntax": (E, N_("YAML syntax error")),
    "several-documents": (E, N_("More than one YAML document")),
    "duplicate-key": (E, N_("A key appears twice")),
    "unsafe-tag": (E, N_("A YAML tag that would build program objects")),
    "unknown-tag": (E, N_("A YAML tag guide files do not use")),
    "merge-key": (E, N_("A YAML merge key")),
    "bad-key": (E, N_("A key that is not a plain word")),
    "too-deep": (E, N_("Values nested too deeply")),
    "too-many-values": (E, N_("Too many values (an alias bomb?)")),
    "not-a-guide": (E, N_("The file is not a mapping of keys")),
    "unsupported-format": (E, N_("A format version this selfhelp does not read")),
    "unknown-key": (E, N_("A key the format does not have")),
    "missing-key": (E, N_("A required key is missing")),
    "wrong-kind-key": (E, N_("A key of the other kind of guide")),
    "wrong-type": (E, N_("A value of the wrong type")),
    "bad-value": (E, N_("A value outside its allowed set")),
    "bad-id": (E, N_("An id with characters it may not have")),
    "out-of-range": (E, N_("A number below its minimum")),
    "too-few-items": (E, N_("An empty list or mapping")),
    "unknown-type": (E, N_("An unknown node type")),
    "control-characters": (W, N_("Control characters were removed from text")),
    "unknown-node": (E, N_("A link to a node that does not exist")),
    "unknown-guide": (E, N_("A link to a guide that is not in the library")),
    "bad-link": (E, N_("A guide link without a guide id")),
    "unreachable-node": (W, N_("A node no path reaches")),
    "no-way-out": (E, N_("A node from which no outcome can be reached")),
    "duplicate-id": (E, N_("An id used twice")),
    # An error in the app's library (the file is refused); what validate reports.
    "shadows-bundled": (W, N_("A guide with the id of a bundled guide")),
    "empty-text": (E, N_("Empty text or label")),
    "duplicate-label": (E, N_("Two choices with the same label")),
    "single-choice": (W, N_("A question with only one choice")),
    "confusable-ids": (W, N_("Node ids that differ only by case or - and _")),
    "markdown-unclosed-fence": (W, N_("A code block that is never closed")),
    "markdown-empty-link": (W, N_("A link with an empty target")),
    "markdown-code-span-broken": (W, N_("Inline code split over two lines")),
    "no-summary": (W, N_("The guide has no summary")),
    "no-symptoms": (W, N_("The guide has no symptoms")),
    "bad-probe": (E, N_("Wrong parameters for a probe")),
    "run-probe": (W, N_("A check that runs a command")),
    "unknown-fact": (E, N_("A branch tests a fact that nothing sets")),
    "unknown-fact-value": (W, N_("A branch tests a value its fact never takes")),
    "branch-loop": (E, N_("Branches that lead only to each other")),
    "bad-pattern": (E, N_("A redact pattern that is not a valid regular expression")),
    "bad-test": (E, N_("A test that does not say what to expect")),
    "bad-test-path": (E, N_("A test path that no choice follows")),
    "bad-test-answer": (E, N_("A test answer that fits no choice")),
    "translation-stale": (W, N_("A translation is out of date")),
    "translation-missing": (W, N_("A translation is missing")),
    "translation-code-changed": (W, N_("A translation changed a command or code")),
    "translation-language": (W, N_("A translation's language disagrees with its file name")),
    "translation-unknown-node": (E, N_("A translation for a node that does not exist")),
    "translation-unknown-string": (E, N_("A translation for a string that does not exist")),
    "translation-no-guide": (E, N_("A translation file without its guide")),
    "po-syntax": (E, N_("PO syntax error")),
    "bad-suppression": (W, N_("A rule suppression that cannot apply")),
}


def short_description(code: str) -> str:
    rule = RULES.get(code)
    return translate(rule[1]) if rule else code


#: Set it to the address of a published copy of the docs folder (ending in `/`),
#: and tools link there instead of to the copy installed with selfhelp.
DOCS_URL_ENV = "SELFHELP_DOCS_URL"


def docs_dir() -> Path:
    """The documentation: installed inside the package (a wheel), or the repository's
    `docs/` (a checkout)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "docs"
    return packaged if packaged.is_dir() else here.parent.parent / "docs"


def help_uri(code: str) -> str:
    """An absolute address of the code's explanation: SARIF viewers link to it.
    selfhelp works offline, so by default it is the docs installed on this machine."""
    base = os.environ.get(DOCS_URL_ENV, "").strip()
    if not base:
        base = docs_dir().as_uri() + "/"
    elif not base.endswith("/"):
        base += "/"
    return f"{base}diagnostics.md#{code}"


_SECTION = re.compile(r"^### `([a-z-]+)`[^\n]*\n(.*?)(?=^#{1,3} |\Z)", re.M | re.S)


def help_texts() -> dict[str, str]:
    """Each code's explanation, as docs/diagnostics.md gives it (Markdown); empty
    when the docs are not installed."""
    try:
        text = (docs_dir() / "diagnostics.md").read_text(encoding="utf-8")
    except OSError:
        return {}
    return {m.group(1): m.group(2).strip() for m in _SECTION.finditer(text)}
