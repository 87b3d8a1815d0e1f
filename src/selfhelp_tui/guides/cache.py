"""A cache of the library, so a big library opens as fast as a small one.

Parsing and checking a guide costs milliseconds; a product may ship thousands, and
the reader should not wait for all of them on every start. A file in the user
cache folder per set of guide folders (the last `MAX_SLOTS` sets used) keeps:

- the library as the app last saw it (each guide's card, what failed and why),
  used as it is when no guide or translation file has changed since. A head holds
  what every start needs (the guides' ids and list order, what failed); the files
  as they were, where each guide is, the cards, their search terms and the files'
  entries follow it, each read only when asked for (`Parts`): a plain walk reads
  the files and the guides' places, the TUI's first screen a page of cards;
- each file's entry before the checks across guides, reused for the files that did
  not change when some did, so one edited guide costs one parse.

Everything is keyed by the files' identities (size, modification and change times,
inode), the way the library is read (language, warnings kept) and a stamp of this
very code (the app version and the loader's own source files), so any change to a
guide, a translation or to selfhelp rereads what it touches. One reader takes the
library as saved without looking at the files first: the TUI's first screen, which
checks them right after it is shown (`LibraryCache.load_saved`, `Library.check`)
and shows what changed. Beside it, each guide is kept as last opened (`OpenedCache`), used
when its file and translation, looked at again as it is opened, have not changed.

The cache is the user's own file in their own cache folder, written atomically;
whoever can write there can already run code as the user. A cache that cannot be
read is ignored and rebuilt. `validate` never uses it: writers get a fresh check.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .index import FileEntry, GuideInfo
    from .library import Library, LoadMode
    from .model import Guide

#: 4: who may replace a bundled guide is part of the key; 5: cards (GuideInfo) say
#: how many steps and outcomes, and how much is untranslated; 6: cards carry the
#: search terms of every translation (guides/textsearch.py); 7: diagnostics carry
#: the error they follow from (`Diagnostic.cause`, knock-ons); 8: the cards pickled
#: apart, each guide's file beside them (a plain walk unpickles no card); 9: cards'
#: terms carry the words side by side of each symptom and title (`pairs_of`); 10:
#: the cards' terms and the files' entries kept apart (a warm start reads neither);
#: 11: a head and parts read only when asked for (`MAGIC`); 12: cards pickled one by
#: one in list order (`SavedCards`), the files apart, a stamp per save.
CACHE_FORMAT = 12
#: A library cache file: this, the head's length (8 bytes, little-endian), the
#: head (a pickle: the key, the guides' ids and list order, what failed, where each
#: part is), then the parts: the files as they were, where each guide is, the
#: cards, their search terms, the files' entries.
MAGIC = b"selfhelp library cache\n"
CACHE_NAME = "library.pickle"
#: Folder sets kept, each in a file of its own (`library-<slot>.pickle`): a
#: technician who opens the bundled guides, then a customer's folder beside them,
#: then the bundled ones again parses nothing the second time. The least recently
#: used go first.
MAX_SLOTS = 8
#: The loader's code (and the records its classes are made with, at the package's
#: top), and the catalogs its messages are translated with.
STAMPED = (
    ("", ".py"),
    ("guides", ".py"),
    ("probes", ".py"),
    ("i18n", ".py"),
    ("i18n/locale", ".po"),
)


def code_stamp() -> str:
    """Changes whenever the code that reads a library may have changed: the version,
    Python's, and the size and time of the loader's modules and the catalogs its
    messages are translated with. Kept whole rather than hashed (no `hashlib` on the
    start-up path; a string comparison is as quick)."""
    import sys

    from .. import __version__

    parts = [f"{CACHE_FORMAT}|{__version__}|{sys.version}"]
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder, suffix in STAMPED:
        with os.scandir(os.path.join(package, folder)) as found:
            for entry in sorted(found, key=lambda e: e.name):
                if entry.name.endswith(suffix):
                    st = entry.stat()
                    parts.append(f"{entry.name}|{st.st_size}|{st.st_mtime_ns}")
    parts.append(_stemmer_stamp())
    return ";".join(parts)


def _stemmer_stamp() -> str:
    """Cards keep stems: a new release of the stemmers (or PyStemmer, which
    snowballstemmer prefers when installed) may stem differently. Found without
    importing them (~17 ms)."""
    from importlib.util import find_spec

    out = []
    for name in ("snowballstemmer", "Stemmer"):
        with contextlib.suppress(ImportError, ValueError, OSError):
            spec = find_spec(name)
            if spec is not None and spec.origin:
                st = os.stat(spec.origin)
                out.append(f"{name}|{st.st_size}|{st.st_mtime_ns}")
    return "|".join(out)


def identity_of(path: str | Path) -> tuple[int, int, int, int] | None:
    try:
        return stat_identity(os.stat(path))
    except OSError:
        return None


def stat_identity(st: os.stat_result) -> tuple[int, int, int, int]:
    """What says a file is the one the cache saw: size, times and inode."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class LibraryCache:
    def __init__(
        self,
        path: Path,
        mode: LoadMode,
        override: bool,
        override_bundled: bool | frozenset[str] = False,
        slot: str = "",
    ) -> None:
        self.path = path.with_name(f"{path.stem}-{slot}{path.suffix}") if slot else path
        from ..i18n import current_language

        # Diagnostics are in the interface language; cards in the mode's; which
        # guide wins a shared id depends on the config (override_bundled).
        bundled = (
            sorted(override_bundled)
            if isinstance(override_bundled, frozenset)
            else override_bundled
        )
        self.key = f"{code_stamp()}|{current_language()}|{mode!r}|{override}|{bundled}"
        self.data: dict[str, Any] = {}
        self.entries_blob = b""
        #: The parts of the file read, if its key matched (`load_library` uses them).
        self.parts: Parts | None = None
        self.data, self.parts = self._read(self.path)
        #: Where the entries are read from when a file changed (`entries`).
        self.entries_from = self.path
        if not self.data and slot:
            # A folder set seen for the first time: the files it shares with the
            # set used last need not be read again (only their entries are taken).
            for other in self._slots():
                found, parts = self._read(other)
                if parts is not None:
                    parts.close()
                if found:
                    self.entries_from = other
                    break

    @staticmethod
    def entries_path(path: Path) -> Path:
        """Each file's entry, apart: read only when some file changed (on 10,000
        guides it is 13 MB that a start with nothing changed never reads)."""
        return path.with_name(path.name + ".entries")

    def _read(self, path: Path) -> tuple[dict[str, Any], Parts | None]:
        """The head of a cache file made with this key, and its parts, still unread
        (the file stays open for them); nothing from any other file."""
        fh = None
        with contextlib.suppress(Exception):  # any unreadable cache is no cache
            fh = open(path, "rb", buffering=0)  # noqa: SIM115 (kept open for the parts)
            start = fh.read(len(MAGIC) + 8)
            if start[: len(MAGIC)] == MAGIC:
                size = int.from_bytes(start[len(MAGIC) :], "little")
                head = pickle.loads(fh.read(size))
                base = len(MAGIC) + 8 + size
                if (
                    isinstance(head, dict)
                    and head.get("key") == self.key
                    # cut short: no cache
                    and base + head.get("size", -1) == os.fstat(fh.fileno()).st_size
                ):
                    return head, Parts(fh, base, head["parts"])
        if fh is not None:
            fh.close()
        return {}, None

    def _slots(self) -> list[Path]:
        """The other folder sets' files, the most recently used first."""
        found = []
        with contextlib.suppress(OSError):
            prefix = self.path.name.rsplit("-", 1)[0] + "-"
            with os.scandir(self.path.parent) as entries:
                for entry in entries:
                    if (
                        entry.name.startswith(prefix)
                        and entry.name.endswith(self.path.suffix)
                        and entry.path != str(self.path)
                    ):
                        with contextlib.suppress(OSError):
                            found.append((entry.stat().st_mtime_ns, Path(entry.path)))
        return [path for _mtime, path in sorted(found, reverse=True)]

    def load_library(self, files: list[Any], lib: Library) -> bool:
        """Fill `lib` as saved, if every file is as it was then."""
        parts = self.parts
        if parts is None or parts.load("files") != files:
            if parts is not None:
                parts.close()
            return False
        return self.load_saved(lib)

    def load_saved(self, lib: Library) -> bool:
        """Fill `lib` as saved, without looking at a single file: for a first screen
        that checks the files right after it is shown (`load_library`'s
        `check_later`), where looking at 10,000 of them took ~60 ms."""
        parts, data = self.parts, self.data
        if parts is None:
            return False
        cards = SavedCards(
            data["ids"], data["card_ends"], data["order"], lambda: parts.read("cards")
        )
        lib.keep_saved_infos(cards, parts.loader("locations"), parts.loader("terms"))
        lib.replaced = data["replaced"]
        lib.keep_saved_results(parts.loader("results"), data["failures"])
        lib.saved_stamp = data["stamp"]
        with contextlib.suppress(OSError):
            os.utime(self.path)  # used now: the last to be evicted
        return True

    def entries(
        self,
        jobs: list[tuple[Path, str]],
        identity_now: Callable[[Path], object],
        read: Callable[[list[tuple[Path, str]]], list[FileEntry]],
    ) -> list[FileEntry]:
        """An entry per file: the saved one where the file (and its translation)
        did not change, the rest read with `read`."""
        old: dict[str, FileEntry] = {}
        with contextlib.suppress(Exception):
            saved_key, blob = pickle.loads(self.entries_path(self.entries_from).read_bytes())
            if saved_key == self.key:
                old = pickle.loads(blob)
        out: list[FileEntry | None] = []
        todo: list[int] = []
        for i, (path, origin) in enumerate(jobs):
            entry = old.get(str(path))
            same = entry is not None and entry.origin == origin
            if same and entry.identity == identity_now(path):  # type: ignore[union-attr]
                out.append(entry)
            else:
                out.append(None)
                todo.append(i)
        for i, entry in zip(todo, read([jobs[i] for i in todo]), strict=True):
            out[i] = entry
        entries = [e for e in out if e is not None]
        # Saved now, as read: the library adds its own notes to them next.
        self.entries_blob = pickle.dumps(
            {e.file: e for e in entries if e.identity[0] is not None}, protocol=5
        )
        return entries

    def save_library(self, files: list[Any], lib: Library) -> None:
        import time
        from array import array

        from ..config import write_atomic

        infos = lib.infos
        ids = list(infos)
        # Each card pickled alone (a first screen unpickles the few it shows), and
        # the list's order, so nothing sorts 10,000 cards to show the first 20.
        ends, blob, at = array("Q"), bytearray(), {guide_id: i for i, guide_id in enumerate(ids)}
        for card in infos.values():
            blob += pickle.dumps(card._replace(terms=()), protocol=5)
            ends.append(len(blob))
        blobs = {
            "files": pickle.dumps(files, protocol=5),
            "locations": pickle.dumps(
                {i: (info.file, info.origin) for i, info in infos.items()}, protocol=5
            ),
            "cards": bytes(blob),
            "terms": pickle.dumps({i: c.terms for i, c in infos.items()}, protocol=5),
            "results": pickle.dumps(lib.results, protocol=5),
        }
        head: dict[str, Any] = {
            "key": self.key,
            # Which save this is: a first screen shown from one knows whether the
            # library checked after it is the same one.
            "stamp": time.time_ns(),
            "ids": ids,
            "card_ends": ends.tobytes(),
            "order": array("I", [at[card.id] for card in lib.sorted_guides()]).tobytes(),
            "failures": lib.failures,
            "replaced": lib.replaced,
        }
        # Each part's place counts from the end of the head, which the reader knows.
        head["parts"], offset = {}, 0
        for name, blob in blobs.items():
            head["parts"][name] = (offset, len(blob))
            offset += len(blob)
        head["size"] = offset
        packed = pickle.dumps(head, protocol=5)
        data = b"".join([MAGIC, len(packed).to_bytes(8, "little"), packed, *blobs.values()])
        with contextlib.suppress(OSError):
            # The entries first: a main file is never newer than its entries.
            write_atomic(
                self.entries_path(self.path),
                pickle.dumps((self.key, self.entries_blob), protocol=5),
            )
            write_atomic(self.path, data)
        for old in self._slots()[MAX_SLOTS - 1 :]:
            for path in (old, self.entries_path(old)):
                with contextlib.suppress(OSError):
                    path.unlink()


