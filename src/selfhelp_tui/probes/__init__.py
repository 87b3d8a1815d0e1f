"""Machine checks a guide can run instead of asking the reader ("is git installed?").

Each probe is a `Probe` in `PROBES`: its parameters, a function that checks, a
function that says in one line what will be checked, and its default timeout. A new
probe is one new entry there; the guide validator (`param_errors`), the consent
prompt (`describe_probe`, `needs_consent`) and `run_probe` all read the registry.

Promises `run_probe` keeps, whatever the guide says:

- it never raises for a probe that exists: a crash inside a probe, bad parameters or
  a hang become a result (`error`, `timeout`), so a frontend only has to show it;
- it never waits much longer than the timeout (at most `MAX_TIMEOUT`): the quick
  probes run on a watchdog thread, `run` kills the command and its process group;
- `run` never goes through a shell: the argv is executed as written, which is also
  exactly what `describe_probe` shows the reader before asking for consent;
- command output is cleaned of escape sequences and control characters
  (`sanitize.strip`), redacted (`redact.py`) and capped (`OUTPUT_CAP`) before it
  leaves this module.

No frontend code here: the caller decides when to ask for consent and how to show
the result.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import time
from collections.abc import Mapping, Sequence

from ..i18n import _
from ..machine import current_os
from ..record import replace
from ..sanitize import strip
from . import network, system
from .base import (
    DNS_GRACE,
    DNS_TIMEOUT,
    MAX_TIMEOUT,
    OS_NAMES,
    OUTPUT_CAP,
    READ_WINDOW,
    RUN_TIMEOUT,
    TCP_TIMEOUT,
    Param,
    Probe,
    ProbeResult,
)
from .base import (
    QUICK_TIMEOUT as QUICK_TIMEOUT,
)
from .base import (
    STATUSES as STATUSES,
)
from .base import seconds as _seconds
from .redact import redact

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from typing import IO, Any


# --- sizes --------------------------------------------------------------------

_UNITS = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "pb": 1000**5,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
    "pib": 1024**5,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z]*)\s*$")


def parse_size(text: str | int) -> int:
    """ "500MB", "1 GB", "2GiB", 1024 -> bytes. KB/MB/GB are powers of 1000 (as disk
    makers and `df -H` count), KiB/MiB/GiB powers of 1024. ValueError on anything
    else, so a guide's typo is reported instead of guessed at."""
    if isinstance(text, bool):
        raise ValueError(f"not a size: {text!r}")
    if isinstance(text, int):
        if text < 0:
            raise ValueError(f"a size cannot be negative: {text}")
        return text
    if isinstance(text, float):
        if not math.isfinite(text) or text < 0:
            raise ValueError(f"not a size: {text!r}")
        return int(text)
    if not isinstance(text, str):
        raise ValueError(f"not a size: {text!r}")
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (write e.g. 500MB, 1 GB or 2GiB)")
    number, unit = match.groups()
    factor = _UNITS.get(unit.lower())
    if factor is None:
        raise ValueError(f"unknown size unit {unit!r} in {text!r} (use B, KB, MB, GB, TB, GiB…)")
    return int(float(number) * factor)


def format_size(n: int, lang: str | None = None) -> str:
    """Bytes for people, in the units `parse_size` reads and the number format of the
    reader's language: `12.3 GB` (en), `82,5 GB` (nb, es, ...), `1 GB`, `512 B`."""
    from ..i18n.fmt import number

    if n < 1000:
        return f"{number(n, 0, lang)} B"
    units = ("KB", "MB", "GB", "TB", "PB")
    value, index = n / 1000, 0
    while value >= 999.95 and index < len(units) - 1:  # 999.96 KB would print as 1000.0
        value, index = value / 1000, index + 1
    decimals = 0 if f"{value:.1f}".endswith(".0") else 1
    return f"{number(value, decimals, lang)} {units[index]}"


