"""The session report: what was done, for the technician's work order.

Built from a session at any point (in progress or ended): every step with the text
shown, the answer given, each check with its command, result and output, each
caution acknowledged, and the outcome. It is the technician's own file, written
where they say and never uploaded; command output is redacted again here with the
guide's own patterns (probes redact it once already), so a secret that slipped a
pattern at run time does not reach the file by another road.

Everything from the guide (titles, text, labels, commands, output) is escaped for
Markdown by the helpers in sanitize.py, so it cannot fake a section, embed HTML or
open a code block.

Pure: returns text; the frontends write it (config.write_atomic).
"""

from __future__ import annotations

import datetime as dt
import json
import shlex

from ..guides.model import CheckNode, QuestionNode, StepNode
from ..guides.text import markdown_to_plain
from ..i18n import _
from ..probes.redact import redact
from ..sanitize import md_code, md_fence, md_inline, md_quote, report_text
from .session import Session
from .walk import NEXT_WORD

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMATS = ("markdown", "json")


def _answer(session: Session, step: int, index: int) -> str:
    walk = session.walk
    pos = walk.stack[step]
    node = walk.guide_of(pos).nodes[pos.node_id]
    if isinstance(node, QuestionNode):
        return node.choices[index].label
    if isinstance(node, StepNode):
        return NEXT_WORD
    if isinstance(node, CheckNode):
        if index < 2:
            return "pass" if index == 0 else "fail"
        return node.fallback[index - 2].label
    return str(index + 1)


def build_report(session: Session, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or dt.datetime.now(dt.timezone.utc)
    walk = session.walk
    guide = session.guide
    checks: dict[str, dict[str, Any]] = session.extra.get("checks", {})
    acks: dict[str, str] = session.extra.get("acknowledged", {})
    steps: list[dict[str, Any]] = []
    for i, pos in enumerate(walk.stack):
        node = walk.guide_of(pos).nodes[pos.node_id]
        if node.is_auto:
            continue
        entry: dict[str, Any] = {
            "step": len(steps) + 1,
            "node": walk.path[i],
            "type": node.type,
            "title": node.title or "",
            "text": markdown_to_plain(node.text),
        }
        if node.caution:
            entry["caution"] = markdown_to_plain(node.caution)
            entry["acknowledged"] = str(i) in acks
        if isinstance(node, CheckNode):
            found = checks.get(str(i))
            if found is not None:
                entry["check"] = {
                    "checked": found.get("checked", node.probe),
                    "probe": found.get("probe", node.probe),
                    "command": list(found.get("command") or []),
                    "status": "declined" if found.get("declined") else found.get("status"),
                    "summary": found.get("summary", ""),
                    "output": redact(str(found.get("output", "")), guide.redact),
                }
            else:
                entry["check"] = {"checked": node.probe, "status": "not run"}
            if node.fallback_text:
                entry["fallback"] = markdown_to_plain(node.fallback_text)
        if i < len(walk.choices):
            entry["answer"] = _answer(session, i, walk.choices[i])
        steps.append(entry)
    started = dt.datetime.fromtimestamp(
        session.started_at - session.elapsed_before, dt.timezone.utc
    )
    return {
        "report": 1,
        "guide": {
            "id": guide.id,
            "title": guide.title,
            "version": guide.version,
            "kind": guide.kind,
            "lang": session.shown_lang,
        },
        "started": started.isoformat(timespec="seconds"),
        "saved": now.isoformat(timespec="seconds"),
        "duration_s": session.duration_s(),
        "frontend": session.frontend,
        "steps": steps,
        "outcome": walk.outcome if walk.finished else session.ended,
        "helped": session.helped,
        "rating": session.rating,
        "flagged": list(session.flagged),
    }


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def render_markdown(report: dict[str, Any]) -> str:
    g = report["guide"]
    lines = [
        "# " + _("Session report: {title}").format(title=md_inline(g["title"])),
        "",
        f"- {_('Guide')}: {md_code(g['id'])} ({_('version')} {g['version']}, "
        f"{md_inline(g['kind'])}, {md_inline(g['lang'])})",
        f"- {_('Started')}: {report['started']}",
        f"- {_('Saved')}: {report['saved']}",
        f"- {_('Time spent')}: {report['duration_s']} s",
        "",
        "## " + _("Steps"),
        "",
    ]
    for step in report["steps"]:
        heading = step["title"] or step["node"]
        lines.append(f"### {step['step']}. {md_inline(heading)}")
        lines.append("")
        if step.get("text"):
            lines.extend(md_quote(step["text"]))
            lines.append("")
        if "caution" in step:
            state = _("acknowledged") if step["acknowledged"] else _("not acknowledged")
            lines.append(f"**{_('Caution')}** ({state}): {md_inline(step['caution'])}")
            lines.append("")
        check = step.get("check")
        if check:
            lines.append(f"- {_('Checked')}: {md_inline(check['checked'])}")
            if check.get("command"):
                lines.append(f"- {_('Command')}: {md_code(shlex.join(check['command']))}")
            lines.append(f"- {_('Result')}: **{md_inline(str(check['status']))}**")
            if check.get("summary"):
                lines.append(f"- {_('Details')}: {md_inline(check['summary'])}")
            if check.get("output"):
                lines.extend(["", _("Output:"), "", md_fence(check["output"])])
            lines.append("")
        if "answer" in step:
            lines.append(f"{_('Answer')}: **{md_inline(step['answer'])}**")
            lines.append("")
    outcome = report["outcome"]
    lines.append("## " + _("Outcome"))
    lines.append("")
    lines.append(md_inline(str(outcome)) if outcome else _("The walk was still in progress."))
    for line in _reader_answers(report):
        lines.extend(["", line])
    return "\n".join(lines).rstrip() + "\n"


def _reader_answers(report: dict[str, Any]) -> list[str]:
    """What the reader said about the walk besides its steps' answers, each only if
    given: whether it helped, the rating, the steps marked unclear (by number: no
    guide text here)."""
    lines = []
    if report.get("helped") is not None:
        lines.append(_("Helped: {answer}").format(answer=_("yes") if report["helped"] else _("no")))
    if report.get("rating") is not None:
        lines.append(_("Rating: {n}/5").format(n=int(report["rating"])))
    flagged = set(report.get("flagged") or ())
    marked = [str(step["step"]) for step in report["steps"] if step["node"] in flagged]
    if marked:
        lines.append(_("Steps marked as unclear: {steps}").format(steps=", ".join(marked)))
    return lines


def render(report: dict[str, Any], fmt: str) -> str:
    """The report as written to its file: Markdown escapes guide text (md_*), and
    either format has its control characters written out (someone will `cat` it)."""
    return report_text(render_json(report) if fmt == "json" else render_markdown(report))


def default_name(report: dict[str, Any], fmt: str) -> str:
    """`disk-full-20261123-151002.md`: sortable, no spaces, no user data."""
    stamp = report["saved"].replace("-", "").replace(":", "").replace("T", "-")[:15]
    return f"{report['guide']['id']}-{stamp}.{'json' if fmt == 'json' else 'md'}"