class SavedCards:
    """The cards as the cache saved them (without their search terms), each
    unpickled when it is first asked for: the first screen shows a page of them."""

    def __init__(
        self, ids: list[str], ends: bytes, order: bytes, read: Callable[[], bytes]
    ) -> None:
        self.ids = ids
        self._saved = (ends, order)  # made arrays when a card is first asked for
        self._ends: Any = None
        self._order: Any = None
        self._read = read
        self._blob: memoryview | None = None
        self._at: dict[str, int] | None = None
        self._cards: list[GuideInfo | None] = [None] * len(ids)

    def _card(self, i: int) -> GuideInfo:
        card = self._cards[i]
        if card is None:
            if self._blob is None:
                self._arrays()
                self._blob = memoryview(self._read())
            start = self._ends[i - 1] if i else 0
            card = self._cards[i] = pickle.loads(self._blob[start : self._ends[i]])
        return card

    def get(self, guide_id: str) -> GuideInfo | None:
        if self._at is None:
            self._at = {guide_id: i for i, guide_id in enumerate(self.ids)}
        i = self._at.get(guide_id)
        return None if i is None else self._card(i)

    def all(self) -> dict[str, GuideInfo]:
        """Every card by id, in the order the library read them."""
        return {guide_id: self._card(i) for i, guide_id in enumerate(self.ids)}

    def in_order(self) -> ListOrder:
        return ListOrder(self)

    def _arrays(self) -> None:
        if self._order is None:
            from array import array  # not on a plain walk's path

            self._ends, self._order = array("Q", self._saved[0]), array("I", self._saved[1])

    def _nth(self, n: int) -> GuideInfo:
        self._arrays()
        return self._card(self._order[n])