# --- parameters ---------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _param_error(name: str, key: str, spec: Param, value: Any) -> str | None:
    # Each message is a whole sentence; `probe` and `param` are the names as written.
    where = {"probe": name, "param": key}
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str) or not value:
            return _("probe '{probe}': '{param}' must be a non-empty string").format(**where)
        if "\x00" in value:
            return _("probe '{probe}': '{param}' must not contain a NUL character").format(**where)
    elif kind == "text":
        if not isinstance(value, str):
            return _("probe '{probe}': '{param}' must be a string").format(**where)
    elif kind == "int":
        if not _is_int(value):
            return _("probe '{probe}': '{param}' must be a whole number").format(**where)
    elif kind == "port":
        if not _is_int(value) or not 1 <= value <= 65535:
            return _("probe '{probe}': '{param}' must be a port number from 1 to 65535").format(
                **where
            )
    elif kind == "number":
        if not _is_number(value) or not 0 < float(value) <= MAX_TIMEOUT:
            return _(
                "probe '{probe}': '{param}' must be a number of seconds above 0 and at most {limit}"
            ).format(**where, limit=f"{MAX_TIMEOUT:g}")
    elif kind == "positive":
        if not _is_number(value) or float(value) <= 0:
            return _("probe '{probe}': '{param}' must be a number above 0").format(**where)
    elif kind == "percent":
        if not _is_number(value) or not 0 <= float(value) <= 100:
            return _("probe '{probe}': '{param}' must be a percentage from 0 to 100").format(
                **where
            )
    elif kind == "size":
        try:
            parse_size(value)
        except ValueError as exc:
            # parse_size's own explanation stays English (it is also an API error).
            return _("probe '{probe}': '{param}': {problem}").format(**where, problem=exc)
    elif kind == "regex":
        if not isinstance(value, str):
            return _("probe '{probe}': '{param}' must be a regular expression (a string)").format(
                **where
            )
        try:
            re.compile(value)
        except re.error as exc:
            return _(
                "probe '{probe}': '{param}' is not a valid regular expression: {problem}"
            ).format(**where, problem=exc)
    elif kind == "argv":
        if (
            not isinstance(value, (list, tuple))
            or not value
            or not all(isinstance(a, str) for a in value)
        ):
            return _(
                "probe '{probe}': '{param}' must be a non-empty list of strings "
                "(the program, then its arguments)"
            ).format(**where)
        if not value[0]:
            return _("probe '{probe}': '{param}': the program name is empty").format(**where)
        if any("\x00" in a for a in value):
            return _("probe '{probe}': '{param}' must not contain a NUL character").format(**where)
    elif kind == "choice" and value not in spec.choices:
        return _("probe '{probe}': '{param}' must be one of: {choices}").format(
            **where, choices=", ".join(spec.choices)
        )
    return None


def param_errors(name: str, params: Any) -> list[str]:
    """What is wrong with `params` for probe `name` (empty when they are fine): an
    unknown probe, a missing, unknown or wrong-typed parameter, a bad regex or size.
    For the guide validator; `run_probe` also refuses to run with any of these.
    The messages are in the reader's language (made when called)."""
    probe = PROBES.get(name)
    if probe is None:
        known = ", ".join(sorted(PROBES))
        return [
            _("unknown probe '{probe}' (known probes: {known})").format(probe=name, known=known)
        ]
    if not isinstance(params, Mapping):
        return [_("probe '{probe}': the parameters must be a mapping").format(probe=name)]
    errors: list[str] = []
    for key, spec in probe.params.items():
        if key not in params:
            if spec.required:
                errors.append(
                    _("probe '{probe}': missing parameter '{param}'").format(probe=name, param=key)
                )
            continue
        problem = _param_error(name, key, spec, params[key])
        if problem:
            errors.append(problem)
    for key in params:
        if key not in probe.params:
            allowed = ", ".join(probe.params)
            errors.append(
                _("probe '{probe}': unknown parameter '{param}' (allowed: {allowed})").format(
                    probe=name, param=key, allowed=allowed
                )
            )
    return errors


def _get(name: str) -> Probe:
    probe = PROBES.get(name)
    if probe is None:
        raise ValueError(f"unknown probe {name!r}")
    return probe


def needs_consent(name: str) -> bool:
    """True only for probes that run something the guide chose (`run`)."""
    probe = PROBES.get(name)
    return bool(probe and probe.needs_consent)


def describe_probe(name: str, params: Mapping[str, Any]) -> str:
    """One line saying what will be checked, shown before and beside the result; for
    `run` it holds the exact command (shlex-quoted), which is what consent is for."""
    probe = _get(name)
    try:
        return probe.describe(params)
    except Exception:
        return _("Check `{name}` (its parameters are not valid)").format(name=name)


# --- running ------------------------------------------------------------------


def _effective_timeout(probe: Probe, params: Mapping[str, Any], timeout: float | None) -> float:
    """The caller's timeout, else the guide's `timeout` parameter, else the probe's
    default; always within (0, MAX_TIMEOUT]."""
    value: Any = timeout
    if value is None and "timeout" in probe.params:
        value = params.get("timeout")
    if not _is_number(value) or float(value) <= 0:
        value = probe.default_timeout
    return min(float(value), MAX_TIMEOUT)


