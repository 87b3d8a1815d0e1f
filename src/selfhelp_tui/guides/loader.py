"""Loading one guide file: bytes -> checked YAML -> Guide, with every diagnostic.

`load_guide` never raises for anything a file can contain; all problems become
diagnostics, reported in one pass. A guide with an error is not returned.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import _, translate
from ..record import field, record
from . import checks
from .diagnostics import Diagnostic, Pos, Reporter, display_path
from .model import (
    NODE_TYPES,
    TUTORIAL_END,
    Guide,
    GuideTest,
    Link,
    Node,
    OutcomeNode,
    StepNode,
    facts_of,
    guide_spec,
)
from .spec import Rec
from .yamlsrc import parse
from .yvalues import KIND_NAMES, YMap, kind_of


@record
class LoadResult:
    path: Path
    guide: Guide | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The guide id as written, even when the guide failed to load.
    guide_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.guide is not None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def load_guide(path: Path, origin: str = "", data: bytes | None = None) -> LoadResult:
    """Load and check one guide file; `data` may be given to skip reading it."""
    rep = Reporter(display_path(path))
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            rep.error(
                Pos(1, 1),
                "unreadable",
                _("cannot read the file: {reason}").format(reason=exc.strerror or exc),
            )
            return LoadResult(path, None, rep.items)
    root = parse(data, rep)
    if root is None:
        return LoadResult(path, None, rep.items)
    if not isinstance(root, YMap):
        rep.error(
            root.pos,
            "not-a-guide",
            _(
                "a guide file must be a mapping of keys (format, id, kind, title, ...), not {got}"
            ).format(got=translate(KIND_NAMES[kind_of(root)])),
        )
        return LoadResult(path, None, rep.items)
    rec = guide_spec().check(root, rep, _("the guide"))
    guide = _build(rec, rep, path, origin)
    if guide is not None:
        checks.check_guide(guide, rep)
    guide_id = rec.get("id")
    if rep.has_errors:
        return LoadResult(path, None, sorted(rep.items, key=Diagnostic.sort_key), guide_id)
    return LoadResult(path, guide, sorted(rep.items, key=Diagnostic.sort_key), guide_id)


def _build(rec: Rec, rep: Reporter, path: Path, origin: str) -> Guide | None:
    kind = rec.get("kind")
    nodes: dict[str, Node] = {}
    start = rec.get("start")
    if kind == "troubleshooter":
        for key in ("steps",):
            if key in rec.key_pos:
                rep.error(
                    rec.key_pos[key],
                    "wrong-kind-key",
                    _(
                        "'{key}' belongs to tutorials; a troubleshooter has 'start' and 'nodes'"
                    ).format(key=key),
                )
        for key in ("start", "nodes"):
            if key not in rec.key_pos:
                rep.error(
                    rec.pos, "missing-key", _("a troubleshooter needs '{key}'").format(key=key)
                )
        for node_id, (kpos, node_rec) in rec.get("nodes", {}).items():
            node = NODE_TYPES[node_rec.values["type"]].build(node_id, node_rec)
            node.pos = kpos
            node.field_pos = dict(node_rec.value_pos)
            nodes[node_id] = node
    elif kind == "tutorial":
        for key in ("start", "nodes"):
            if key in rec.key_pos:
                rep.error(
                    rec.key_pos[key],
                    "wrong-kind-key",
                    _("'{key}' belongs to troubleshooters; a tutorial has 'steps'").format(key=key),
                )
        if "steps" not in rec.key_pos:
            rep.error(rec.pos, "missing-key", _("a tutorial needs 'steps'"))
        steps: list[Rec] = rec.get("steps", [])
        ids = [s.get("id") or f"step-{i + 1}" for i, s in enumerate(steps)]
        for i, (step_id, step) in enumerate(zip(ids, steps, strict=True)):
            nxt = ids[i + 1] if i + 1 < len(ids) else TUTORIAL_END
            if step_id in nodes:
                rep.error(
                    step.where("id"),
                    "duplicate-id",
                    _("step id '{id}' is used twice").format(id=step_id),
                )
                continue
            node = StepNode(
                step_id,
                step.get("text", ""),
                step.pos,
                title=step.get("title"),
                next=Link(nxt, step.pos),
                caution=step.get("caution"),
            )
            node.field_pos = dict(step.value_pos)
            nodes[step_id] = node
        start = ids[0] if ids else TUTORIAL_END
        nodes[TUTORIAL_END] = OutcomeNode(TUTORIAL_END, "", rec.pos, result="completed")
    if rep.has_errors or kind is None or "id" not in rec.values or "title" not in rec.values:
        return None
    tests = tuple(
        GuideTest(
            t.get("name", ""),
            tuple(t.get("answers", [])),
            t.get("outcome"),
            t.get("node"),
            t.pos,
            tuple(t.get("path", [])),
            tuple(facts_of(t.get("facts")).items()),
        )
        for t in rec.get("tests", [])
    )
    guide = Guide(
        id=rec.values["id"],
        title=rec.values["title"],
        kind=kind,
        start=start or "",
        nodes=nodes,
        version=rec.get("version", 1),
        summary=rec.get("summary") or "",
        tags=tuple(rec.get("tags", [])),
        symptoms=tuple(rec.get("symptoms", [])),
        lang=rec.get("lang", "en"),
        tests=tests,
        redact=tuple(rec.get("redact", [])),
        path=path,
        origin=origin,
        key_pos={**rec.key_pos, **{f"{k}@value": v for k, v in rec.value_pos.items()}},
    )
    return guide
