"""The guide model: what a loaded guide is, independent of any frontend.

A node type is a class with its own spec (what a writer may put in it) and the
links it makes (`targets`); the loader, validator, engine and JSON Schema all
work from `NODE_TYPES`, so a new node type is one local change here.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import N_
from ..record import field, record, replace
from .diagnostics import Pos
from .index import GUIDE_LINK_PREFIX
from .spec import (
    AnyOf,
    Const,
    Enum,
    Field,
    Id,
    Int,
    ListOf,
    MapOf,
    NodeId,
    Params,
    Rec,
    Record,
    Str,
    Tagged,
)

FORMAT_VERSION = 1
KINDS = ("troubleshooter", "tutorial")
RESULTS = ("resolved", "unresolved", "escalate")
#: Every way a walk can end; tutorials end `completed`.
OUTCOMES = (*RESULTS, "completed")
#: Id of the outcome a tutorial reaches after its last step (not a valid writer id).
TUTORIAL_END = "_completed"


def Text(description: str) -> Str:
    return Str(description=description, markdown=True, lenient=True)


NEXT = Str(
    description=(
        "Where to go next: a node id of this guide, `guide:OTHER-ID` for the start of "
        "another guide, or `guide:OTHER-ID#NODE` for a node in it."
    ),
    lenient=True,
)


@record(frozen=True)
class Link:
    """A `next` as written, and where."""

    target: str
    pos: Pos

    @property
    def is_external(self) -> bool:
        return self.target.startswith(GUIDE_LINK_PREFIX)

    def split_external(self) -> tuple[str, str | None]:
        """`guide:ID#NODE` -> (ID, NODE or None)."""
        rest = self.target[len(GUIDE_LINK_PREFIX) :]
        guide_id, _, node = rest.partition("#")
        return guide_id, node or None


#: Facts a choice or a check records for `branch` nodes: `set: {printer: usb}`.
FACT_NAME = r"^[a-z][a-z0-9_-]*$"
FACT_KEY = Str(
    description="A fact name.",
    pattern=FACT_NAME,
    pattern_help=N_("use lower-case letters, digits, - and _"),
)
FACTS = MapOf(
    Str(description="The value the fact takes.", lenient=True),
    key=FACT_KEY,
    description="Facts to record (name: value), for `branch` nodes to route on.",
    key_noun=N_("fact name"),
    item_noun=N_("fact"),
)
#: Facts every walk knows without being told, with the values each can take (see
#: machine.py): a `when` testing another value can never match.
BUILTIN_FACTS: dict[str, tuple[str, ...]] = {
    "os": ("linux", "macos", "windows"),
    "pkg": ("apt", "dnf", "zypper", "pacman", "apk", "brew"),
    "init": ("systemd", "other"),
    "distro": (),  # the os-release ID as it is (ubuntu, debian, fedora, ...): any value
}


def facts_of(checked: dict[str, tuple[Pos, Any]] | None) -> dict[str, str]:
    if not checked:
        return {}
    return {k: str(v) for k, (_pos, v) in checked.items()}


@record(frozen=True)
class Choice:
    label: str
    next: Link
    pos: Pos
    #: Facts this answer records (`set:`), for `branch` nodes.
    sets: tuple[tuple[str, str], ...] = ()


CHOICE = Record(
    description="One answer the reader can pick.",
    noun=N_("choice"),
    fields=(
        Field("label", Str(description="The answer as shown.", lenient=True), required=True),
        Field("next", NEXT, required=True),
        Field("set", FACTS),
    ),
)


def build_choices(recs: list[Rec]) -> list[Choice]:
    return [
        Choice(
            c.get("label", ""),
            Link(c.get("next", ""), c.where("next")),
            c.pos,
            tuple(facts_of(c.get("set")).items()),
        )
        for c in recs
        if "label" in c.values and "next" in c.values
    ]


CAUTION = Str(
    description=(
        'A safety warning shown set apart ("Unplug the mains cable first"); the walk '
        "goes on only after the reader acknowledges it."
    ),
    markdown=True,
    # A bare number (`caution: 12`) is never a warning a reader could act on.
)


@record
class Node:
    """A point in a guide. Subclasses say what a writer may put in it."""

    id: str
    text: str
    pos: Pos
    title: str | None = None
    #: Where each key of the node was written (for diagnostics).
    field_pos: dict[str, Pos] = field(default_factory=dict, repr=False, compare=False)
    #: A safety warning the reader must acknowledge before going on.
    caution: str | None = None

    type: ClassVar[str]
    spec: ClassVar[Record]

    def links(self) -> list[Link]:
        """Every `next` this node can lead to, in order."""
        return []

    def link_labels(self) -> list[str]:
        """What takes each link of `links()`, in the same order, as a writer reads it
        (a choice's label, `pass`, `default`...): graphs and coverage name edges so."""
        return ["next"] * len(self.links())

    @property
    def is_outcome(self) -> bool:
        return False

    @property
    def is_auto(self) -> bool:
        """Decided by the engine alone, never shown (a `branch`)."""
        return False

    def strings(self) -> list[tuple[str, str, Pos]]:
        """Every text a reader sees here, keyed for translation files: (key, text,
        where written). A node type with more text adds its own."""
        out: list[tuple[str, str, Pos]] = []
        if self.title:
            out.append(("title", self.title, self.field_pos.get("title", self.pos)))
        if self.text.strip():
            # `text: |` ends with a newline; translators should not have to copy it.
            out.append(("text", self.text.rstrip("\n"), self.field_pos.get("text", self.pos)))
        if self.caution and self.caution.strip():
            out.append(
                ("caution", self.caution.rstrip("\n"), self.field_pos.get("caution", self.pos))
            )
        return out

    def translated(self, texts: dict[str, str]) -> Node:
        """This node with the texts of `strings()` replaced (same keys)."""
        changes: dict[str, Any] = {k: texts[k] for k in ("title", "text", "caution") if k in texts}
        return replace(self, **changes)

    @classmethod
    def build(cls, node_id: str, rec: Rec) -> Node:  # pragma: no cover - per type
        raise NotImplementedError


@record
class QuestionNode(Node):
    choices: list[Choice] = field(default_factory=list)

    type: ClassVar[str] = "question"
    spec: ClassVar[Record] = Record(
        description="Asks the reader something and branches on the answer.",
        noun=N_("question"),
        passthrough=("type",),
        fields=(
            Field("text", Text("The question, in Markdown."), required=True),
            Field(
                "choices",
                ListOf(
                    CHOICE,
                    description="The answers, in the order shown (digits 1-9 pick them).",
                    min_items=1,
                ),
                required=True,
            ),
        ),
    )

    def links(self) -> list[Link]:
        return [c.next for c in self.choices]

    def link_labels(self) -> list[str]:
        return [c.label for c in self.choices]

    def strings(self) -> list[tuple[str, str, Pos]]:
        return super().strings() + [
            (f"choices/{i}/label", c.label, c.pos) for i, c in enumerate(self.choices)
        ]

    def translated(self, texts: dict[str, str]) -> Node:
        node = super().translated(texts)
        choices = [
            replace(c, label=texts.get(f"choices/{i}/label", c.label))
            for i, c in enumerate(self.choices)
        ]
        return replace(node, choices=choices)

    @classmethod
    def build(cls, node_id: str, rec: Rec) -> Node:
        return cls(
            node_id, rec.get("text", ""), rec.pos, choices=build_choices(rec.get("choices", []))
        )


@record
class StepNode(Node):
    next: Link | None = None

    type: ClassVar[str] = "step"
    spec: ClassVar[Record] = Record(
        description="An instruction to carry out; then the walk continues.",
        noun=N_("step"),
        passthrough=("type",),
        fields=(
            # In the order the reader sees them (`selfhelp fmt` writes them so).
            Field("caution", CAUTION),
            Field("text", Text("What to do, in Markdown."), required=True),
            Field("next", NEXT, required=True),
        ),
    )

    def links(self) -> list[Link]:
        return [self.next] if self.next else []

    @classmethod
    def build(cls, node_id: str, rec: Rec) -> Node:
        nxt = Link(rec.get("next"), rec.where("next")) if "next" in rec.values else None
        return cls(node_id, rec.get("text", ""), rec.pos, next=nxt, caution=rec.get("caution"))


@record
class OutcomeNode(Node):
    result: str = "resolved"

    type: ClassVar[str] = "outcome"
    spec: ClassVar[Record] = Record(
        description="Ends the walk and says how it ended.",
        noun=N_("outcome"),
        passthrough=("type",),
        fields=(
            Field(
                "result",
                Enum(RESULTS, description="How the walk ended for the reader."),
                required=True,
            ),
            Field(
                "text", Text("What the reader should know at the end, in Markdown."), required=True
            ),
        ),
    )

    @property
    def is_outcome(self) -> bool:
        return True

    @classmethod
    def build(cls, node_id: str, rec: Rec) -> Node:
        return cls(node_id, rec.get("text", ""), rec.pos, result=rec.get("result", "resolved"))


def _probe_names() -> tuple[str, ...]:
    from ..probes import PROBES  # the registry of probes (no I/O on import)

    return tuple(PROBES)


#: Scripted answers at a check node: what the probe would have said.
CHECK_PASS, CHECK_FAIL = "pass", "fail"


@record
class CheckNode(Node):
    """Looks at the machine (probes/) and goes on by the result. When the
    probe cannot decide here (not available, declined, timed out) the reader
    answers the fallback question instead: a walk never stops on a probe.

    Its options, in order: pass, fail, then the fallback's choices."""

    probe: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    on_pass: Link | None = None
    on_fail: Link | None = None
    fallback_text: str = ""
    fallback: list[Choice] = field(default_factory=list)

    type: ClassVar[str] = "check"
    spec: ClassVar[Record] = Record(
        description="Checks the machine itself and branches on the result.",
        noun=N_("check"),
        passthrough=("type",),
        fields=(
            Field("text", Text("What is checked and why, in Markdown (optional).")),
            Field(
                "probe",
                Enum(_probe_names, description="What to look at (see docs/guide-format.md)."),
                required=True,
            ),
            Field("with", Params(description="The probe's parameters."), default=dict),
            Field("pass", NEXT, required=True),
            Field("fail", NEXT, required=True),
            Field(
                "fallback",
                Record(
                    description=(
                        "The question for the reader when the probe cannot run here, "
                        "was declined or timed out."
                    ),
                    noun=N_("fallback"),
                    fields=(
                        Field("text", Text("The question, in Markdown."), required=True),
                        Field(
                            "choices",
                            ListOf(CHOICE, description="The answers.", min_items=1),
                            required=True,
                        ),
                    ),
                ),
                required=True,
            ),
        ),
    )

    def links(self) -> list[Link]:
        head = [link for link in (self.on_pass, self.on_fail) if link is not None]
        return head + [c.next for c in self.fallback]

    def link_labels(self) -> list[str]:
        head = [w for w, link in ((CHECK_PASS, self.on_pass), (CHECK_FAIL, self.on_fail)) if link]
        return head + [f"fallback: {c.label}" for c in self.fallback]

    def strings(self) -> list[tuple[str, str, Pos]]:
        pos = self.field_pos.get("fallback", self.pos)
        out = super().strings()
        if self.fallback_text.strip():
            out.append(("fallback/text", self.fallback_text.rstrip("\n"), pos))
        return out + [
            (f"fallback/choices/{i}/label", c.label, c.pos) for i, c in enumerate(self.fallback)
        ]

    def translated(self, texts: dict[str, str]) -> Node:
        node = super().translated(texts)
        fallback = [
            replace(c, label=texts.get(f"fallback/choices/{i}/label", c.label))
            for i, c in enumerate(self.fallback)
        ]
        return replace(
            node,
            fallback_text=texts.get("fallback/text", self.fallback_text),
            fallback=fallback,
        )

    @classmethod
    def build(cls, node_id: str, rec: Rec) -> Node:
        def link(key: str) -> Link | None:
            return Link(rec.get(key), rec.where(key)) if key in rec.values else None

        fallback: Rec | None = rec.get("fallback")
        return cls(
            node_id,
            rec.get("text", "") or "",
            rec.pos,
            probe=rec.get("probe", ""),
            params=dict(rec.get("with") or {}),
            on_pass=link("pass"),
            on_fail=link("fail"),
            fallback_text=fallback.get("text", "") if fallback else "",
            fallback=build_choices(fallback.get("choices", [])) if fallback else [],
        )


@record(frozen=True)
class Case:
    when: tuple[tuple[str, str], ...]
    next: Link
    pos: Pos

    def matches(self, facts: dict[str, str]) -> bool:
        return all(facts.get(name) == value for name, value in self.when)


@record
class BranchNode(Node):
    """Routes by facts, declaratively: the first case whose every `when` fact has
    the given value, else `default`. No expression language, nothing evaluated.
    The reader never sees it; the engine follows it at once."""

    cases: list[Case] = field(default_factory=list)
    default: Link | None = None

    type: ClassVar[str] = "branch"
    spec: ClassVar[Record] = Record(
        description="Goes on by facts (the OS, answers and check results so far).",
        noun=N_("branch"),
        passthrough=("type",),
        fields=(
            Field("text", Text("A note for writers; never shown.")),
            Field(
                "cases",
                ListOf(
                    Record(
                        description="Where to go when every fact has the value given.",
                        noun=N_("case"),
                        fields=(
                            Field(
                                "when",
                                MapOf(
                                    Str(description="The value the fact must have.", lenient=True),
                                    key=FACT_KEY,
                                    description="Facts and the values they must have.",
                                    min_items=1,
                                    key_noun=N_("fact name"),
                                    item_noun=N_("fact"),
                                ),
                                required=True,
                            ),
                            Field("next", NEXT, required=True),
                        ),
                    ),
                    description="Tried in order; the first that matches is taken.",
                    min_items=1,
                ),
                required=True,
            ),
            Field("default", NEXT, required=True),
        ),
    )

    @property
    def is_auto(self) -> bool:
        return True

    def strings(self) -> list[tuple[str, str, Pos]]:
        return []  # never shown

    def links(self) -> list[Link]:
        return [c.next for c in self.cases] + ([self.default] if self.default else [])

    def link_labels(self) -> list[str]:
        cases = [", ".join(f"{name}={value}" for name, value in c.when) for c in self.cases]
        return cases + (["default"] if self.default else [])

    def route(self, facts: dict[str, str]) -> int:
        """The index of the link to take."""
        for i, case in enumerate(self.cases):
            if case.matches(facts):
                return i
        return len(self.cases)

    @classmethod
    def build(cls, node_id: str, rec: Rec) -> Node:
        cases = [
            Case(
                tuple(facts_of(c.get("when")).items()), Link(c.get("next"), c.where("next")), c.pos
            )
            for c in rec.get("cases", [])
            if "when" in c.values and "next" in c.values
        ]
        default = (
            Link(rec.get("default"), rec.where("default")) if "default" in rec.values else None
        )
        return cls(node_id, rec.get("text", "") or "", rec.pos, cases=cases, default=default)


NODE_TYPES: dict[str, type[Node]] = {
    t.type: t for t in (QuestionNode, StepNode, CheckNode, BranchNode, OutcomeNode)
}


@record
class UnreadNode(Node):
    """A node the loader could not read (no `type`, an unknown one, not a mapping).
    Only ever in a guide that failed to load: it lets the checks across nodes know
    the node exists, so a link to it is not reported as unknown."""

    type: ClassVar[str] = "?"


def _target_keys(spec: object, out: set[str]) -> set[str]:
    """The keys whose value is a `next` (a link), anywhere in a spec."""
    if isinstance(spec, Record):
        for f in spec.fields:
            if f.spec is NEXT:
                out.add(f.name)
            else:
                _target_keys(f.spec, out)
    elif isinstance(spec, ListOf):
        _target_keys(spec.item, out)
    return out


#: Keys that hold links, at any depth of any node type (`next`, `pass`, `default`,
#: ...): what a broken node still tells about where it leads.
TARGET_KEYS = frozenset(key for cls in NODE_TYPES.values() for key in _target_keys(cls.spec, set()))
#: The keys of a node that hold its links or lists of them (`choices`, `cases`,
#: `fallback`, `next`...), for every node type, and `type`: an error in one of them
#: makes the node's links untrustworthy.
LINK_FIELDS = frozenset(
    {"type"}
    | {
        f.name
        for cls in NODE_TYPES.values()
        for f in cls.spec.fields
        if f.spec is NEXT or _target_keys(f.spec, set())
    }
)

TUTORIAL_STEP = Record(
    description="One step of a tutorial.",
    noun=N_("tutorial step"),
    fields=(
        Field("id", NodeId("An optional id for the step (default: step-N)."), required=False),
        Field("title", Str(description="The step's heading.", lenient=True), required=True),
        Field("caution", CAUTION),
        Field("text", Text("The step's content, in Markdown."), required=True),
    ),
)

ANSWER = AnyOf(
    (
        Int(description="The 1-based number of the choice.", minimum=1),
        Str(description="A choice label exactly as written, or `next` for a step."),
    ),
    description="One answer: a choice number, a choice label, or `next` for a step.",
    expected=N_("a choice number or a choice label"),
)

GUIDE_TEST = Record(
    description="A walk through the guide and where it must end.",
    noun=N_("test"),
    fields=(
        # In the order a test reads: what it is, on which facts, the walk, where it ends.
        Field("name", Str(description="What the test checks.", lenient=True), required=True),
        Field("facts", FACTS),
        Field(
            "path",
            ListOf(
                Str(
                    description="A node id, or GUIDE-ID#NODE-ID in a linked guide.",
                    pattern=r"^([a-z0-9][a-z0-9-]*#)?[A-Za-z0-9][A-Za-z0-9_-]*$",
                    pattern_help=N_("a node id, or GUIDE-ID#NODE-ID"),
                ),
                description=(
                    "Nodes to walk through, in order, starting at the start node; the "
                    "choice leading to each is taken, so reordering choices keeps the "
                    "test valid. Nodes of linked guides are written GUIDE-ID#NODE-ID."
                ),
            ),
            default=list,
        ),
        Field(
            "answers",
            ListOf(ANSWER, description="The answers given, one per node walked (after `path`)."),
            default=list,
        ),
        Field(
            "outcome",
            Enum(OUTCOMES, description="The outcome the answers must reach."),
        ),
        Field("node", NodeId("The node the answers must stop on."), required=False),
    ),
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar


def guide_spec() -> Record:
    """The top-level spec of a guide file (built on call so NODE_TYPES can grow)."""
    node = Tagged(
        "type",
        {name: cls.spec for name, cls in NODE_TYPES.items()},
        description="A node: its `type` says which other keys it takes.",
    )
    return Record(
        title="selfhelp guide",
        description="A selfhelp-tui guide: a troubleshooter (a tree of nodes) or a tutorial.",
        noun=N_("the guide"),
        fields=(
            Field(
                "format",
                Const(FORMAT_VERSION, description="The guide format version; always 1."),
                required=True,
            ),
            Field("id", Id("The guide's id, unique in the library."), required=True),
            Field(
                "version",
                Int(
                    description="The guide's own version; raise it when you change its paths.",
                    minimum=1,
                ),
                default=1,
            ),
            Field(
                "kind",
                Enum(KINDS, description="A troubleshooter (a tree) or a tutorial (steps)."),
                required=True,
            ),
            Field(
                "title", Str(description="The title shown in lists.", lenient=True), required=True
            ),
            Field(
                "summary", Str(description="One or two sentences about the guide.", lenient=True)
            ),
            Field(
                "tags",
                ListOf(Str(description="A tag.", lenient=True), description="Words to browse by."),
                default=list,
            ),
            Field(
                "symptoms",
                ListOf(
                    Str(description="A phrase or error message.", lenient=True),
                    description="What a reader might type or see; search matches them first.",
                ),
                default=list,
            ),
            Field(
                "lang",
                Str(
                    description="The language of the guide text (a code such as en, nb, hu).",
                    pattern=r"^[a-z]{2,3}([_-][A-Za-z0-9]+)?$",
                    pattern_help=N_("use a language code such as en or pt-BR"),
                ),
                default="en",
            ),
            Field("start", NodeId("The first node of a troubleshooter.")),
            Field(
                "nodes",
                MapOf(
                    node,
                    key=NodeId("A node id."),
                    description="The nodes of a troubleshooter, by id.",
                    min_items=1,
                    key_noun=N_("node id"),
                    item_noun=N_("node"),
                ),
            ),
            Field(
                "steps",
                ListOf(
                    TUTORIAL_STEP, description="The steps of a tutorial, in order.", min_items=1
                ),
            ),
            Field(
                "tests",
                ListOf(
                    GUIDE_TEST, description="Walks that must end where they say (selfhelp test)."
                ),
                default=list,
            ),
            Field(
                "redact",
                ListOf(
                    Str(description="A regular expression; group 1, if any, is what is hidden."),
                    description=(
                        "More secrets to hide from check output in the session report, "
                        "besides the built-in patterns (tokens, passwords, keys)."
                    ),
                ),
                default=list,
            ),
        ),
    )


@record
class Localization:
    """What a translated view of a guide shows (made by guides/translate.py)."""

    #: The language the reader asked for.
    lang: str
    #: The guide as written.
    source: Guide
    #: Node id -> the language its text is shown in (the source language where the
    #: translation is missing or stale: the fallback is node by node).
    node_langs: dict[str, str]
    #: The language the title is shown in.
    meta_lang: str
    #: The translation file used, if any.
    path: Path | None = None


@record(frozen=True)
class GuideTest:
    name: str
    answers: tuple[int | str, ...]
    outcome: str | None
    node: str | None
    pos: Pos
    path: tuple[str, ...] = ()
    #: Facts the test walks with (instead of the machine's), e.g. os: linux.
    facts: tuple[tuple[str, str], ...] = ()
    #: Where each item of `path` and of `answers` was written (for diagnostics).
    path_pos: tuple[Pos, ...] = field(default=(), compare=False)
    answer_pos: tuple[Pos, ...] = field(default=(), compare=False)


@record
class Guide:
    id: str
    title: str
    kind: str
    start: str
    nodes: dict[str, Node]
    version: int = 1
    summary: str = ""
    tags: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    lang: str = "en"
    tests: tuple[GuideTest, ...] = ()
    #: Extra secret patterns for check output (`redact:`).
    redact: tuple[str, ...] = ()
    path: Path | None = None
    #: Where the guide came from: "bundled", "user", or the folder it was found in.
    origin: str = ""
    #: Where each top-level key was written (for diagnostics).
    key_pos: dict[str, Pos] = field(default_factory=dict)
    #: Set on a translated view of the guide (guides/translate.py), None on the source.
    localization: Localization | None = field(default=None, repr=False, compare=False)

    @property
    def is_tutorial(self) -> bool:
        return self.kind == "tutorial"

    def shown_lang(self, node_id: str | None = None) -> str:
        """The language a node (without one: the title) is shown in."""
        loc = self.localization
        if loc is None:
            return self.lang
        return loc.meta_lang if node_id is None else loc.node_langs.get(node_id, self.lang)

    def falls_back(self, node_id: str) -> bool:
        """True when the reader asked for a language this node has no translation in."""
        loc = self.localization
        return loc is not None and self.shown_lang(node_id) != loc.lang

    def variants(self) -> list[Guide]:
        """The guide as shown, then as written if that differs: search indexes both,
        so a reader finds it in their language and in the source language."""
        loc = self.localization
        return [self] if loc is None else [self, loc.source]

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def step_ids(self) -> list[str]:
        """Tutorial steps in order (not the closing outcome)."""
        return [n for n in self.nodes if n != TUTORIAL_END]