def _with_watchdog(
    probe: Probe, params: Mapping[str, Any], timeout: float, deadline: float
) -> ProbeResult:
    """Run a check on a daemon thread and stop waiting at the deadline: a hung
    network mount or resolver must not freeze the interface. The thread is left to
    finish on its own (no Python thread can be killed); it holds nothing we need."""
    import threading

    box: list[ProbeResult | BaseException] = []

    def work() -> None:
        try:
            box.append(probe.check(params, timeout))
        except BaseException as exc:  # reported below, on the caller's thread
            box.append(exc)

    thread = threading.Thread(target=work, name=f"probe-{probe.name}", daemon=True)
    thread.start()
    thread.join(deadline)
    if not box:
        return ProbeResult(
            "timeout",
            _("No answer within {seconds} s").format(seconds=_seconds(deadline)),
        )
    outcome = box[0]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def run_probe(
    name: str,
    params: Mapping[str, Any],
    *,
    timeout: float | None = None,
    extra_secret_patterns: Sequence[str] = (),
) -> ProbeResult:
    """Run probe `name`. Never raises, except ValueError for an unknown probe: bad
    parameters, a crash and a hang are results (`error`, `timeout`). `timeout`
    overrides the guide's and the probe's own; `extra_secret_patterns` (the guide's)
    are redacted from the output along with the built-in ones."""
    probe = _get(name)
    started = time.monotonic()
    problems = param_errors(name, params)
    if problems:
        result = ProbeResult(
            "error", _("This check is not set up correctly: {problem}").format(problem=problems[0])
        )
    else:
        limit = _effective_timeout(probe, params, timeout)
        try:
            if probe.watchdog_grace is None:
                result = probe.check(params, limit)
            else:
                result = _with_watchdog(probe, params, limit, limit + probe.watchdog_grace)
        except Exception as exc:
            result = ProbeResult(
                "error",
                _("The check failed unexpectedly: {error}").format(
                    error=f"{type(exc).__name__}: {exc}"
                ),
            )
    if result.output:
        # Redact before capping: a cut must not split a secret out of a pattern's reach.
        output = cap_output(redact(result.output, extra_secret_patterns))
        result = replace(result, output=output)
    summary = strip(result.summary)[0]  # it may quote an error from the system
    return replace(result, summary=summary, duration_s=time.monotonic() - started)


# --- the probes ---------------------------------------------------------------


