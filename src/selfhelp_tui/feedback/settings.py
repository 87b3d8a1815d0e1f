"""Whether feedback is on, and why: the environment beats the config file.

`DO_NOT_TRACK=1` (the cross-tool convention) and `SELFHELP_NO_FEEDBACK=1` turn it
off whatever the config says; otherwise `selfhelp feedback disable/enable`
decides (stored as `feedback: false/true`); the default is on, locally only:
nothing is ever sent unless an endpoint is configured and the user uploads.
"""

from __future__ import annotations

from pathlib import Path

from ..config import load_config, update_config
from ..paths import Dirs
from ..record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DB_NAME = "outcomes.sqlite3"
_TRUE = {"1", "true", "yes", "on"}


@record(frozen=True)
class FeedbackState:
    enabled: bool
    reason: str


def _env_on(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def feedback_state(dirs: Dirs, env: dict[str, str]) -> FeedbackState:
    if _env_on(env.get("DO_NOT_TRACK")):
        return FeedbackState(False, "DO_NOT_TRACK=1 is set")
    if _env_on(env.get("SELFHELP_NO_FEEDBACK")):
        return FeedbackState(False, "SELFHELP_NO_FEEDBACK=1 is set")
    value = load_config(dirs).get("feedback")
    if value is False:
        return FeedbackState(False, "turned off with `selfhelp feedback disable`")
    if value is True:
        return FeedbackState(True, "turned on with `selfhelp feedback enable`")
    return FeedbackState(True, "on by default (kept on this machine only)")


def set_enabled(dirs: Dirs, enabled: bool) -> None:
    update_config(dirs, feedback=enabled)


def db_path(dirs: Dirs) -> Path:
    return dirs.data / DB_NAME


def read_manifest(folder: Path) -> dict[str, Any]:
    """A guide pack's optional manifest, read with the same safe parser as guides."""
    from ..guides.diagnostics import Reporter
    from ..guides.yamlsrc import parse
    from ..guides.yvalues import YMap, YScalar

    path = folder / "selfhelp.yaml"
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    root = parse(data, Reporter(str(path)))
    if not isinstance(root, YMap):
        return {}
    return {k: v.value for k, v in root.items.items() if isinstance(v, YScalar) and v.kind == "str"}
