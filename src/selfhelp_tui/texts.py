"""Words shared by every frontend (TUI, plain mode, reports), translated once."""

from __future__ import annotations

from .i18n import _


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
