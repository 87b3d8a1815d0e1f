"""The user's settings: one small YAML file in the platformdirs config folder.

Read with the safe loader, written atomically (temp file, fsync, rename), so a
crash never leaves half a file. Unknown keys are kept as they are; a file that
cannot be read is treated as empty rather than stopping the app.
"""

from __future__ import annotations

import os
from pathlib import Path

from .paths import Dirs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONFIG_NAME = "config.yaml"


def config_path(dirs: Dirs) -> Path:
    return dirs.config / CONFIG_NAME


def load_config(dirs: Dirs) -> dict[str, Any]:
    path = config_path(dirs)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    import yaml  # only when there is a config: every start reads it

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def override_bundled(config: dict[str, Any]) -> tuple[bool | frozenset[str], list[str]]:
    """`override_bundled:` in the config: which bundled guides a folder of the user's
    may replace (True: all; a list: those ids; absent: none), and a notice when the
    value cannot be read (then none may)."""
    from .i18n import _

    value = config.get("override_bundled", False)
    if isinstance(value, bool):
        return value, []
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(v.strip() for v in value if v.strip()), []
    return False, [
        _(
            "config.yaml: override_bundled must be true, false or a list of guide ids; "
            "no bundled guide may be replaced"
        )
    ]


def save_config(dirs: Dirs, values: dict[str, Any]) -> Path:
    path = config_path(dirs)
    path.parent.mkdir(parents=True, exist_ok=True)
    import yaml

    text = yaml.safe_dump(values, sort_keys=True, allow_unicode=True)
    write_atomic(path, text.encode("utf-8"))
    return path


def update_config(dirs: Dirs, **changes: Any) -> dict[str, Any]:
    """Set (or, with None, remove) keys and save."""
    values = load_config(dirs)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    save_config(dirs, values)
    return values


def write_atomic(path: Path, data: bytes, like: os.stat_result | None = None) -> None:
    """Write a file so that readers see the old or the new content, never half,
    and the new content survives a power cut once this returns (file and folder
    are fsynced). `like`: the stat of the file replaced, whose permissions (and
    owner, where allowed) the new one takes before anyone can see it."""
    import tempfile  # not at import: it brings shutil and the compression modules

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if like is not None and hasattr(os, "fchmod"):
                import contextlib
                import stat

                if (like.st_uid, like.st_gid) != (os.fstat(fd).st_uid, os.fstat(fd).st_gid):
                    with contextlib.suppress(OSError):  # only root may give files away
                        os.fchown(fd, like.st_uid, like.st_gid)
                os.fchmod(fd, stat.S_IMODE(like.st_mode))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (a reader sees the old content or the
    new), without `write_atomic`'s fsyncs: a cache lost in a power cut is remade.
    Raises OSError; the part file is removed."""
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(data)
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)
        raise