class ListOrder(Sequence["GuideInfo"]):
    """The cards in list order (`Library.sorted_guides`), each unpickled when reached."""

    def __init__(self, cards: SavedCards) -> None:
        self._cards = cards

    def __len__(self) -> int:
        return len(self._cards.ids)

    def __getitem__(self, n: int | slice) -> GuideInfo | list[GuideInfo]:  # type: ignore[override]
        if isinstance(n, slice):
            return [self._cards._nth(i) for i in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        if not 0 <= n < len(self):
            raise IndexError(n)
        return self._cards._nth(n)

    def __iter__(self) -> Iterator[GuideInfo]:
        return (self._cards._nth(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class Parts:
    """The parts of one library cache file, read from the file as it was opened
    (one saved by another selfhelp meanwhile replaces it, leaving this one whole),
    when asked for. The file stays open while they may be."""

    def __init__(self, fh: Any, base: int, where: dict[str, tuple[int, int]]) -> None:
        self._fh = fh
        self._where = {name: (base + offset, size) for name, (offset, size) in where.items()}
        self._lock: Any = None
        if not hasattr(os, "pread"):  # Windows: a seek and a read, one thread at a time
            import threading

            self._lock = threading.Lock()

    def loader(self, name: str) -> Callable[[], Any]:
        return lambda: self.load(name)

    def load(self, name: str) -> Any:
        """The part unpickled. (The search index asks from its own thread.)"""
        return pickle.loads(self.read(name))

    def read(self, name: str) -> bytes:
        offset, size = self._where[name]  # twice, from two threads: read twice
        fh = self._fh
        if self._lock is None:
            data = os.pread(fh.fileno(), size, offset)
        else:
            with self._lock:
                fh.seek(offset)
                data = fh.read(size)
        if len(data) != size:
            raise OSError(f"library cache part {name!r} cut short")
        return data

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __del__(self) -> None:
        self.close()


class OpenedCache:
    """Guides as they were last opened (read, checked and translated), one small
    file each, used when the guide's file, its translation, the language and the
    code are all as they were then: a second walk of the same guide reads neither
    its YAML nor the schema (a plain walk then takes ~1.3x `import yaml`, not ~1.8x).
    Like the library cache it is keyed by each file's size, times and inode, taken
    when the guide is opened, so it never gives a guide older than its file."""

    def __init__(self, folder: Path, base_key: str) -> None:
        self.folder = folder
        self.base_key = base_key

    def key(self, file: str, origin: str, lang: str | None) -> tuple[object, ...]:
        from .index import translation_path

        translation = identity_of(translation_path(Path(file), lang)) if lang else None
        return (self.base_key, file, origin, lang, identity_of(file), translation)

    def _path(self, guide_id: str) -> Path:
        return self.folder / f"{guide_id}.pickle"

    def get(self, guide_id: str, key: tuple[object, ...]) -> Guide | None:
        with contextlib.suppress(Exception):  # any unreadable entry is no entry
            saved_key, blob = pickle.loads(self._path(guide_id).read_bytes())
            if saved_key == key:
                guide = pickle.loads(blob)
                if getattr(guide, "id", None) == guide_id:
                    return guide  # type: ignore[no-any-return]
        return None

    def put(self, guide_id: str, key: tuple[object, ...], guide: Guide) -> None:
        from ..config import write_cache_file

        if key[4] is None:  # the file could not be looked at: nothing to key it by
            return
        with contextlib.suppress(Exception):  # a cache we cannot write is no cache
            data = pickle.dumps((key, pickle.dumps(guide, protocol=5)), protocol=5)
            write_cache_file(self._path(guide_id), data)
