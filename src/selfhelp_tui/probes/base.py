"""What every probe is made of: its result, its parameters, its registry entry, and
the limits every probe keeps. Apart from the registry (`__init__.py`) so that the
modules of probes (`network.py`, `system.py`) can use them without importing it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..record import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Longest captured output kept in a result, in characters (head and tail are kept).
OUTPUT_CAP = 8000
#: How much output `run` reads back, in bytes, at each end: the `matches` regex sees
#: this much, and a command printing gigabytes cannot fill memory.
READ_WINDOW = 100_000
#: No probe waits longer than this, whatever the guide or the caller asks.
MAX_TIMEOUT = 60.0
#: Default timeout of the probes that only look at this machine.
QUICK_TIMEOUT = 1.0
#: Default timeouts of the probes that wait on something else.
TCP_TIMEOUT = 2.0
DNS_TIMEOUT = 3.0
RUN_TIMEOUT = 10.0
#: Extra time the watchdog gives `tcp_connect` for the name lookup, which the
#: connect timeout does not bound.
DNS_GRACE = 1.0

STATUSES = ("pass", "fail", "unavailable", "timeout", "error")
OS_NAMES = ("linux", "macos", "windows")


@record(frozen=True)
class ProbeResult:
    #: "pass" | "fail" | "unavailable" | "timeout" | "error"
    status: str
    #: One line for people, e.g. "12.3 GB free on / (at least 1 GB needed)".
    summary: str
    #: Captured command output (`run` only), capped at OUTPUT_CAP chars, redacted.
    output: str = ""
    #: The argv for `run`, else ().
    command: tuple[str, ...] = ()
    duration_s: float = 0.0

    @property
    def decided(self) -> bool:
        """Whether the probe answered the question (a guide branches on pass/fail;
        anything else falls back to asking the reader)."""
        return self.status in ("pass", "fail")


@record(frozen=True)
class Param:
    """One parameter of a probe: its kind decides the check in `param_errors`.

    Kinds: `str` (non-empty), `text` (any string), `int`, `port`, `number` (a
    timeout), `positive` (a number above 0), `percent` (0 to 100), `size`, `regex`,
    `argv` (a non-empty list of strings), `choice` (one of `choices`)."""

    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()


if TYPE_CHECKING:
    #: check(params, timeout) -> result (duration is filled in by run_probe).
    CheckFn = Callable[[Mapping[str, Any], float], ProbeResult]
    DescribeFn = Callable[[Mapping[str, Any]], str]


@record(frozen=True)
class Probe:
    """One kind of check. Everything the validator, the consent prompt and the runner
    need is here, so adding a probe is adding one entry to `PROBES`."""

    name: str
    params: Mapping[str, Param]
    check: CheckFn
    describe: DescribeFn
    default_timeout: float = QUICK_TIMEOUT
    #: Whether the reader must see the exact command and agree before it runs.
    needs_consent: bool = False
    #: None: the probe enforces its own deadline (no watchdog thread). Otherwise the
    #: watchdog gives up after the timeout plus this many seconds.
    watchdog_grace: float | None = 0.0


def seconds(value: float) -> str:
    """A duration for a summary line: `2`, `0.5`."""
    return f"{value:g}"
