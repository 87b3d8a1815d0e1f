"""Where selfhelp keeps things, from platformdirs, with the documented overrides."""

from __future__ import annotations

import os
from pathlib import Path

from .record import record

APP_NAME = "selfhelp-tui"


@record(frozen=True)
class Dirs:
    data: Path  # outcome log, the user's own guides
    state: Path  # the walk in progress (resume)
    config: Path  # config.toml-like settings
    cache: Path  # the library index

    @property
    def user_guides(self) -> Path:
        return self.data / "guides"


def resolve_dirs(data_dir: str | None = None, env: dict[str, str] | None = None) -> Dirs:
    """--data-dir beats SELFHELP_DATA_DIR beats platformdirs. A data dir given
    explicitly holds everything (state, config and cache too) so that tests and
    portable installs touch nothing else."""
    env = dict(os.environ) if env is None else env
    chosen = data_dir or env.get("SELFHELP_DATA_DIR")
    if chosen:
        root = Path(chosen).expanduser()
        return Dirs(root, root / "state", root / "config", root / "cache")
    import platformdirs  # only here: a chosen data dir needs none of it

    return Dirs(
        Path(platformdirs.user_data_dir(APP_NAME)),
        Path(platformdirs.user_state_dir(APP_NAME)),
        Path(platformdirs.user_config_dir(APP_NAME)),
        Path(platformdirs.user_cache_dir(APP_NAME)),
    )
