"""What the library keeps of each guide file without its nodes.

A product may ship thousands of guides; the reader opens one or two. The list,
the search and the checks across guides need only a little of each: a card
(`GuideInfo`) and the shape of its links (`GuideLinks`). These are made where
the file is parsed (in a worker process when there are many), so the nodes never
cross a process boundary or stay in memory; a guide's nodes are read when it is
opened (`Library.get`).
"""

from __future__ import annotations

import os
import re
from collections import deque, namedtuple
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..record import field, record
from .diagnostics import Diagnostic, Pos

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from .model import Guide

    _T = TypeVar("_T")

#: A `next` that names another guide: `guide:ID` or `guide:ID#NODE` (here, not in
#: the model, so that reading the library's cache needs no part of the model).
GUIDE_LINK_PREFIX = "guide:"

#: A guide's translation is the file beside it named GUIDE.LANG.po.
PO_SUFFIX = ".po"


def translation_path(guide_path: Path, lang: str) -> Path:
    """`guides/disk-full.yaml` -> `guides/disk-full.nb.po`."""
    return guide_path.with_name(f"{guide_path.stem}.{lang}{PO_SUFFIX}")


_LANG_PART = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]+)?$")


def split_translation_name(path: Path | str) -> tuple[str, str] | None:
    """`disk-full.nb.po` -> ("disk-full", "nb"); None if the name is not GUIDE.LANG.po."""
    name = os.path.basename(path)
    if not name.endswith(PO_SUFFIX):
        return None
    stem, dot, lang = name[: -len(PO_SUFFIX)].rpartition(".")
    if not dot or not stem or not _LANG_PART.match(lang):
        return None
    return stem, lang


#: A card's fields and their defaults (see `GuideInfo`).
_CARD_FIELDS = (
    "id",
    "title",
    "kind",
    "summary",
    "tags",
    "symptoms",
    "version",
    "file",
    "origin",
    "title_lang",
    "wanted_lang",
    "source",
    "steps",
    "outcomes",
    "untranslated",
    "terms",
)
_CARD_DEFAULTS = ("", (), (), 1, None, "", "en", None, None, 0, 0, 0, ())


class GuideInfo(namedtuple("GuideInfo", _CARD_FIELDS, defaults=_CARD_DEFAULTS)):
    """A guide as lists and search show it, in the reader's language. (A tuple: a
    start reads thousands of them from the cache, and tuples unpickle in C. A
    `collections` named tuple: `typing.NamedTuple` would import `typing`.)"""

    __slots__ = ()
    id: str
    title: str
    kind: str
    summary: str
    tags: tuple[str, ...]
    symptoms: tuple[str, ...]
    version: int
    #: The guide's file, as text: a start reads thousands of cards, and making a
    #: Path of each would cost more than the rest of the card.
    file: str | None
    origin: str
    #: The language the title is shown in, and the one the reader asked for (None
    #: when the guide was not localized): lists name the language when they differ.
    title_lang: str
    wanted_lang: str | None
    #: The card as written, when shown translated: search finds the guide by both.
    source: GuideInfo | None
    #: How big the guide is, for the home screen's detail pane (so it never opens a
    #: guide to say so): a tutorial's steps, or a troubleshooter's questions, steps
    #: and checks; its outcomes.
    steps: int
    outcomes: int
    #: Of the nodes with text, how many are shown in the source language although
    #: the reader asked for another (0 when shown as asked).
    untranslated: int
    #: What search compares, in every language the guide has (guides/textsearch.py).
    terms: tuple[str, ...]

    @classmethod
    def of(cls, guide: Guide, terms: bool = True) -> GuideInfo:
        loc = guide.localization
        nodes = guide.nodes
        if guide.is_tutorial:
            steps = len(guide.step_ids())
        else:
            steps = sum(1 for n in nodes.values() if not (n.is_auto or n.is_outcome))
        untranslated = 0
        if loc is not None:
            untranslated = sum(
                1
                for node_id, n in nodes.items()
                if (n.text.strip() or n.title) and guide.falls_back(node_id)
            )
        if terms:
            from .textsearch import guide_terms
        return cls(
            id=guide.id,
            title=guide.title,
            kind=guide.kind,
            summary=guide.summary,
            tags=guide.tags,
            symptoms=guide.symptoms,
            version=guide.version,
            file=str(guide.path) if guide.path is not None else None,
            origin=guide.origin,
            title_lang=guide.shown_lang(),
            wanted_lang=loc.lang if loc is not None else None,
            source=(
                cls.of(loc.source, terms=False)
                if loc is not None and loc.source is not guide
                else None
            ),
            steps=steps,
            outcomes=sum(1 for n in nodes.values() if n.is_outcome and not guide.is_tutorial),
            untranslated=untranslated,
            terms=guide_terms(guide) if terms else (),
        )

    @property
    def is_tutorial(self) -> bool:
        return self.kind == "tutorial"

    @property
    def path(self) -> Path | None:
        return Path(self.file) if self.file is not None else None

    def variants(self) -> list[GuideInfo]:
        return [self] if self.source is None else [self, self.source]

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "version": self.version,
            "source": self.origin,
        }


