"""System probes: what a technician would read off `ps`, `free`, `uptime`, `df -i`,
`timedatectl` and a configuration file, read by selfhelp itself (nothing is run).

Linux answers from `/proc` and the kernel; where a system has no such source the
result is `unavailable` and the guide asks its fallback question. The roots are
module attributes so tests can point them at a made-up machine.
"""

from __future__ import annotations

import os
import sys
import time

from ..i18n import _
from ..i18n.fmt import number
from .base import ProbeResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

PROC = "/proc"
#: The most of a file `file_contains` reads: configuration files are small, and a
#: guide pointing it at a huge file must not cost memory.
FILE_READ_LIMIT = 1_000_000
#: A line quoted in a summary is cut to this many characters.
QUOTE_LIMIT = 120
#: Linux keeps a process name (`comm`) to 15 characters.
COMM_LENGTH = 15
#: No clock that reads earlier than this is right: the day this version of
#: selfhelp was made (a machine whose battery died often starts in 1970 or 2000).
EARLIEST_PLAUSIBLE = "2026-12-01"


def _linux() -> bool:
    return sys.platform.startswith("linux")


def _unavailable_here() -> ProbeResult:
    return ProbeResult("unavailable", _("This check cannot run on this system"))


def _format_size(n: int) -> str:
    from . import format_size

    return format_size(n)


# --- process_running ------------------------------------------------------------


def _processes_named(name: str) -> list[int]:
    """PIDs of the processes called `name`, by their kernel name (`comm`, cut to 15
    characters) or the file name of the program they run."""
    short = name[:COMM_LENGTH]
    found: list[int] = []
    try:
        entries = os.listdir(PROC)
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit():
            continue
        base = os.path.join(PROC, entry)
        try:
            with open(os.path.join(base, "comm"), encoding="utf-8", errors="replace") as f:
                comm = f.read(64).strip()
        except OSError:
            continue  # gone since the listing, or not ours to read
        if comm == short and (len(name) <= COMM_LENGTH or _argv0_is(base, name)):
            found.append(int(entry))
    return sorted(found)


def _argv0_is(base: str, name: str) -> bool:
    try:
        with open(os.path.join(base, "cmdline"), "rb") as f:
            argv0 = f.read(4096).split(b"\0", 1)[0]
    except OSError:
        return False
    return os.path.basename(argv0.decode("utf-8", "replace")) == name


