"""A cache of loaded guide files, so a big library opens as fast as a small one.

Parsing and checking a guide costs milliseconds; a product may ship thousands, and
the reader should not wait for all of them on every start. The result of loading
each file (the guide and its diagnostics) is kept in one file in the user cache
folder, keyed by the file's identity (size, modification and change times, inode),
the interface language (diagnostics are translated) and a stamp of this very code
(the app version and the loader's own source files), so any change to a guide or
to selfhelp reloads what it touches and nothing is ever served stale.

The cache is the user's own file in their own cache folder, written atomically;
whoever can write there can already run code as the user. A cache that cannot be
read is ignored and rebuilt. `validate` never uses it: writers get a fresh check.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
from pathlib import Path
from typing import Any

from .. import __version__
from .loader import LoadResult

CACHE_FORMAT = 1
CACHE_NAME = "library.pickle"


def code_stamp() -> str:
    """Changes whenever the code that builds a LoadResult may have changed."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{sys.version}".encode())
    package = Path(__file__).resolve().parent.parent
    # The loader's code, and the catalogs its messages are translated with.
    for folder, pattern in (
        ("guides", "*.py"),
        ("probes", "*.py"),
        ("i18n", "*.py"),
        ("i18n/locale", "*.po"),
    ):
        for path in sorted((package / folder).glob(pattern)):
            st = path.stat()
            digest.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def identity_of(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class LoadCache:
    def __init__(self, path: Path, lang: str) -> None:
        self.path = path
        self.key = f"{code_stamp()}|{lang}"
        self.old: dict[str, tuple[Any, str, bytes]] = {}
        self.new: dict[str, tuple[Any, str, bytes]] = {}
        self.hits = 0
        with contextlib.suppress(Exception):  # any unreadable cache is no cache
            data = pickle.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("key") == self.key:
                self.old = data["entries"]

    def get(self, path: Path, origin: str) -> LoadResult | None:
        """The cached result for this file as it is now, or None."""
        identity = identity_of(path)
        entry = self.old.get(str(path))
        if identity is None or entry is None or entry[0] != identity or entry[1] != origin:
            return None
        try:
            result = pickle.loads(entry[2])
        except Exception:
            return None
        self.new[str(path)] = entry
        self.hits += 1
        return result if isinstance(result, LoadResult) else None

    def put(self, path: Path, origin: str, result: LoadResult, identity: Any) -> None:
        """Keep a fresh result (pickled now, before the library adds its own notes
        to it); `identity` is the file's, taken before it was read."""
        if identity is not None:
            self.new[str(path)] = (identity, origin, pickle.dumps(result, protocol=5))

    def save(self) -> None:
        """Write the cache if anything changed (files added, changed or gone)."""
        if self.new.keys() == self.old.keys() and self.hits == len(self.new):
            return
        from ..config import write_atomic

        data = pickle.dumps({"key": self.key, "entries": self.new}, protocol=5)
        with contextlib.suppress(OSError):
            write_atomic(self.path, data)
