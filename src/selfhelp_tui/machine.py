"""What this machine is, as guides name it: for the `os` probe and the facts every
walk starts with. Apart from the probes so that starting a walk does not import
their registry."""

from __future__ import annotations

import sys


def current_os() -> str:
    """This machine as the `os` probe names it: linux, macos, windows, or sys.platform."""
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    if sys.platform in ("win32", "cygwin", "msys"):
        return "windows"
    return sys.platform
