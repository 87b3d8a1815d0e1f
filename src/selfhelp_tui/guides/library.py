"""The library: every guide from every folder, with what could not be loaded.

Folders are read in order (bundled, the user's folder, SELFHELP_GUIDES, then
--guides); a later folder overrides an earlier one by guide id. A broken file
never stops the others: it is kept in `failures` with its diagnostics.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _, current_language, use_language
from .cache import LoadCache, identity_of
from .diagnostics import Diagnostic, Pos, Reporter, did_you_mean
from .loader import LoadResult, display_path, load_guide
from .model import Guide

GUIDE_SUFFIXES = (".yaml", ".yml")
#: Files in a guide folder that are not guides (the pack manifest).
RESERVED_NAMES = {"selfhelp.yaml", "selfhelp.yml"}


@dataclass(frozen=True)
class Source:
    """A folder (or a single file) of guides and how the list names it."""

    path: Path
    origin: str


@dataclass
class Library:
    guides: dict[str, Guide] = field(default_factory=dict)
    results: list[LoadResult] = field(default_factory=list)
    #: Diagnostics that belong to no single file load (a skipped link, a missing folder).
    extra: list[Diagnostic] = field(default_factory=list)

    @property
    def failures(self) -> list[LoadResult]:
        return [r for r in self.results if not r.ok]

    def diagnostics(self) -> list[Diagnostic]:
        out = [d for r in self.results for d in r.diagnostics] + self.extra
        return sorted(out, key=Diagnostic.sort_key)

    def get(self, guide_id: str) -> Guide | None:
        return self.guides.get(guide_id)

    def sorted_guides(self) -> list[Guide]:
        return sorted(self.guides.values(), key=lambda g: (g.kind != "troubleshooter", g.title))


def bundled_guides_dir() -> Path:
    """The guides shipped with the package (in a wheel) or the repo's `guides/`."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "bundled_guides"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "guides"


def guide_files(
    folder: Path, extra: list[Diagnostic] | None = None, suffixes: tuple[str, ...] = GUIDE_SUFFIXES
) -> list[Path]:
    """Guide files (or, with `suffixes`, other files: translations) under a folder,
    sorted, skipping hidden folders and links that point outside it (a guide pack
    must not reach into the rest of the disk)."""
    if folder.is_file():
        return [folder]
    root = folder.resolve()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.endswith(suffixes) or name in RESERVED_NAMES or name.startswith("."):
                continue
            path = Path(dirpath) / name
            skip = None
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                skip = (
                    "link-outside-folder",
                    _("skipped: a link to a file outside the guide folder"),
                )
            elif path.exists() and not path.is_file():
                # A FIFO or device would block or stream forever when read.
                skip = ("not-a-file", _("skipped: not a regular file"))
            if skip is not None:
                if extra is not None:
                    rep = Reporter(display_path(path))
                    rep.warning(Pos(1, 1), skip[0], skip[1])
                    extra.extend(rep.items)
                continue
            found.append(path)
    return found


#: Below this many files, worker processes cost more than they save.
PARALLEL_MIN_FILES = 64


def _load_one(job: tuple[Path, str]) -> LoadResult:
    return load_guide(*job)


def _start_worker(lang: str) -> None:
    """A worker process speaks the reader's language too: a spawned (not forked)
    process starts with none installed, and diagnostics are translated when made."""
    if current_language() != lang:
        use_language(lang)
    gc.disable()  # as in load_library: parsing makes no cycles, only many objects


