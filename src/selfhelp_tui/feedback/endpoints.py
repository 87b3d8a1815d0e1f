"""Who receives which records.

- The user's endpoint (`upload --url`, else `feedback_url` in the user's config file)
  receives every record no guide folder takes, the bundled guides' always.
- A guide folder's `selfhelp.yaml` may name a `feedback_url`. It receives the
  records of that folder's own guides, and only when the user's config allows it:
  `feedback_folders: true` (every guide folder) or a list of folders (a folder
  listed allows the folders inside it too). Folders given with `--guides`,
  `SELFHELP_GUIDES`, or listed there are treated alike.

Each record is tagged in the local log with the folder its guide was read from
(`source`: `bundled`, `user`, or a hash of the folder's full path, never sent or
exported), so a folder that reuses a bundled guide's id never receives the
bundled guide's walks.
"""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..i18n import _
from ..paths import Dirs
from ..record import field, record
from .store import Route

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..guides.library import Source

#: The config key that lets guide folders' own endpoints receive their records.
ALLOW_KEY = "feedback_folders"


def source_tag(origin: str) -> str | None:
    """The local tag of a guide's folder, from the guide's `origin` (None for
    guides made in memory): a 64-bit FNV-1a hash of the folder's full path, which
    tells folders apart without keeping the path (computed at the end of every walk,
    so without importing hashlib)."""
    if origin in ("bundled", "user"):
        return origin
    if not origin:
        return None
    folder = str(Path(origin).expanduser().resolve()).encode("utf-8", "surrogateescape")
    value = 0xCBF29CE484222325
    for byte in folder:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"folder:{value:016x}"


@record(frozen=True)
class Endpoint:
    url: str
    #: Where the URL comes from, for the user (`--url`, the config file, a manifest).
    where: str
    route: Route
    #: The guide folders whose records this endpoint takes (empty: the user's own).
    folders: tuple[str, ...] = ()


@record
class Plan:
    #: The guide folders' endpoints first, then the user's.
    endpoints: list[Endpoint] = field(default_factory=list)
    user: Endpoint | None = None
    #: (manifest, url) named by a guide folder the user's config does not allow.
    refused: list[tuple[str, str]] = field(default_factory=list)


def _allowed(folder: Path, setting: object) -> bool:
    if setting is True:
        return True
    if not isinstance(setting, list):
        return False
    return any(
        isinstance(entry, str)
        and entry.strip()
        and folder.is_relative_to(Path(entry.strip()).expanduser().resolve())
        for entry in setting
    )


def plan(dirs: Dirs, sources: list[Source], url_option: str | None = None) -> Plan:
    """The endpoints of an upload, from the library's folders and the user's config."""
    from .settings import read_manifest

    config = load_config(dirs)
    setting = config.get(ALLOW_KEY)
    folders: list[tuple[Path, str | None]] = []
    for source in sources:
        if source.origin != "bundled":
            tag = "user" if source.origin == "user" else source_tag(str(source.path))
            folders.append((source.path.expanduser().resolve(), tag))
    if isinstance(setting, list):
        for entry in setting:
            if isinstance(entry, str) and entry.strip():
                folders.append((Path(entry.strip()).expanduser().resolve(), source_tag(entry)))
    out = Plan()
    by_url: dict[str, list[tuple[str, str, str]]] = {}  # url -> (tag, folder, manifest)
    seen: set[Path] = set()
    for folder, tag in folders:
        if folder in seen or tag is None:
            continue
        seen.add(folder)
        url = read_manifest(folder).get("feedback_url")
        if not isinstance(url, str) or not url.strip():
            continue
        manifest = str(folder / "selfhelp.yaml")
        if _allowed(folder, setting):
            by_url.setdefault(url.strip(), []).append((tag, str(folder), manifest))
        else:
            out.refused.append((manifest, url.strip()))
    claimed: list[str] = []
    for url, takers in by_url.items():
        tags = tuple(t for t, _folder, _manifest in takers)
        claimed.extend(tags)
        out.endpoints.append(
            Endpoint(
                url,
                ", ".join(m for _tag, _folder, m in takers),
                Route(only=tags),
                tuple(f for _tag, f, _manifest in takers),
            )
        )
    mine = config.get("feedback_url")
    if url_option:
        out.user = Endpoint(url_option, "--url", Route(besides=tuple(claimed)))
    elif isinstance(mine, str) and mine.strip():
        out.user = Endpoint(mine.strip(), _("config file"), Route(besides=tuple(claimed)))
    if out.user is not None:
        out.endpoints.append(out.user)
    return out
