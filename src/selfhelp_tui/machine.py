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


#: Where os-release(5) may be, in the order systemd reads them.
OS_RELEASE_FILES = ("/etc/os-release", "/usr/lib/os-release")
#: The package manager of each distribution family, by os-release ID or ID_LIKE.
PACKAGE_MANAGERS = {
    "debian": "apt",
    "ubuntu": "apt",
    "fedora": "dnf",
    "rhel": "dnf",
    "centos": "dnf",
    "rocky": "dnf",
    "almalinux": "dnf",
    "ol": "dnf",
    "amzn": "dnf",
    "suse": "zypper",
    "opensuse": "zypper",
    "sles": "zypper",
    "arch": "pacman",
    "manjaro": "pacman",
    "alpine": "apk",
}
#: When os-release names no known family: the first of these on the PATH.
PACKAGE_COMMANDS = (
    ("apt-get", "apt"),
    ("dnf", "dnf"),
    ("yum", "dnf"),
    ("zypper", "zypper"),
    ("pacman", "pacman"),
    ("apk", "apk"),
)


def os_release() -> dict[str, str]:
    """The os-release file as a mapping (ID, ID_LIKE, PRETTY_NAME...); empty where
    there is none. Quotes and escapes as the format defines them."""
    for path in OS_RELEASE_FILES:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(65536)
        except OSError:
            continue
        values: dict[str, str] = {}
        for line in text.splitlines():
            key, sep, value = line.strip().partition("=")
            if not sep or key.startswith("#"):
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            values[key.strip()] = value
        return values
    return {}


def linux_facts() -> dict[str, str]:
    """`distro` (os-release ID), `pkg` (the package manager commands are written
    for) and `init` (systemd or other: containers and WSL often run without it)."""
    import os

    release = os_release()
    facts: dict[str, str] = {}
    distro = release.get("ID", "").lower()
    if distro:
        facts["distro"] = distro
    for name in [distro, *release.get("ID_LIKE", "").lower().split()]:
        if name in PACKAGE_MANAGERS:
            facts["pkg"] = PACKAGE_MANAGERS[name]
            break
    else:
        import shutil

        for command, pkg in PACKAGE_COMMANDS:
            if shutil.which(command):
                facts["pkg"] = pkg
                break
    # sd_booted(3): systemd is the init system when this folder exists.
    facts["init"] = "systemd" if os.path.isdir("/run/systemd/system") else "other"
    return facts


def machine_facts() -> dict[str, str]:
    """The built-in facts of this machine (guides/model.py BUILTIN_FACTS lists their
    values): `os` always; on Linux `distro`, `pkg` and `init`; on macOS `pkg` is
    `brew` where Homebrew is installed."""
    facts = {"os": current_os()}
    if facts["os"] == "linux":
        facts.update(linux_facts())
    elif facts["os"] == "macos":
        import shutil

        if shutil.which("brew"):
            facts["pkg"] = "brew"
    return facts
