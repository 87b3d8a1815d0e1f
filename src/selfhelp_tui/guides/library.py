"""The library: every guide from every folder, with what could not be loaded.

Folders are read in order (bundled, the user's folder, SELFHELP_GUIDES, then
--guides); a later folder overrides an earlier one by guide id, except a bundled
guide: a folder may replace one only when the config says so (`override_bundled`),
otherwise the bundled guide stays and the other file is refused
(`shadows-bundled`), so a pack cannot pass itself off as the product's own guide.
A broken file never stops the others: it is kept in `failures` with its
diagnostics.

The library holds a card per guide (guides/index.py), not its nodes: a guide is
read, checked and translated when it is opened (`get`), or taken as it was last
opened when its file and translation have not changed since (guides/cache.py), so
memory does not grow with the library and an opened guide is never stale.
"""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from ..i18n import _, current_language, use_language
from ..record import field, record
from .cache import identity_of, stat_identity
from .diagnostics import Diagnostic, Pos, Reporter, did_you_mean, display_path
from .index import (
    GUIDE_LINK_PREFIX,
    PO_SUFFIX,
    FileEntry,
    GuideInfo,
    GuideLinks,
    Place,
    closure,
    split_translation_name,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .cache import OpenedCache, SavedCards
    from .loader import LoadResult
    from .model import Guide

GUIDE_SUFFIXES = (".yaml", ".yml")
#: Files in a guide folder that are not guides (the pack manifest).
RESERVED_NAMES = {"selfhelp.yaml", "selfhelp.yml"}


@record(frozen=True)
class Source:
    """A folder (or a single file) of guides and how the list names it."""

    path: Path
    origin: str


@record(frozen=True)
class LoadMode:
    """How each file is read: what a worker keeps of it."""

    #: Show cards in this language (None: as written).
    lang: str | None = None
    #: Keep warnings (validate); the app shows only what failed, and why.
    warnings: bool = True
    #: validate: check each guide's translation files too, into these languages
    #: (None: every file found).
    translations: bool = False
    langs: tuple[str, ...] | None = None
    #: Keep each usable guide as read (`selfhelp test` walks every one of them);
    #: otherwise a guide is read again when opened.
    keep_guides: bool = False
    #: validate: check that each guide's tests fit it (see `load_guide`).
    walk_tests: bool = False
    #: Make each card's search terms (every translation of the guide read and
    #: stemmed): the app's library needs them, validate, test and the guides that
    #: links may point to do not (on 2,000 guides they were a third of validate).
    search: bool = True


class _Guides(Mapping[str, "Guide"]):
    """`library.guides`: every usable guide by id, each read when first asked for."""

    def __init__(self, library: Library) -> None:
        self._library = library

    def __getitem__(self, guide_id: str) -> Guide:
        guide = self._library.get(guide_id)
        if guide is None:
            raise KeyError(guide_id)
        return guide

    def __contains__(self, guide_id: object) -> bool:
        return guide_id in self._library.infos

    def __iter__(self) -> Iterator[str]:
        return iter(self._library.infos)

    def __len__(self) -> int:
        return len(self._library.infos)


@record
class Library:
    #: Every usable guide's card, by id (`infos`; from the cache, unpickled when
    #: first asked for, without their search terms: search with `search_cards`).
    _infos: dict[str, GuideInfo] | None = field(default_factory=dict, repr=False)
    #: Every file's entry, failures included: see `results`.
    _results: list[FileEntry] | None = field(default_factory=list, repr=False)
    #: Diagnostics that belong to no single file load (a skipped link, a missing folder).
    extra: list[Diagnostic] = field(default_factory=list)
    #: The language guides are shown in (None: as written).
    lang: str | None = None
    #: What each source's folder held when the library was read (validate checks
    #: its translation files without walking the folders again).
    scans: list[tuple[Source, Scan]] = field(default_factory=list, repr=False)
    #: Guides read so far (`get`), and why one could not be read again.
    opened: dict[str, Guide] = field(default_factory=dict, repr=False)
    reopen_failures: dict[str, LoadResult] = field(default_factory=dict, repr=False)
    #: From the cache: the entries still unread, and the failing ones apart. A warm
    #: start shows cards and failures only; unpickling all 2,000 entries took 10 ms.
    _saved_results: Callable[[], list[FileEntry]] | None = field(
        default=None, repr=False, compare=False
    )
    _saved_failures: list[FileEntry] = field(default_factory=list, repr=False, compare=False)
    #: Guides as last opened, when the library has a cache (guides/cache.py).
    opened_cache: OpenedCache | None = field(default=None, repr=False, compare=False)
    #: Guide id -> the origin of the guide it replaced (an earlier folder's).
    replaced: dict[str, str] = field(default_factory=dict)

    #: From the cache: the cards still unread, and where each guide's file is, so
    #: a plain walk opens its guide without unpickling 2,000 cards (~13 ms), and the
    #: first screen unpickles only those it shows (`sorted_guides`, `card`).
    _saved_infos: SavedCards | None = field(default=None, repr=False, compare=False)
    _locations: dict[str, tuple[str | None, str]] | None = field(
        default=None, repr=False, compare=False
    )
    _saved_locations: Callable[[], dict[str, tuple[str | None, str]]] | None = field(
        default=None, repr=False, compare=False
    )
    #: From the cache: the cards' search terms, apart (`search_cards`).
    _saved_terms: Callable[[], dict[str, tuple[str, ...]]] | None = field(
        default=None, repr=False, compare=False
    )
    #: Which save of the cache the library is, when it is one as saved (no file
    #: changed since): `check` says whether a first screen shown from it is current.
    saved_stamp: int | None = field(default=None, repr=False, compare=False)
    #: For a library filled from the cache without looking at its files
    #: (`load_library(check_later=True)`): reads it again, properly, and gives the
    #: library as it is now, or None when that is the one shown.
    check: Callable[[], Library | None] | None = field(default=None, repr=False, compare=False)

    @property
    def infos(self) -> dict[str, GuideInfo]:
        if self._infos is None:
            saved = self._saved_infos
            self._infos = saved.all() if saved else {}
        return self._infos

    @infos.setter
    def infos(self, value: dict[str, GuideInfo]) -> None:
        self._infos, self._saved_infos = value, None

    def keep_saved_infos(
        self,
        cards: SavedCards,
        locations: Callable[[], dict[str, tuple[str | None, str]]],
        terms: Callable[[], dict[str, tuple[str, ...]]] | None = None,
    ) -> None:
        """Cards as the cache saved them: read only when asked for, as are where
        each guide is (`location`), and their search terms only when something
        searches (`search_cards`)."""
        self._infos, self._saved_infos, self._locations = None, cards, None
        self._saved_locations, self._saved_terms = locations, terms

    def search_cards(self) -> list[GuideInfo]:
        """The cards in list order with their search terms, for the search index and
        the tags (the first screen needs neither)."""
        if self._saved_terms is not None:
            terms = self._saved_terms()
            self._saved_terms = None
            self._infos = {
                guide_id: card._replace(terms=terms.get(guide_id, card.terms))
                for guide_id, card in self.infos.items()
            }
        return self.sorted_guides()

    def card(self, guide_id: str) -> GuideInfo | None:
        """One guide's card, without unpickling every card."""
        if self._infos is None and self._saved_infos is not None:
            return self._saved_infos.get(guide_id)
        return self.infos.get(guide_id)

    def location(self, guide_id: str) -> tuple[str | None, str] | None:
        """The guide's file and origin, without unpickling every card."""
        if self._infos is None:
            if self._locations is None:
                saved = self._saved_locations
                self._locations = saved() if saved else {}
            return self._locations.get(guide_id)
        info = self._infos.get(guide_id)
        return None if info is None else (info.file, info.origin)

    @classmethod
    def of(cls, guides: Iterable[Guide]) -> Library:
        """A library of guides already in memory (tests, previews)."""
        lib = cls()
        for guide in guides:
            lib.infos[guide.id] = GuideInfo.of(guide)
            lib.opened[guide.id] = guide
        return lib

    @property
    def guides(self) -> Mapping[str, Guide]:
        return _Guides(self)

    @property
    def results(self) -> list[FileEntry]:
        """Every file's entry, in the order the files were read."""
        if self._results is None:
            saved, self._saved_results = self._saved_results, None
            self._results = saved() if saved else []
        return self._results

    def keep_saved_results(
        self, entries: Callable[[], list[FileEntry]], failures: list[FileEntry]
    ) -> None:
        """Entries as the cache saved them: read only when asked for."""
        self._results, self._saved_results, self._saved_failures = None, entries, failures

    @property
    def failures(self) -> list[FileEntry]:
        if self._results is None:
            return list(self._saved_failures)
        return [r for r in self.results if not r.ok]

    def diagnostics(self) -> list[Diagnostic]:
        out = [d for r in self.results for d in (*r.diagnostics, *r.later)] + self.extra
        return sorted(out, key=Diagnostic.sort_key)

    def get(self, guide_id: str) -> Guide | None:
        """The guide, read from its file now (once per library). None if it is not
        in the library, or if its file no longer holds it (changed since the
        library was read): `reopen_failures` then says why."""
        guide = self.opened.get(guide_id)
        if guide is not None:
            return guide
        where = self.location(guide_id)
        if where is None or where[0] is None:
            return None
        file, origin = where
        cache, key = self.opened_cache, None
        if cache is not None:
            key = cache.key(file, origin, self.lang)  # before the file is read
            guide = cache.get(guide_id, key)
            if guide is not None:
                self.opened[guide_id] = guide
                return guide
        from .loader import load_guide

        result = load_guide(Path(file), origin)
        if result.guide is None or result.guide.id != guide_id:
            self.reopen_failures[guide_id] = result
            return None
        guide = result.guide
        if self.lang is not None and self.lang != guide.lang:  # else nothing to translate
            from .translate import localize

            guide = localize(guide, self.lang)
        self.opened[guide_id] = guide
        if cache is not None and key is not None:
            cache.put(guide_id, key, guide)
        return guide

    def sorted_guides(self) -> Sequence[GuideInfo]:
        """Troubleshooters first, then by title. From the cache, in the order saved,
        each card unpickled as it is reached (a first screen shows 20 of 10,000)."""
        if self._infos is None and self._saved_infos is not None:
            return self._saved_infos.in_order()
        return sorted(self.infos.values(), key=lambda g: (g.kind != "troubleshooter", g.title))


def bundled_guides_dir() -> Path:
    """The guides shipped with the package (in a wheel) or the repo's `guides/`."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "bundled_guides"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "guides"


@record
class Scan:
    """What one walk of a source folder found (as text: a warm start of a big
    library makes no Path of any file)."""

    guide_files: list[str] = field(default_factory=list)
    translation_files: list[str] = field(default_factory=list)
    #: Every file found and its identity (size, times, inode): the library cache's key.
    identities: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    @property
    def guides(self) -> list[Path]:
        return [Path(name) for name in self.guide_files]

    @property
    def translations(self) -> list[Path]:
        return [Path(name) for name in self.translation_files]


def scan_folder(folder: Path, extra: list[Diagnostic] | None = None) -> Scan:
    """Guide and translation files under a folder, sorted, skipping hidden folders
    and links that point outside it (a guide pack must not reach into the rest of
    the disk). One directory listing and one `stat` per file: a big library is
    scanned on every start."""
    scan = Scan()
    if folder.is_file():
        scan.guide_files.append(str(folder))
        _identify(scan, str(folder))
        return scan
    root = folder.resolve()

    def walk(here: str) -> None:
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                subdirs.append(entry.path)
                continue
            is_guide = name.endswith(GUIDE_SUFFIXES) and name not in RESERVED_NAMES
            if not is_guide and not name.endswith(PO_SUFFIX):
                continue
            skip = None
            if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(root):
                skip = (
                    "link-outside-folder",
                    _("skipped: a link to a file outside the guide folder"),
                )
            elif not entry.is_file() and os.path.exists(entry.path):
                # A FIFO or device would block or stream forever when read.
                skip = ("not-a-file", _("skipped: not a regular file"))
            if skip is not None:
                if extra is not None and is_guide:
                    rep = Reporter(display_path(Path(entry.path)))
                    rep.warning(Pos(1, 1), skip[0], skip[1])
                    extra.extend(rep.items)
                continue
            path = entry.path
            (scan.guide_files if is_guide else scan.translation_files).append(path)
            try:
                scan.identities[path] = stat_identity(entry.stat())
            except OSError:
                continue
        for sub in subdirs:
            walk(sub)

    walk(str(folder))
    return scan


def _identify(scan: Scan, name: str) -> None:
    identity = identity_of(name)
    if identity is not None:
        scan.identities[name] = identity


#: Where, beside the library cache, guides are kept as last opened.
OPENED_FOLDER = "opened"

#: Below this many files, worker processes cost more than they save.
PARALLEL_MIN_FILES = 64


def read_entry(path: Path, origin: str, mode: LoadMode) -> FileEntry:
    """Load and check one file and keep only what the library needs of it (its
    card and the shape of its links); runs in a worker for big libraries."""
    from .loader import load_guide

    identity = identity_of(path)  # before reading: a later change is then seen
    # Every translation: the card carries the search terms of each (textsearch.py).
    translations = translation_identities(path)
    result = load_guide(path, origin, walk_tests=mode.walk_tests)
    diagnostics = result.diagnostics
    if not mode.warnings:
        diagnostics = [d for d in diagnostics if d.is_error]
    entry = FileEntry(
        str(path), origin, diagnostics, result.guide_id, identity=(identity, translations)
    )
    guide = result.guide
    if guide is None:
        if result.partial is not None:
            entry.links = GuideLinks.of(result.partial)  # its links are checked too
        return entry
    entry.id_pos = guide.key_pos.get("id@value")
    entry.links = GuideLinks.of(guide)
    from .translate import localize

    if mode.lang is not None:
        entry.info = GuideInfo.of(localize(guide, mode.lang), terms=mode.search)
    else:
        entry.info = GuideInfo.of(guide, terms=mode.search)
    if mode.translations:
        from .translate import check_guide_translations

        entry.later = check_guide_translations(guide, mode.langs)
    if mode.keep_guides:
        entry.guide = localize(guide, mode.lang) if mode.lang is not None else guide
    return entry


def translation_identities(path: Path) -> tuple[tuple[str, object], ...]:
    """The identity of each translation file beside a guide file, by language."""
    from .translate import translation_files

    return tuple((lang, identity_of(p)) for lang, p in sorted(translation_files(path).items()))


def _translations_by_guide(
    identities: dict[str, tuple[int, int, int, int]],
) -> dict[tuple[str, str], list[tuple[str, object]]]:
    """(folder, guide file stem) -> each translation file's (lang, identity), from a
    scan: as `translation_identities` sees them, without listing the folder."""
    out: dict[tuple[str, str], list[tuple[str, object]]] = defaultdict(list)
    for name in sorted(identities):
        split = split_translation_name(name)
        if split is not None:
            out[(os.path.dirname(name), split[0])].append((split[1], identities[name]))
    for found in out.values():
        found.sort()
    return out


def _read_job(job: tuple[Path, str, LoadMode]) -> FileEntry:
    return read_entry(*job)


def _start_worker(lang: str) -> None:
    """A worker process speaks the reader's language too: a spawned (not forked)
    process starts with none installed, and diagnostics are translated when made."""
    if current_language() != lang:
        use_language(lang)
    gc.disable()  # as in load_library: parsing makes no cycles, only many objects


def read_entries(jobs: list[tuple[Path, str]], mode: LoadMode, workers: int = 1) -> list[FileEntry]:
    """Read files in worker processes when there are many (each guide is read
    alone, so the work splits cleanly); in order, as a serial read would give.
    Only cards, link shapes and diagnostics come back: little to pickle."""
    full = [(path, origin, mode) for path, origin in jobs]
    if workers <= 1 or len(jobs) < PARALLEL_MIN_FILES:
        return [_read_job(job) for job in full]
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(current_language(),)
        ) as pool:
            return list(pool.map(_read_job, full, chunksize=max(4, len(full) // (workers * 32))))
    except (OSError, RuntimeError):  # no processes here (a sandbox): read in this one
        return [_read_job(job) for job in full]


def load_library(
    sources: Sequence[Source],
    *,
    override: bool = True,
    override_bundled: bool | frozenset[str] = False,
    workers: int = 1,
    cache: Path | None = None,
    mode: LoadMode | None = None,
    refs: Sequence[Source] = (),
    check_later: bool = False,
) -> Library:
    """Read every guide of every source. With `override`, a later source replaces an
    earlier guide of the same id, but a bundled guide only when `override_bundled`
    allows it (True, or its id in the set); without `override` (validate), a second
    id is an error. `workers` > 1 reads large libraries in that many processes;
    `cache` names the file that keeps the library between runs (guides/cache.py).
    `refs` (validate, test): folders whose guides links may point to, read only
    for that (the bundled guides and every `--guides` folder), never reported on.
    `check_later` (the TUI's first screen): the library as the cache saved it, no
    file looked at, with `Library.check` to call once it is shown."""
    mode = mode or LoadMode()
    policy = _Policy(override, override_bundled)
    lib = Library(lang=mode.lang)
    store = None
    if cache is not None:
        from .cache import LibraryCache, OpenedCache

        store = LibraryCache(cache, mode, override, override_bundled, slot=_slot(sources))
        lib.opened_cache = OpenedCache(cache.parent / OPENED_FOLDER, store.key)
        if check_later and store.load_saved(lib):
            shown = lib.saved_stamp

            def check() -> Library | None:
                # One process: it runs in a thread of the app, and a process pool
                # forked from a threaded process can inherit a lock held by another
                # thread (the import lock) and hang. The files changed since the
                # last start are few; a start with many changed reads them all at
                # once anyway (the key differs, so nothing is shown from the cache).
                now = load_library(
                    sources,
                    override=override,
                    override_bundled=override_bundled,
                    workers=1,
                    cache=cache,
                    mode=mode,
                    refs=refs,
                )
                return None if now.saved_stamp == shown else now

            lib.check = check
            return lib
    scans = lib.scans
    for source in sources:
        if not source.path.exists():
            rep = Reporter(display_path(source.path))
            rep.error(Pos(1, 1), "no-such-path", _("no such file or folder"))
            lib.extra.extend(rep.items)
            continue
        scans.append((source, scan_folder(source.path, lib.extra)))
    names = [(name, source.origin) for source, scan in scans for name in scan.guide_files]
    sources_of = [i for i, (_source, scan) in enumerate(scans) for _name in scan.guide_files]

    def known() -> dict[str, FileEntry]:
        return _read_refs(refs, {os.path.realpath(name) for name, _origin in names}, workers)

    # Reading makes many objects that all live on; the cyclic collector would walk
    # them again and again while they are made (several times the work itself).
    # Nothing here makes garbage cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if store is None:
            jobs = [(Path(name), origin) for name, origin in names]
            _fill(lib, read_entries(jobs, mode, workers), sources_of, policy, known)
            return lib
        identities = {k: v for _source, scan in scans for k, v in scan.identities.items()}
        # Every file and translation as it is now: when none changed, the library
        # is the one saved last time, checks across guides included.
        files = [*names, *identities.items()]
        if store.load_library(files, lib):
            return lib
        jobs = [(Path(name), origin) for name, origin in names]

        translations = _translations_by_guide(identities)

        def identity_now(path: Path) -> object:
            """As `read_entry` takes it: the file's, and its translations'."""
            name = str(path)
            stem = os.path.splitext(os.path.basename(name))[0]
            found = translations.get((os.path.dirname(name), stem), ())
            return identities.get(name), tuple(found)

        entries = store.entries(jobs, identity_now, lambda todo: read_entries(todo, mode, workers))
        _fill(lib, entries, sources_of, policy, known)
        store.save_library(files, lib)
    finally:
        if collecting:
            gc.enable()
    return lib


def _slot(sources: Sequence[Source]) -> str:
    """A short name for a set of guide folders, for its own library cache file
    (zlib's CRC: no hashlib on the start-up path; a clash costs only a rebuild, since
    the cache checks every file anyway)."""
    import zlib

    text = "\0".join(f"{source.origin}\1{os.path.abspath(source.path)}" for source in sources)
    return f"{zlib.crc32(text.encode('utf-8', 'surrogateescape')):08x}"


def _read_refs(refs: Sequence[Source], skip: set[str], workers: int) -> dict[str, FileEntry]:
    """The guides links may point to besides those read (validate's `refs`), by
    id, a later folder overriding an earlier one, as in the app."""
    jobs = []
    for source in refs:
        if source.path.exists():
            for name in scan_folder(source.path).guide_files:
                if os.path.realpath(name) not in skip:
                    jobs.append((Path(name), source.origin))
    known: dict[str, FileEntry] = {}
    for entry in read_entries(jobs, LoadMode(warnings=False, search=False), workers):
        if entry.info is not None:
            known[entry.info.id] = entry
    return known


class _Policy:
    """Which guide wins when two folders hold the same id."""

    def __init__(self, override: bool, bundled: bool | frozenset[str]) -> None:
        self.override = override
        self.bundled = bundled

    def may_replace_bundled(self, guide_id: str) -> bool:
        return self.bundled is True or (
            isinstance(self.bundled, frozenset) and guide_id in self.bundled
        )


def _fill(
    lib: Library,
    entries: list[FileEntry],
    sources_of: list[int],
    policy: _Policy,
    refs: Callable[[], dict[str, FileEntry]] | None = None,
) -> None:
    """The library from its files: ids made unique, links between guides checked
    (against the library's guides, then the guides `refs` reads, by id: only when
    a link points outside the library)."""
    winners: dict[str, FileEntry] = {}
    source_of: dict[str, int] = {}
    failed: dict[str, FileEntry] = {}
    for entry, source in zip(entries, sources_of, strict=True):
        lib.results.append(entry)
        info = entry.info
        if info is None:
            if entry.guide_id and entry.links is not None:
                failed.setdefault(entry.guide_id, entry)
            continue
        first = winners.get(info.id)
        if first is not None and (not policy.override or source_of[info.id] == source):
            _duplicate(entry, first)
            continue
        shadows = first is not None and first.origin == "bundled" and entry.origin != "bundled"
        if shadows and not policy.may_replace_bundled(info.id):
            assert first is not None
            if not same_file_content(entry.path, first.path):
                _shadows_bundled(entry, first)
            # A byte-for-byte copy (the source tree of an installed selfhelp) is the
            # bundled guide itself: nothing to refuse, and the bundled one stays.
            continue
        if first is not None:
            lib.replaced[info.id] = first.origin
        winners[info.id] = entry
        source_of[info.id] = source
    known: dict[str, FileEntry] = {}
    if refs is not None and _links_outside(winners, failed):
        known = refs()
    _check_failed_links(failed, winners, known)
    _check_guide_links(winners, known, failed)
    _check_way_out_across_guides(winners, known)
    for entry in entries:
        entry.links = None  # only needed for the checks above
    lib.infos = {guide_id: e.info for guide_id, e in winners.items() if e.info is not None}
    for guide_id, entry in winners.items():
        if entry.guide is not None and entry.info is not None:
            lib.opened[guide_id] = entry.guide
    for entry in entries:
        entry.guide = None


def _duplicate(entry: FileEntry, first: FileEntry) -> None:
    assert entry.info is not None
    rep = Reporter(display_path(entry.path))
    rep.error(
        entry.id_pos or Pos(),
        "duplicate-id",
        _("guide id '{id}' is already used by {path}").format(
            id=entry.info.id, path=display_path(first.path)
        ),
    )
    entry.fail(rep.items)


def same_file_content(a: Path, b: Path | None) -> bool:
    """Whether two guide files hold the same bytes (unreadable counts as different)."""
    if b is None:
        return False
    try:
        return a.resolve() == b.resolve() or a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _shadows_bundled(entry: FileEntry, bundled: FileEntry) -> None:
    assert entry.info is not None
    rep = Reporter(display_path(entry.path))
    rep.error(
        entry.id_pos or Pos(),
        "shadows-bundled",
        _(
            "refused: guide id '{id}' is the id of a bundled guide ({path}), which is shown instead"
        ).format(id=entry.info.id, path=display_path(bundled.path)),
        _(
            "to let this folder replace it, list '{id}' under override_bundled in config.yaml"
        ).format(id=entry.info.id),
    )
    entry.fail(rep.items)


def _check_guide_links(
    winners: dict[str, FileEntry], known: dict[str, FileEntry], failed: dict[str, FileEntry]
) -> None:
    """`guide:ID#NODE` targets must exist. A guide whose link is broken is moved to
    the failures, and so on until no broken link is left."""
    changed = True
    while changed:
        changed = False
        for guide_id, entry in list(winners.items()):
            assert entry.links is not None
            if not entry.links.external:
                continue
            rep = Reporter(display_path(entry.path))
            for target, pos in entry.links.external:
                _check_one_link(winners, known, failed, target, pos, rep)
            if rep.items:
                entry.diagnostics.extend(rep.items)
                if rep.has_errors:
                    entry.fail([])
                    del winners[guide_id]
                    changed = True


def _links_outside(winners: dict[str, FileEntry], failed: dict[str, FileEntry]) -> bool:
    """Whether a guide links to a guide id that is not among those read."""
    for entry in (*winners.values(), *failed.values()):
        for target, _pos in entry.links.external if entry.links is not None else ():
            guide_id = target[len(GUIDE_LINK_PREFIX) :].partition("#")[0]
            if guide_id and guide_id not in winners and guide_id not in failed:
                return True
    return False


def _check_failed_links(
    failed: dict[str, FileEntry], winners: dict[str, FileEntry], known: dict[str, FileEntry]
) -> None:
    """A guide with errors has its links checked too: one run says everything."""
    everything = {**winners, **failed}
    for entry in failed.values():
        assert entry.links is not None
        rep = Reporter(display_path(entry.path))
        for target, pos in entry.links.external:
            _check_one_link(everything, known, {}, target, pos, rep)
        entry.diagnostics.extend(rep.items)


def _first_error(entry: FileEntry) -> Diagnostic | None:
    return next((d for d in entry.diagnostics if d.is_error), None)


def _check_one_link(
    winners: dict[str, FileEntry],
    known: dict[str, FileEntry],
    failed: dict[str, FileEntry],
    target: str,
    pos: Pos,
    rep: Reporter,
) -> None:
    guide_id, _hash, node_id = target[len(GUIDE_LINK_PREFIX) :].partition("#")
    if not guide_id:
        return  # `guide:` alone: a bad-link of the guide's own checks
    other = winners.get(guide_id) or known.get(guide_id)
    if other is None and guide_id in failed:
        broken = failed[guide_id]
        rep.error(
            pos,
            "unknown-guide",
            _("'{target}' links to guide '{guide}', which has errors of its own").format(
                target=target, guide=guide_id
            ),
            _("fix {path} first").format(path=display_path(broken.path)),
            cause=_first_error(broken),
        )
        return
    if other is None:
        rep.error(
            pos,
            "unknown-guide",
            _("'{target}' links to guide '{guide}', which is not in the library").format(
                target=target, guide=guide_id
            ),
            did_you_mean(guide_id, [*winners, *known]),
        )
        return
    assert other.links is not None
    if node_id and node_id not in other.links.node_ids:
        rep.error(
            pos,
            "unknown-node",
            _("'{target}': node '{node}' is not a node of guide '{guide}'").format(
                target=target, node=node_id, guide=guide_id
            ),
            did_you_mean(node_id, list(other.links.node_ids)),
        )


def _check_way_out_across_guides(
    winners: dict[str, FileEntry], known: dict[str, FileEntry] | None = None
) -> None:
    """Each guide alone may look fine while guide links loop between guides with no
    outcome anywhere (A -> guide:B -> guide:A). Only the nodes that reach no outcome
    inside their own guide (`GuideLinks.stuck`) can be caught so: find which of them
    get out through other guides."""
    preds: dict[Place, list[Place]] = defaultdict(list)
    leads_out: list[Place] = []
    for guide_id, entry in winners.items():
        assert entry.links is not None
        for node_id, (_pos, places) in entry.links.stuck.items():
            here = (guide_id, node_id)
            for target_guide, target_node in places:
                other = winners.get(target_guide or guide_id)
                if other is None and known and target_guide in known:
                    leads_out.append(here)  # a guide besides the library: not ours to judge
                    continue
                if other is None or other.links is None:
                    continue
                there = (target_guide or guide_id, target_node or other.links.start)
                if there[1] in other.links.stuck:
                    preds[there].append(here)
                elif there[1] in other.links.node_ids:
                    leads_out.append(here)  # to a node that reaches an outcome
    can_end = closure(leads_out, preds)
    for guide_id, entry in list(winners.items()):
        assert entry.links is not None
        stuck = [
            (node_id, pos)
            for node_id, (pos, _places) in entry.links.stuck.items()
            if (guide_id, node_id) not in can_end
        ]
        if not stuck:
            continue
        rep = Reporter(display_path(entry.path))
        for node_id, pos in stuck:
            rep.error(
                pos,
                "no-way-out",
                _(
                    "node '{node}' leads only through links between guides that never "
                    "reach an outcome"
                ).format(node=node_id),
                _("give one of the linked guides a way to an outcome"),
            )
        entry.fail(rep.items)
        del winners[guide_id]


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