def _load_all(jobs: list[tuple[Path, str]], workers: int) -> list[LoadResult]:
    """Parse files in worker processes when there are many (each guide is parsed
    alone, so the work splits cleanly); in order, as a serial load would give."""
    if workers <= 1 or len(jobs) < PARALLEL_MIN_FILES:
        return [_load_one(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(current_language(),)
        ) as pool:
            return list(pool.map(_load_one, jobs, chunksize=max(8, len(jobs) // (workers * 8))))
    except (OSError, RuntimeError):  # no processes here (a sandbox): load in this one
        return [_load_one(job) for job in jobs]


def _load_cached(
    jobs: list[tuple[Path, str]], workers: int, cache: LoadCache | None
) -> list[LoadResult]:
    """Results for every job, from the cache where the file has not changed; the
    rest are parsed (in workers when many) and cached."""
    if cache is None:
        return _load_all(jobs, workers)
    results: list[LoadResult | None] = [cache.get(path, origin) for path, origin in jobs]
    todo = [i for i, r in enumerate(results) if r is None]
    identities = {i: identity_of(jobs[i][0]) for i in todo}  # before reading
    for i, result in zip(todo, _load_all([jobs[i] for i in todo], workers), strict=True):
        cache.put(jobs[i][0], jobs[i][1], result, identities[i])
        results[i] = result
    cache.save()
    return [r for r in results if r is not None]


def load_library(
    sources: Sequence[Source],
    *,
    override: bool = True,
    workers: int = 1,
    cache: Path | None = None,
) -> Library:
    """Load every guide of every source. With `override`, a later source replaces an
    earlier guide of the same id; without it (validate), a second id is an error.
    `workers` > 1 parses large libraries in that many processes; `cache` names the
    file that keeps loaded files between runs (guides/cache.py)."""
    lib = Library()
    per_source: list[tuple[Source, list[Path]]] = []
    for source in sources:
        if not source.path.exists():
            rep = Reporter(display_path(source.path))
            rep.error(Pos(1, 1), "no-such-path", _("no such file or folder"))
            lib.extra.extend(rep.items)
            continue
        per_source.append((source, guide_files(source.path, lib.extra)))
    load_cache = LoadCache(cache, current_language()) if cache is not None else None
    jobs = [(path, s.origin) for s, paths in per_source for path in paths]
    # Loading makes hundreds of thousands of objects that all live on; the cyclic
    # collector would walk them again and again while they are made and checked
    # (several times the work itself). Nothing here makes garbage cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _fill(lib, per_source, iter(_load_cached(jobs, workers, load_cache)), override)
    finally:
        if collecting:
            gc.enable()
    return lib


def _fill(
    lib: Library,
    per_source: list[tuple[Source, list[Path]]],
    loaded: Iterator[LoadResult],
    override: bool,
) -> None:
    for _source, paths in per_source:
        seen_here: dict[str, LoadResult] = {}
        for _path in paths:
            result = next(loaded)
            lib.results.append(result)
            guide = result.guide
            if guide is None:
                continue
            first = seen_here.get(guide.id) or (None if override else _result_for(lib, guide.id))
            if first is not None:
                _duplicate(result, first)
                continue
            seen_here[guide.id] = result
            lib.guides[guide.id] = guide
    _check_guide_links(lib)
    _check_way_out_across_guides(lib)


def _result_for(lib: Library, guide_id: str) -> LoadResult | None:
    guide = lib.guides.get(guide_id)
    return next((r for r in lib.results if r.guide is guide), None) if guide else None


def _duplicate(result: LoadResult, first: LoadResult) -> None:
    rep = Reporter(display_path(result.path))
    assert result.guide is not None
    rep.error(
        result.guide.key_pos.get("id@value", Pos()),
        "duplicate-id",
        _("guide id '{id}' is already used by {path}").format(
            id=result.guide.id, path=display_path(first.path)
        ),
    )
    result.diagnostics.extend(rep.items)
    result.guide = None


def _check_guide_links(lib: Library) -> None:
    """`guide:ID#NODE` targets must exist. A guide whose link is broken is moved to
    the failures, and so on until no broken link is left."""
    changed = True
    while changed:
        changed = False
        for result in lib.results:
            guide = result.guide
            if guide is None:
                continue
            rep = Reporter(display_path(result.path))
            for node in guide.nodes.values():
                for link in node.links():
                    if link.is_external:
                        _check_one_link(lib, link.target, link.pos, rep)
            if rep.items:
                result.diagnostics.extend(rep.items)
                if rep.has_errors:
                    result.guide = None
                    lib.guides.pop(guide.id, None)
                    changed = True


def _check_way_out_across_guides(lib: Library) -> None:
    """Each guide alone may look fine while guide links loop between guides with no
    outcome anywhere (A -> guide:B -> guide:A). Walk the whole library's graph."""
    from collections import defaultdict, deque

    preds: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    ends: list[tuple[str, str]] = []
    for guide in lib.guides.values():
        for node_id, node in guide.nodes.items():
            here = (guide.id, node_id)
            if node.is_outcome:
                ends.append(here)
            for link in node.links():
                if link.is_external:
                    target_id, target_node = link.split_external()
                    target = lib.guides.get(target_id)
                    if target is None:
                        continue
                    preds[(target.id, target_node or target.start)].append(here)
                else:
                    preds[(guide.id, link.target)].append(here)
    can_end: set[tuple[str, str]] = set()
    queue = deque(ends)
    while queue:
        here = queue.popleft()
        if here not in can_end:
            can_end.add(here)
            queue.extend(preds[here])
    for result in lib.results:
        guide = result.guide
        if guide is None:
            continue
        stuck = [n for n in guide.nodes.values() if (guide.id, n.id) not in can_end]
        if not stuck:
            continue
        rep = Reporter(display_path(result.path))
        for node in stuck:
            rep.error(
                node.pos,
                "no-way-out",
                _(
                    "node '{node}' leads only through links between guides that never "
                    "reach an outcome"
                ).format(node=node.id),
                _("give one of the linked guides a way to an outcome"),
            )
        result.diagnostics.extend(rep.items)
        result.guide = None
        lib.guides.pop(guide.id, None)


def _check_one_link(lib: Library, target: str, pos: Pos, rep: Reporter) -> None:
    from .model import Link

    guide_id, node_id = Link(target, pos).split_external()
    other = lib.guides.get(guide_id)
    if other is None:
        rep.error(
            pos,
            "unknown-guide",
            _("'{target}' links to guide '{guide}', which is not in the library").format(
                target=target, guide=guide_id
            ),
            did_you_mean(guide_id, list(lib.guides)),
        )
    elif node_id is not None and node_id not in other.nodes:
        rep.error(
            pos,
            "unknown-node",
            _("'{target}': node '{node}' is not a node of guide '{guide}'").format(
                target=target, node=node_id, guide=guide_id
            ),
            did_you_mean(node_id, list(other.nodes)),
        )


def sources_from(
    extra_dirs: Iterable[str | Path] = (),
    env: dict[str, str] | None = None,
    user_dir: Path | None = None,
    include_bundled: bool = True,
) -> list[Source]:
    """The folders of the library, in override order."""
    env = dict(os.environ) if env is None else env
    out: list[Source] = []
    if include_bundled:
        out.append(Source(bundled_guides_dir(), "bundled"))
    if user_dir is not None and user_dir.is_dir():
        out.append(Source(user_dir, "user"))
    for part in env.get("SELFHELP_GUIDES", "").split(os.pathsep):
        if part.strip():
            out.append(Source(Path(part.strip()).expanduser(), part.strip()))
    for d in extra_dirs:
        out.append(Source(Path(d).expanduser(), str(d)))
    return out