def _check_command_exists(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    import shutil

    command = params["command"]
    found = shutil.which(command)
    if found:
        return ProbeResult(
            "pass", _("`{command}` is at {path}").format(command=command, path=found)
        )
    return ProbeResult("fail", _("`{command}` is not on the PATH").format(command=command))


def _describe_command_exists(params: Mapping[str, Any]) -> str:
    return _("Is `{command}` on the PATH?").format(command=params["command"])


def _check_file_exists(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    path = params["path"]
    if os.path.exists(os.path.expanduser(path)):
        return ProbeResult("pass", _("{path} exists").format(path=path))
    return ProbeResult("fail", _("{path} does not exist").format(path=path))


def _describe_file_exists(params: Mapping[str, Any]) -> str:
    return _("Does {path} exist?").format(path=params["path"])


def _check_free_space(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    import shutil

    path = params["path"]
    minimum = parse_size(params["minimum"])
    full = os.path.expanduser(path)
    if not os.path.exists(full):
        return ProbeResult(
            "unavailable",
            _("{path} does not exist, so its free space is unknown").format(path=path),
        )
    free = shutil.disk_usage(full).free
    summary = _("{free} free on {path} (at least {minimum} needed)").format(
        free=format_size(free), path=path, minimum=format_size(minimum)
    )
    return ProbeResult("pass" if free >= minimum else "fail", summary)


def _describe_free_space(params: Mapping[str, Any]) -> str:
    return _("Is there at least {minimum} free on {path}?").format(
        minimum=format_size(parse_size(params["minimum"])), path=params["path"]
    )


def _check_tcp_connect(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    import socket

    host, port = params["host"], params["port"]
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except socket.gaierror:
        return ProbeResult("fail", _("The name {host} did not resolve").format(host=host))
    except ConnectionRefusedError:
        return ProbeResult("fail", _("{where} refused the connection").format(where=where))
    except TimeoutError:
        return ProbeResult(
            "fail",
            _("{where} did not answer within {seconds} s").format(
                where=where, seconds=_seconds(timeout)
            ),
        )
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return ProbeResult(
            "fail", _("Could not connect to {where}: {reason}").format(where=where, reason=reason)
        )
    return ProbeResult("pass", _("Connected to {where}").format(where=where))


def _describe_tcp_connect(params: Mapping[str, Any]) -> str:
    return _("Can this computer connect to {host} on port {port}?").format(
        host=params["host"], port=params["port"]
    )


def _check_env_var(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    name = params["name"]
    value = os.environ.get(name)
    if value is None:
        return ProbeResult("fail", _("`{name}` is not set").format(name=name))
    if "equals" in params and value != params["equals"]:
        # The value is not shown: environment variables often hold secrets.
        return ProbeResult(
            "fail", _("`{name}` is set, but not to the expected value").format(name=name)
        )
    if "equals" in params:
        return ProbeResult("pass", _("`{name}` is set to the expected value").format(name=name))
    return ProbeResult("pass", _("`{name}` is set").format(name=name))


def _describe_env_var(params: Mapping[str, Any]) -> str:
    if "equals" in params:
        return _("Is the environment variable `{name}` set to `{value}`?").format(
            name=params["name"], value=params["equals"]
        )
    return _("Is the environment variable `{name}` set?").format(name=params["name"])


def _os_label(name: str) -> str:
    labels = {"linux": _("Linux"), "macos": _("macOS"), "windows": _("Windows")}
    return labels.get(name, name)


def _check_os(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    wanted, here = params["is"], current_os()
    if wanted == here:
        return ProbeResult("pass", _("This computer runs {os}").format(os=_os_label(here)))
    return ProbeResult(
        "fail",
        _("This computer runs {os}, not {wanted}").format(
            os=_os_label(here), wanted=_os_label(wanted)
        ),
    )


def _describe_os(params: Mapping[str, Any]) -> str:
    return _("Is this computer running {os}?").format(os=_os_label(params["is"]))


# --- run ----------------------------------------------------------------------


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command and everything it started: the process group on POSIX (the
    command leads its own session), the process on Windows."""
    import signal

    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()


class _Drain:
    """Reads a command's output as it comes, keeping only the first and the last
    READ_WINDOW bytes: a command that prints gigabytes costs neither memory nor
    disk, and never blocks on a full pipe."""

    def __init__(self, stream: IO[bytes]) -> None:
        import threading

        self.stream = stream
        self.head = bytearray()
        self.tail = bytearray()
        self.cut = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := self.stream.read1(65536):  # type: ignore[attr-defined]
                room = READ_WINDOW - len(self.head)
                if room > 0:
                    self.head += chunk[:room]
                    chunk = chunk[room:]
                if chunk:
                    self.tail += chunk
                    if len(self.tail) > READ_WINDOW:
                        del self.tail[: len(self.tail) - READ_WINDOW]
                        self.cut = True

    def text(self, wait: float = 1.0) -> str:
        """The output kept (decoded like `text=True` would, bad bytes replaced)."""
        import locale

        self.thread.join(wait)
        if not self.thread.is_alive():  # closing under a blocked reader could hang
            with contextlib.suppress(OSError):
                self.stream.close()
        data = bytes(self.head) + (b"\n" if self.cut else b"") + bytes(self.tail)
        encoding = locale.getpreferredencoding(False) or "utf-8"
        # A command's colours and escapes go where the output is read: they would
        # drive the terminal it is shown on, and could split a word from the
        # `matches` pattern or a secret from its redaction pattern.
        return strip(data.decode(encoding, errors="replace"))[0]


def cap_output(text: str, cap: int = OUTPUT_CAP) -> str:
    """At most `cap` characters: the head and the tail (where errors usually are),
    with a line marking the cut between them."""
    if len(text) <= cap:
        return text
    marker = "\n" + _("[… output cut here …]") + "\n"
    keep = max(cap - len(marker), 0)
    head = keep // 2
    tail = keep - head
    return text[:head] + marker + (text[len(text) - tail :] if tail else "")


def _check_run(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    import shlex
    import subprocess

    argv = tuple(params["command"])
    expected = params.get("exit_code", 0)
    pattern = params.get("matches")
    shown = shlex.join(argv)
    popen_extra: dict[str, Any] = {}
    if os.name == "posix":
        popen_extra["start_new_session"] = True
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            shell=False,
            **popen_extra,
        )
    except FileNotFoundError:
        return ProbeResult(
            "unavailable",
            _("`{program}` is not installed or not on the PATH").format(program=argv[0]),
            command=argv,
        )
    except PermissionError:
        return ProbeResult(
            "unavailable",
            _("`{program}` cannot be run (permission denied)").format(program=argv[0]),
            command=argv,
        )
    assert proc.stdout is not None
    drain = _Drain(proc.stdout)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        proc.wait()
        return ProbeResult(
            "timeout",
            _("`{command}` did not finish within {seconds} s and was stopped").format(
                command=shown, seconds=_seconds(timeout)
            ),
            output=drain.text(),
            command=argv,
        )
    finally:
        # Whatever the command left running in its group goes too: a check leaves
        # nothing behind (and nothing then holds the output open).
        _kill_tree(proc)
        if proc.poll() is None:  # an interrupt (Ctrl+C) while waiting
            proc.wait()
    output = drain.text()
    code_ok = code == expected
    matched = bool(re.search(pattern, output)) if pattern is not None else True
    if code_ok and pattern is not None:
        summary = (
            _("`{command}` exited with {code} and its output matched `{pattern}`")
            if matched
            else _("`{command}` exited with {code}, but its output did not match `{pattern}`")
        ).format(command=shown, code=code, pattern=pattern)
    elif code_ok:
        summary = _("`{command}` exited with {code}").format(command=shown, code=code)
    else:
        summary = _("`{command}` exited with {code} (expected {expected})").format(
            command=shown, code=code, expected=expected
        )
    return ProbeResult(
        "pass" if code_ok and matched else "fail",
        summary,
        output=output,
        command=argv,
    )


def _describe_run(params: Mapping[str, Any]) -> str:
    import shlex

    return _("Run the command `{command}`").format(command=shlex.join(params["command"]))


# --- the registry -------------------------------------------------------------

PROBES: dict[str, Probe] = {
    probe.name: probe
    for probe in (
        Probe(
            "command_exists",
            {"command": Param("str")},
            _check_command_exists,
            _describe_command_exists,
        ),
        Probe("file_exists", {"path": Param("str")}, _check_file_exists, _describe_file_exists),
        Probe(
            "free_space",
            {"path": Param("str"), "minimum": Param("size")},
            _check_free_space,
            _describe_free_space,
        ),
        Probe(
            "tcp_connect",
            {"host": Param("str"), "port": Param("port"), "timeout": Param("number", False)},
            _check_tcp_connect,
            _describe_tcp_connect,
            default_timeout=TCP_TIMEOUT,
            watchdog_grace=DNS_GRACE,
        ),
        Probe(
            "env_var",
            {"name": Param("str"), "equals": Param("text", False)},
            _check_env_var,
            _describe_env_var,
        ),
        Probe("os", {"is": Param("choice", choices=OS_NAMES)}, _check_os, _describe_os),
        Probe(
            "net_interface",
            {
                "interface": Param("str", False),
                "kind": Param("choice", False, network.KINDS),
            },
            network.check_net_interface,
            network.describe_net_interface,
        ),
        Probe(
            "link_up",
            {
                "interface": Param("str", False),
                "kind": Param("choice", False, network.KINDS),
            },
            network.check_link_up,
            network.describe_link_up,
        ),
        Probe(
            "ip_address",
            {
                "interface": Param("str", False),
                "family": Param("choice", False, network.FAMILIES),
            },
            network.check_ip_address,
            network.describe_ip_address,
        ),
        Probe(
            "default_route",
            {"family": Param("choice", False, ("ipv4", "ipv6"))},
            network.check_default_route,
            network.describe_default_route,
        ),
        Probe(
            "dns_resolves",
            {"host": Param("str"), "timeout": Param("number", False)},
            network.check_dns_resolves,
            network.describe_dns_resolves,
            default_timeout=DNS_TIMEOUT,
        ),
        Probe(
            "process_running",
            {"name": Param("str")},
            system.check_process_running,
            system.describe_process_running,
        ),
        Probe(
            "memory_available",
            {"minimum": Param("size")},
            system.check_memory_available,
            system.describe_memory_available,
        ),
        Probe(
            "cpu_load",
            {"per_core": Param("positive", False)},
            system.check_cpu_load,
            system.describe_cpu_load,
        ),
        Probe(
            "free_inodes",
            {"path": Param("str"), "minimum_percent": Param("percent")},
            system.check_free_inodes,
            system.describe_free_inodes,
        ),
        Probe(
            "file_contains",
            {"path": Param("str"), "matches": Param("regex")},
            system.check_file_contains,
            system.describe_file_contains,
        ),
        Probe(
            "clock_synchronized",
            {},
            system.check_clock_synchronized,
            system.describe_clock_synchronized,
        ),
        Probe(
            "run",
            {
                "command": Param("argv"),
                "exit_code": Param("int", False),
                "matches": Param("regex", False),
                "timeout": Param("number", False),
            },
            _check_run,
            _describe_run,
            default_timeout=RUN_TIMEOUT,
            needs_consent=True,
            watchdog_grace=None,
        ),
    )
}