def check_process_running(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    if not _linux() or not os.path.isdir(PROC):
        return _unavailable_here()
    name = params["name"]
    pids = _processes_named(name)
    if not pids:
        return ProbeResult("fail", _("No process named {name} is running").format(name=name))
    shown = ", ".join(str(p) for p in pids[:5]) + (", …" if len(pids) > 5 else "")
    return ProbeResult(
        "pass", _("{name} is running (process {pids})").format(name=name, pids=shown)
    )


def describe_process_running(params: Mapping[str, Any]) -> str:
    return _("Is a process named {name} running?").format(name=params["name"])


# --- memory_available -----------------------------------------------------------


def _meminfo() -> dict[str, int]:
    """/proc/meminfo in bytes."""
    values: dict[str, int] = {}
    with open(os.path.join(PROC, "meminfo"), encoding="ascii", errors="replace") as f:
        for line in f.read(100_000).splitlines():
            key, _sep, rest = line.partition(":")
            parts = rest.split()
            if parts and parts[0].isdigit():
                unit = 1024 if len(parts) > 1 and parts[1].lower() == "kb" else 1
                values[key.strip()] = int(parts[0]) * unit
    return values


def check_memory_available(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    from . import parse_size

    if not _linux():
        return _unavailable_here()
    try:
        info = _meminfo()
    except OSError:
        return _unavailable_here()
    if "MemAvailable" not in info or "MemTotal" not in info:
        return ProbeResult("unavailable", _("This kernel does not report the memory available"))
    minimum = parse_size(params["minimum"])
    available, total = info["MemAvailable"], info["MemTotal"]
    summary = _("{available} of {total} memory available (at least {minimum} expected)").format(
        available=_format_size(available), total=_format_size(total), minimum=_format_size(minimum)
    )
    swap_total = info.get("SwapTotal", 0)
    if swap_total:
        used = swap_total - info.get("SwapFree", swap_total)
        summary += "; " + _("swap: {used} of {total} in use").format(
            used=_format_size(used), total=_format_size(swap_total)
        )
    return ProbeResult("pass" if available >= minimum else "fail", summary)


def describe_memory_available(params: Mapping[str, Any]) -> str:
    from . import parse_size

    return _("Is at least {minimum} of memory available?").format(
        minimum=_format_size(parse_size(params["minimum"]))
    )


# --- cpu_load -------------------------------------------------------------------


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_cpu_load(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    try:
        one, five, fifteen = os.getloadavg()
    except (AttributeError, OSError):
        return _unavailable_here()
    limit = float(params.get("per_core", 1.0))
    cores = _cores()
    summary = _(
        "Load {one} over the last minute ({five} over 5, {fifteen} over 15) on {cores} CPU "
        "cores: {per_core} per core (at most {limit} expected)"
    ).format(
        one=number(one, 2),
        five=number(five, 2),
        fifteen=number(fifteen, 2),
        cores=cores,
        per_core=number(one / cores, 2),
        limit=number(limit, 2),
    )
    return ProbeResult("pass" if one / cores <= limit else "fail", summary)


def describe_cpu_load(params: Mapping[str, Any]) -> str:
    return _("Is the load at most {limit} per CPU core?").format(
        limit=number(float(params.get("per_core", 1.0)), 2)
    )


# --- free_inodes ----------------------------------------------------------------


def check_free_inodes(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    path = params["path"]
    full = os.path.expanduser(path)
    try:
        stats = os.statvfs(full)
    except (AttributeError, OSError):
        return ProbeResult(
            "unavailable", _("The inodes of {path} cannot be counted here").format(path=path)
        )
    if not stats.f_files:
        # btrfs, ZFS and others make inodes as needed: they cannot run out of them.
        return ProbeResult(
            "pass", _("The file system of {path} has no fixed number of inodes").format(path=path)
        )
    minimum = float(params["minimum_percent"])
    free = 100.0 * stats.f_favail / stats.f_files
    summary = _("{free} of the inodes free on {path} (at least {minimum} expected)").format(
        free=_percent(free), path=path, minimum=_percent(minimum)
    )
    return ProbeResult("pass" if free >= minimum else "fail", summary)


def _percent(value: float) -> str:
    from ..i18n.fmt import percent

    return percent(value, 0 if value >= 10 or value == int(value) else 1)


def describe_free_inodes(params: Mapping[str, Any]) -> str:
    return _("Are at least {minimum} of the inodes free on {path}?").format(
        minimum=_percent(float(params["minimum_percent"])), path=params["path"]
    )


# --- file_contains --------------------------------------------------------------


def check_file_contains(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    import re
    import stat

    from .redact import redact

    path, pattern = params["path"], params["matches"]
    full = os.path.expanduser(path)
    try:
        info = os.stat(full)
    except FileNotFoundError:
        return ProbeResult("fail", _("{path} does not exist").format(path=path))
    except OSError:
        return ProbeResult("unavailable", _("{path} cannot be read").format(path=path))
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or a device could block the read forever.
        return ProbeResult("unavailable", _("{path} is not a regular file").format(path=path))
    try:
        with open(full, encoding="utf-8", errors="replace") as f:
            text = f.read(FILE_READ_LIMIT)
    except PermissionError:
        return ProbeResult(
            "unavailable",
            _("{path} cannot be read without more rights").format(path=path),
        )
    except OSError:
        return ProbeResult("unavailable", _("{path} cannot be read").format(path=path))
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        return ProbeResult(
            "fail", _("No line of {path} matches `{pattern}`").format(path=path, pattern=pattern)
        )
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.start())
    line = redact(text[start : end if end >= 0 else len(text)].strip())
    if len(line) > QUOTE_LIMIT:
        line = line[: QUOTE_LIMIT - 1] + "…"
    return ProbeResult("pass", _("{path} has the line: {line}").format(path=path, line=line))


def describe_file_contains(params: Mapping[str, Any]) -> str:
    return _("Does {path} have a line matching `{pattern}`?").format(
        path=params["path"], pattern=params["matches"]
    )


# --- clock_synchronized ---------------------------------------------------------


def _kernel_clock_unsynchronized() -> bool | None:
    """What `timedatectl` shows as "System clock synchronized": the kernel's
    STA_UNSYNC flag, read with adjtimex(2) in read-only mode (modes 0). None where
    the call is not there."""
    import ctypes
    import ctypes.util

    class Timeval(ctypes.Structure):
        _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]

    class Timex(ctypes.Structure):
        _fields_ = [
            ("modes", ctypes.c_uint),
            ("offset", ctypes.c_long),
            ("freq", ctypes.c_long),
            ("maxerror", ctypes.c_long),
            ("esterror", ctypes.c_long),
            ("status", ctypes.c_int),
            ("constant", ctypes.c_long),
            ("precision", ctypes.c_long),
            ("tolerance", ctypes.c_long),
            ("time", Timeval),
            ("tick", ctypes.c_long),
            ("ppsfreq", ctypes.c_long),
            ("jitter", ctypes.c_long),
            ("shift", ctypes.c_int),
            ("stabil", ctypes.c_long),
            ("jitcnt", ctypes.c_long),
            ("calcnt", ctypes.c_long),
            ("errcnt", ctypes.c_long),
            ("stbcnt", ctypes.c_long),
            ("tai", ctypes.c_int),
            ("_reserved", ctypes.c_int * 11),
        ]

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        adjtimex = libc.adjtimex
    except (OSError, AttributeError):
        return None
    timex = Timex()
    if adjtimex(ctypes.byref(timex)) < 0:
        return None
    sta_unsync = 0x0040
    # systemd counts a clock whose maximum error reached 16 s as unsynchronized too.
    return bool(timex.status & sta_unsync) or timex.maxerror >= 16_000_000


def _clock_text(now: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(now))


def check_clock_synchronized(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    now = time.time()
    reads = _("The clock reads {time}").format(time=_clock_text(now))
    if time.strftime("%Y-%m-%d", time.gmtime(now)) < EARLIEST_PLAUSIBLE:
        return ProbeResult(
            "fail",
            reads + ": " + _("that is before this version of selfhelp was made, so it is wrong"),
        )
    if not _linux():
        return ProbeResult("unavailable", reads)
    unsynced = _kernel_clock_unsynchronized()
    if unsynced is None:
        return ProbeResult("unavailable", reads)
    if unsynced:
        return ProbeResult("fail", reads + "; " + _("it is not synchronized with a time server"))
    return ProbeResult("pass", reads + "; " + _("it is synchronized with a time server"))


def describe_clock_synchronized(params: Mapping[str, Any]) -> str:
    return _("Is the system clock plausible and synchronized with a time server?")