#: A place in the library: (guide id, node id).
Place = tuple[str, str]


def closure(seeds: Iterable[_T], nexts: Mapping[_T, Iterable[_T]]) -> set[_T]:
    """Everything reached from `seeds` along `nexts` (seeds included). With the
    edges reversed: every node that can get to one of the seeds."""
    seen: set[_T] = set()
    queue = deque(seeds)
    while queue:
        here = queue.popleft()
        if here not in seen:
            seen.add(here)
            queue.extend(nexts.get(here, ()))
    return seen


@record(slots=True)
class GuideLinks:
    """The shape of a guide's links, enough to check links between guides.

    Most nodes reach an outcome inside their own guide; only the others (`stuck`)
    can depend on links into other guides, so only their edges are kept."""

    start: str
    node_ids: tuple[str, ...]
    #: Every `guide:` link: its target as written, and where.
    external: list[tuple[str, Pos]] = field(default_factory=list)
    #: Node id -> (where it is written, its places: same-guide node ids as
    #: ("", node), other guides as (guide id, node id or "" for the start)).
    stuck: dict[str, tuple[Pos, tuple[Place, ...]]] = field(default_factory=dict)

    @classmethod
    def of(cls, guide: Guide) -> GuideLinks:
        preds: dict[str, list[str]] = {}
        ends: list[str] = []
        external: list[tuple[str, Pos]] = []
        edges: dict[str, list[Place]] = {}
        for node_id, node in guide.nodes.items():
            if node.is_outcome:
                ends.append(node_id)
            out = edges[node_id] = []
            for link in node.links():
                if link.is_external:
                    external.append((link.target, link.pos))
                    target_id, target_node = link.split_external()
                    out.append((target_id, target_node or ""))
                else:
                    preds.setdefault(link.target, []).append(node_id)
                    out.append(("", link.target))
        can_end = closure(ends, preds)
        stuck = {
            node_id: (node.pos, tuple(edges[node_id]))
            for node_id, node in guide.nodes.items()
            if node_id not in can_end
        }
        return cls(guide.start, tuple(guide.nodes), external, stuck)


@record
class FileEntry:
    """One guide file of the library: what it holds and what is wrong with it."""

    #: The file, as text (see GuideInfo.file); `path` makes a Path of it.
    file: str
    origin: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The guide id as written, even when the guide failed to load.
    guide_id: str | None = None
    #: None when the file holds no usable guide.
    info: GuideInfo | None = None
    #: Only while the library checks links between guides (not kept, not cached).
    links: GuideLinks | None = None
    #: validate: the translation checks, reported only if the guide stays usable.
    later: list[Diagnostic] = field(default_factory=list)
    #: The guide itself, only when asked for (`LoadMode.keep_guides`); never cached.
    guide: Guide | None = field(default=None, repr=False, compare=False)
    #: Where the guide's id is written (for a duplicate id found across files).
    id_pos: Pos | None = None
    #: The identity of the file, and of its translation into the reader's language,
    #: when they were read (guides/cache.py reuses the entry while they match).
    identity: Any = None

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def ok(self) -> bool:
        return self.info is not None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def fail(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)
        self.info = None
        self.later = []
