"""Words shared by every frontend (TUI, plain mode, reports), translated once."""

from __future__ import annotations

from .i18n import _
from .i18n.languages import language_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .guides.index import GuideInfo
    from .guides.model import Guide


def outcome_title(result: str | None) -> str:
    return {
        "resolved": _("Resolved"),
        "unresolved": _("Not resolved"),
        "escalate": _("Needs escalation"),
        "completed": _("Tutorial completed"),
        "abandoned": _("Left before the end"),
    }.get(result or "", result or "")


def kind_title(kind: str) -> str:
    return {"troubleshooter": _("troubleshooter"), "tutorial": _("tutorial")}.get(kind, kind)


def fallback_notice(guide: Guide, node_id: str) -> str | None:
    """A discreet note for a node shown in its source language because it has no
    (current) translation into the reader's; None when it is shown as asked. The
    language is named in itself ("English", "magyar"), so no grammar case is needed."""
    node = guide.nodes.get(node_id)
    if node is None or not (node.text.strip() or node.title) or not guide.falls_back(node_id):
        return None  # nothing to read (a tutorial's end), or shown as asked
    return _("Not translated: shown in {language}").format(
        language=language_name(guide.shown_lang(node_id))
    )


def title_language_note(guide: GuideInfo) -> str | None:
    """For lists: the language of a guide whose title is not in the reader's."""
    if guide.wanted_lang is None or guide.title_lang == guide.wanted_lang:
        return None
    return language_name(guide.title_lang)


def origin_label(origin: str) -> str:
    """Where a guide comes from, for lists: the two named sources translated, a
    folder as it was given."""
    return {"bundled": _("bundled"), "user": _("user folder")}.get(origin, origin)
