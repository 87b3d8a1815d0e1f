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
    FORMAT_VERSION,
    NODE_TYPES,
    TUTORIAL_END,
    Guide,
    GuideTest,
    Link,
    Node,
    OutcomeNode,
    StepNode,
    UnreadNode,
    facts_of,
    guide_spec,
)
from .spec import Rec
from .yamlsrc import parse
from .yvalues import KIND_NAMES, YMap, YScalar, kind_of


@record
class LoadResult:
    path: Path
    guide: Guide | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The guide id as written, even when the guide failed to load.
    guide_id: str | None = None
    #: The guide as far as it could be read, when it failed to load (its links are
    #: still checked against the library; never walked).
    partial: Guide | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.guide is not None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def load_guide(
    path: Path, origin: str = "", data: bytes | None = None, *, walk_tests: bool = False
) -> LoadResult:
    """Load and check one guide file; `data` may be given to skip reading it.
    `walk_tests` (validate, preview) also checks that each test's path and answers
    fit the guide (`checks.check_guide`)."""
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
    if _newer_format(root, rep):
        return LoadResult(path, None, rep.items)
    rec = guide_spec().check(root, rep, _("the guide"))
    # Everything is built and checked from whatever was read: one run reports every
    # problem, and what depends on a broken part is skipped (or, for what only
    # follows from it, reported as its knock-on).
    broken = checks.Broken(top=dict(rec.errors))
    guide = _build(rec, rep, path, origin, broken)
    checks.check_guide(guide, rep, broken, walk_tests=walk_tests)
    guide_id = rec.get("id")
    items = sorted(rep.items, key=Diagnostic.sort_key)
    if rep.has_errors:
        return LoadResult(path, None, items, guide_id, partial=guide)
    return LoadResult(path, guide, items, guide_id)


def _newer_format(root: YMap, rep: Reporter) -> bool:
    """A file for a newer format: said once, and nothing else checked (its keys
    may mean something this version does not know)."""
    fmt = root.items.get("format")
    if isinstance(fmt, YScalar) and fmt.kind == "int" and fmt.value > FORMAT_VERSION:
        rep.error(
            fmt.pos,
            "unsupported-format",
            _(
                "this guide is written for format {version}; this version of selfhelp "
                "reads format {supported}"
            ).format(version=fmt.value, supported=FORMAT_VERSION),
            _("upgrade selfhelp to read it"),
        )
        return True
    return False


def _kind(rec: Rec) -> str | None:
    """The kind as written, or the one its keys say when it is missing or wrong."""
    kind = rec.get("kind")
    if kind is not None or "kind" not in rec.errors:
        return kind
    if "nodes" in rec.key_pos or "start" in rec.key_pos:
        return "troubleshooter"
    if "steps" in rec.key_pos:
        return "tutorial"
    return None


def _build(rec: Rec, rep: Reporter, path: Path, origin: str, broken: checks.Broken) -> Guide:
    kind = _kind(rec)
    written = rec.get("kind")
    nodes: dict[str, Node] = {}
    start = rec.get("start")
    if kind == "troubleshooter":
        if written == kind:
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
                    broken.top.setdefault(key, rep.items[-1])
                    if key == "nodes":
                        broken.graph = rep.items[-1]
        _build_nodes(rec, nodes, broken)
    elif kind == "tutorial":
        if written == kind:
            for key in ("start", "nodes"):
                if key in rec.key_pos:
                    rep.error(
                        rec.key_pos[key],
                        "wrong-kind-key",
                        _("'{key}' belongs to troubleshooters; a tutorial has 'steps'").format(
                            key=key
                        ),
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
            if step.errors:
                broken.fields[step_id] = set(step.errors)
            nodes[step_id] = node
        start = ids[0] if ids else TUTORIAL_END
        nodes[TUTORIAL_END] = OutcomeNode(TUTORIAL_END, "", rec.pos, result="completed")
    else:
        broken.graph = rec.errors.get("kind") or broken.graph
    tests = []
    for i, t in enumerate(rec.get("tests", [])):
        if t.errors:
            broken.tests.add(i)
        path_items, answer_items = t.get("path", []), t.get("answers", [])
        tests.append(
            GuideTest(
                t.get("name", ""),
                tuple(answer_items),
                t.get("outcome"),
                t.get("node"),
                t.pos,
                tuple(path_items),
                tuple(facts_of(t.get("facts")).items()),
                path_pos=tuple(getattr(path_items, "pos", ())),
                answer_pos=tuple(getattr(answer_items, "pos", ())),
            )
        )
    if getattr(rec.get("tests"), "dropped", 0):
        broken.tests.update(range(len(tests)))  # which test was dropped is unknown
    return Guide(
        id=rec.get("id") or "",
        title=rec.get("title") or "",
        kind=kind or "troubleshooter",
        start=start or "",
        nodes=nodes,
        version=rec.get("version", 1),
        summary=rec.get("summary") or "",
        tags=tuple(rec.get("tags", [])),
        symptoms=tuple(rec.get("symptoms", [])),
        lang=rec.get("lang", "en"),
        tests=tuple(tests),
        redact=tuple(rec.get("redact", [])),
        path=path,
        origin=origin,
        key_pos={**rec.key_pos, **{f"{k}@value": v for k, v in rec.value_pos.items()}},
    )


def _build_nodes(rec: Rec, nodes: dict[str, Node], broken: checks.Broken) -> None:
    """The nodes that could be read, and a stand-in for each that could not."""
    if "nodes" in rec.errors and "nodes" not in rec.values:
        broken.graph = rec.errors["nodes"]  # not even a mapping: nothing to check across
        return
    checked = rec.get("nodes", {})
    for node_id, (kpos, node_rec) in checked.items():
        node = NODE_TYPES[node_rec.values["type"]].build(node_id, node_rec)
        node.pos = kpos
        node.field_pos = dict(node_rec.value_pos)
        nodes[node_id] = node
        if node_rec.errors:
            broken.fields[node_id] = set(node_rec.errors)
    for node_id, (kpos, error, raw) in getattr(checked, "broken", {}).items():
        broken.nodes[node_id] = error
        node_rec = checked[node_id][1] if node_id in checked else None
        broken.learn(node_id, raw, node_rec.errors if node_rec is not None else {})
        if node_id not in nodes:
            nodes[node_id] = UnreadNode(node_id, "", kpos)
            broken.fields[node_id] = {"type"}
