"""Export to a file a technician can carry away: NDJSON (gzip if .gz) plus a
manifest (record count, SHA-256) so the receiver can tell a whole file from a
truncated one. Written to a temp file, fsynced, then renamed into place."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path

from ..config import write_atomic
from .store import Store, StoreError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class NotMarked(StoreError):
    """Both files are written, but the log could not mark the records sent."""

    def __init__(self, cause: StoreError, manifest: dict[str, Any]) -> None:
        super().__init__(cause.kind, str(cause))
        self.manifest = manifest


def export(store: Store, target: Path, mark_sent: bool = False) -> dict[str, Any]:
    """Raises StoreError when the log cannot be read, OSError when the files cannot
    be written, NotMarked when they are written but the records stay pending."""
    records = list(store.pending())
    lines = "".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        for r in records
    ).encode("utf-8")
    data = gzip.compress(lines, mtime=0) if target.suffix == ".gz" else lines
    write_atomic(target, data)
    manifest = {
        "file": target.name,
        "records": len(records),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "schema": 1,
    }
    write_atomic(manifest_path(target), (json.dumps(manifest, indent=2) + "\n").encode())
    if mark_sent:  # only once both files are safely on disk
        try:
            store.mark([r["record_id"] for r in records], "sent")
        except StoreError as exc:
            raise NotMarked(exc, manifest) from exc
    return manifest


def manifest_path(target: Path) -> Path:
    return target.with_name(target.name + ".manifest.json")


def read_export(path: Path):  # type: ignore[no-untyped-def]
    """Records of an export, streamed line by line (NDJSON or .gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as raw:  # type: ignore[operator]
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)
