"""Probes against the real machine (files, sockets, processes) and secrets redaction.

Every probe is run for real: a file the test creates, a socket it listens on, a
child Python it starts. Only the failures the machine cannot be made to produce on
demand (a name that does not resolve, a connect timeout, a crash inside a probe, a
hung file system) are simulated with monkeypatch.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from selfhelp_tui import probes
from selfhelp_tui.probes import (
    OUTPUT_CAP,
    PROBES,
    ProbeResult,
    describe_probe,
    needs_consent,
    param_errors,
    parse_size,
    run_probe,
)
from selfhelp_tui.probes.redact import DEFAULT_PATTERNS, MARK, redact

PY = sys.executable


def py(code: str, *args: str) -> list[str]:
    """The argv of a child Python running `code`."""
    return [PY, "-c", code, *args]


def fake_github_token(prefix: str = "ghp_") -> str:
    # Built at run time so that no token-shaped literal sits in the repository.
    return prefix + "A1b2C3d4" * 5


# --- file_exists --------------------------------------------------------------


def test_file_exists_passes_for_a_real_file_and_fails_for_a_missing_one(tmp_path: Path) -> None:
    present = tmp_path / "present.txt"
    present.write_text("here")
    result = run_probe("file_exists", {"path": str(present)})
    assert result.status == "pass" and result.decided
    assert str(present) in result.summary

    missing = run_probe("file_exists", {"path": str(tmp_path / "missing.txt")})
    assert missing.status == "fail" and missing.decided
    assert "does not exist" in missing.summary


@pytest.mark.skipif(os.name != "posix", reason="~ comes from HOME on POSIX")
def test_file_exists_expands_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".probe-config").write_text("")
    assert run_probe("file_exists", {"path": "~/.probe-config"}).status == "pass"
    assert run_probe("file_exists", {"path": "~/.not-there"}).status == "fail"


# --- free_space ---------------------------------------------------------------


def test_free_space_passes_for_one_byte_and_fails_for_a_petabyte(tmp_path: Path) -> None:
    small = run_probe("free_space", {"path": str(tmp_path), "minimum": 1})
    assert small.status == "pass"
    assert "free on" in small.summary and "at least 1 B needed" in small.summary

    huge = run_probe("free_space", {"path": str(tmp_path), "minimum": "1 PB"})
    assert huge.status == "fail"
    assert "at least 1 PB needed" in huge.summary


def test_free_space_of_a_missing_path_is_unavailable(tmp_path: Path) -> None:
    result = run_probe("free_space", {"path": str(tmp_path / "nope"), "minimum": "1MB"})
    assert result.status == "unavailable" and not result.decided


# --- tcp_connect --------------------------------------------------------------


def test_tcp_connect_passes_against_a_listening_socket() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        result = run_probe("tcp_connect", {"host": "127.0.0.1", "port": port})
    assert result.status == "pass", result.summary
    assert f"127.0.0.1:{port}" in result.summary


def test_tcp_connect_fails_on_a_closed_port() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    # The port was just released and nothing listens on it.
    result = run_probe("tcp_connect", {"host": "127.0.0.1", "port": port, "timeout": 5})
    assert result.status == "fail", result.summary


def test_tcp_connect_reports_a_name_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_name(*args: Any, **kwargs: Any) -> socket.socket:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "create_connection", no_such_name)
    result = run_probe("tcp_connect", {"host": "printer.invalid", "port": 631})
    assert result.status == "fail"
    assert "printer.invalid" in result.summary and "did not resolve" in result.summary


def test_a_connect_timeout_is_a_fail_not_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def silent(address: tuple[str, int], timeout: float) -> socket.socket:
        seen["timeout"] = timeout
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", silent)
    result = run_probe("tcp_connect", {"host": "10.0.0.1", "port": 443, "timeout": 0.5})
    assert result.status == "fail"
    assert "did not answer" in result.summary
    assert seen["timeout"] == 0.5  # the guide's timeout reached the socket


# --- command_exists -----------------------------------------------------------


def test_command_exists_finds_the_python_running_the_tests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = os.path.dirname(PY)
    monkeypatch.setenv("PATH", here + os.pathsep + os.environ.get("PATH", ""))
    name = os.path.basename(PY)
    result = run_probe("command_exists", {"command": name})
    assert result.status == "pass"
    assert name in result.summary


def test_command_exists_fails_for_a_missing_program() -> None:
    result = run_probe("command_exists", {"command": "selfhelp-surely-not-a-program-9f3k"})
    assert result.status == "fail"
    assert "not on the PATH" in result.summary


# --- env_var ------------------------------------------------------------------


def test_env_var_set_unset_and_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFHELP_PROBE_VAR", "s3cr3t-value")
    assert run_probe("env_var", {"name": "SELFHELP_PROBE_VAR"}).status == "pass"
    equal = run_probe("env_var", {"name": "SELFHELP_PROBE_VAR", "equals": "s3cr3t-value"})
    assert equal.status == "pass"
    other = run_probe("env_var", {"name": "SELFHELP_PROBE_VAR", "equals": "other"})
    assert other.status == "fail"
    # The value may be a secret: no summary shows it.
    assert "s3cr3t-value" not in other.summary + equal.summary

    monkeypatch.delenv("SELFHELP_PROBE_VAR")
    unset = run_probe("env_var", {"name": "SELFHELP_PROBE_VAR"})
    assert unset.status == "fail" and "not set" in unset.summary


def test_env_var_can_expect_an_empty_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFHELP_PROBE_EMPTY", "")
    assert run_probe("env_var", {"name": "SELFHELP_PROBE_EMPTY", "equals": ""}).status == "pass"


# --- os -----------------------------------------------------------------------


def expected_os() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    return {"darwin": "macos", "win32": "windows", "cygwin": "windows"}.get(sys.platform, "?")


def test_os_matches_this_platform_only() -> None:
    here = expected_os()
    for name in ("linux", "macos", "windows"):
        result = run_probe("os", {"is": name})
        assert result.status == ("pass" if name == here else "fail"), (name, result.summary)


# --- run ----------------------------------------------------------------------


def test_run_passes_on_the_expected_exit_code() -> None:
    assert run_probe("run", {"command": py("pass")}).status == "pass"
    three = run_probe("run", {"command": py("raise SystemExit(3)"), "exit_code": 3})
    assert three.status == "pass"
    assert three.command == (PY, "-c", "raise SystemExit(3)")


def test_run_fails_on_another_exit_code() -> None:
    result = run_probe("run", {"command": py("raise SystemExit(2)")})
    assert result.status == "fail"
    assert "exited with 2" in result.summary and "expected 0" in result.summary


def test_run_matches_a_regex_on_stdout_and_stderr() -> None:
    code = "import sys; print('version 4.2.1'); print('disk OK', file=sys.stderr)"
    out = run_probe("run", {"command": py(code), "matches": r"version 4\.\d+"})
    assert out.status == "pass"
    err = run_probe("run", {"command": py(code), "matches": r"disk OK"})
    assert err.status == "pass"
    assert "version 4.2.1" in err.output and "disk OK" in err.output
    no = run_probe("run", {"command": py(code), "matches": r"version 5"})
    assert no.status == "fail" and "did not match" in no.summary


def test_run_needs_both_the_exit_code_and_the_match() -> None:
    result = run_probe(
        "run", {"command": py("print('ready'); raise SystemExit(1)"), "matches": "ready"}
    )
    assert result.status == "fail"


def test_run_never_uses_a_shell() -> None:
    tricky = "$HOME && echo injected; `id` | cat"
    result = run_probe("run", {"command": py("import sys; print(sys.argv[1])", tricky)})
    assert result.status == "pass"
    assert result.output.strip() == tricky


@pytest.mark.skipif(os.name != "posix", reason="swaps file descriptor 0")
def test_run_gives_the_command_no_stdin() -> None:
    # Our stdin becomes a pipe that holds data but never ends: a command inheriting it
    # would read the data, then block until the timeout.
    read_end, write_end = os.pipe()
    saved = os.dup(0)
    try:
        os.write(write_end, b"typed by nobody\n")
        os.dup2(read_end, 0)
        code = "import sys; print(repr(sys.stdin.read()))"
        result = run_probe("run", {"command": py(code)}, timeout=5)
    finally:
        os.dup2(saved, 0)
        for fd in (saved, read_end, write_end):
            os.close(fd)
    assert result.status == "pass", result.summary
    assert result.output.strip() == "''"


def test_run_caps_long_output_keeping_head_and_tail() -> None:
    code = "print('HEAD-MARK'); print('x' * 50000); print('TAIL-MARK')"
    result = run_probe("run", {"command": py(code)})
    assert result.status == "pass"
    assert len(result.output) <= OUTPUT_CAP
    assert result.output.startswith("HEAD-MARK")
    assert result.output.rstrip().endswith("TAIL-MARK")
    assert "cut" in result.output


def test_run_redacts_secrets_in_its_output() -> None:
    token = fake_github_token()
    code = f"print('password=hunter2'); print('token is {token}'); print('pin 4711')"
    result = run_probe("run", {"command": py(code)}, extra_secret_patterns=[r"pin (\d+)"])
    assert "hunter2" not in result.output
    assert token not in result.output
    assert "4711" not in result.output
    assert "password=[REDACTED]" in result.output and "pin [REDACTED]" in result.output


def test_run_matches_against_the_output_before_redaction() -> None:
    # The guide may look for the very line redaction hides from the reader.
    result = run_probe("run", {"command": py("print('token=abc123')"), "matches": "token=abc"})
    assert result.status == "pass"
    assert "abc123" not in result.output


def test_run_of_a_missing_program_is_unavailable(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-program")
    result = run_probe("run", {"command": [missing, "--version"]})
    assert result.status == "unavailable" and not result.decided
    assert result.command == (missing, "--version")


def process_is_gone(pid: int, wait_s: float = 5.0) -> bool:
    """Whether `pid` has exited (a zombie waiting for its reaper counts as gone),
    polling for a while: a killed process takes a moment to disappear."""
    deadline = time.monotonic() + wait_s
    while True:
        if sys.platform.startswith("linux"):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                return True
            if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return True
        else:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


SLEEPER = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
    "print('pids', __import__('os').getpid(), child.pid, flush=True)\n"
    "time.sleep(30)\n"
)


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_a_hanging_command_and_its_children_are_killed_at_the_timeout() -> None:
    started = time.monotonic()
    result = run_probe("run", {"command": py(SLEEPER)}, timeout=0.5)
    elapsed = time.monotonic() - started
    assert result.status == "timeout" and not result.decided
    assert elapsed < 10  # a hang guard, not a benchmark
    assert "did not finish" in result.summary
    words = result.output.split()
    assert words[0] == "pids", result.output  # output written before the kill is kept
    child, grandchild = int(words[1]), int(words[2])
    assert process_is_gone(child)
    assert process_is_gone(grandchild)


def test_the_guide_timeout_applies_when_the_caller_gives_none() -> None:
    started = time.monotonic()
    result = run_probe("run", {"command": py("import time; time.sleep(30)"), "timeout": 0.5})
    assert result.status == "timeout"
    assert time.monotonic() - started < 10


# --- errors, timeouts and the registry ---------------------------------------


def test_a_crash_inside_a_probe_is_an_error_result(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> str:
        raise RuntimeError("which exploded")

    monkeypatch.setattr("shutil.which", broken)
    result = run_probe("command_exists", {"command": "git"})
    assert result.status == "error" and not result.decided
    assert "which exploded" in result.summary


def test_a_hung_quick_probe_is_given_up_at_the_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def hung_exists(path: str) -> bool:
        release.wait(30)  # like stat() on a dead network mount
        return True

    monkeypatch.setattr(probes.os.path, "exists", hung_exists)
    try:
        started = time.monotonic()
        result = run_probe("file_exists", {"path": "/mnt/dead"}, timeout=0.3)
        assert result.status == "timeout"
        assert time.monotonic() - started < 10
    finally:
        release.set()


def test_bad_parameters_give_an_error_result_and_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').close()"
    result = run_probe("run", {"command": py(code), "exit_code": "zero"})
    assert result.status == "error"
    assert "exit_code" in result.summary
    assert not marker.exists()


def test_an_unknown_probe_raises_value_error() -> None:
    with pytest.raises(ValueError):
        run_probe("format_disk", {})
    with pytest.raises(ValueError):
        describe_probe("format_disk", {})


def test_only_run_needs_consent() -> None:
    assert needs_consent("run")
    assert [name for name in PROBES if needs_consent(name)] == ["run"]
    assert not needs_consent("no-such-probe")


def test_describe_shows_the_exact_command_for_run() -> None:
    argv = ["ping", "-c", "1", "my host; rm -rf ~"]
    line = describe_probe("run", {"command": argv})
    assert shlex.join(argv) in line
    assert describe_probe("command_exists", {"command": "git"}) == "Is `git` on the PATH?"


def test_every_probe_describes_itself() -> None:
    samples: dict[str, dict[str, Any]] = {
        "command_exists": {"command": "git"},
        "file_exists": {"path": "~/.gitconfig"},
        "free_space": {"path": "/", "minimum": "1GB"},
        "tcp_connect": {"host": "example.com", "port": 443},
        "env_var": {"name": "HOME", "equals": "/root"},
        "os": {"is": "macos"},
        "run": {"command": ["git", "--version"]},
        "net_interface": {"kind": "wifi"},
        "link_up": {},
        "ip_address": {"interface": "eth0", "family": "ipv4"},
        "default_route": {"family": "ipv6"},
        "dns_resolves": {"host": "example.com"},
        "process_running": {"name": "cupsd"},
        "memory_available": {"minimum": "500 MB"},
        "cpu_load": {"per_core": 1.5},
        "free_inodes": {"path": "/", "minimum_percent": 5},
        "file_contains": {"path": "/etc/hosts", "matches": "localhost"},
        "clock_synchronized": {},
    }
    assert set(samples) == set(PROBES)
    for name, params in samples.items():
        assert param_errors(name, params) == [], name
        line = describe_probe(name, params)
        assert line and "\n" not in line, name
    # Bad parameters still give a line, never an exception.
    assert describe_probe("run", {"command": 42})


def test_decided_is_pass_or_fail_only() -> None:
    decided = {s: ProbeResult(s, "").decided for s in probes.STATUSES}
    assert decided == {
        "pass": True,
        "fail": True,
        "unavailable": False,
        "timeout": False,
        "error": False,
    }


def test_run_probe_fills_in_the_duration(tmp_path: Path) -> None:
    result = run_probe("file_exists", {"path": str(tmp_path)})
    assert result.duration_s >= 0 and result.command == () and result.output == ""


# --- param_errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "fragment"),
    [
        ("nope", {}, "unknown probe 'nope'"),
        ("file_exists", {}, "missing parameter 'path'"),
        ("file_exists", {"path": 3}, "non-empty string"),
        ("file_exists", {"path": ""}, "non-empty string"),
        ("file_exists", {"path": "/x", "pth": "/y"}, "unknown parameter 'pth'"),
        ("file_exists", ["path"], "must be a mapping"),
        ("free_space", {"path": "/", "minimum": "lots"}, "not a size"),
        ("free_space", {"path": "/", "minimum": "5 parsecs"}, "unknown size unit"),
        ("free_space", {"path": "/", "minimum": -1}, "negative"),
        ("tcp_connect", {"host": "h", "port": "443"}, "port number"),
        ("tcp_connect", {"host": "h", "port": 70000}, "port number"),
        ("tcp_connect", {"host": "h", "port": True}, "port number"),
        ("tcp_connect", {"host": "h", "port": 1, "timeout": 0}, "seconds"),
        ("tcp_connect", {"host": "h", "port": 1, "timeout": 600}, "at most 60"),
        ("env_var", {"name": "X", "equals": 1}, "must be a string"),
        ("os", {"is": "beos"}, "one of: linux, macos, windows"),
        ("run", {"command": "git --version"}, "list of strings"),
        ("run", {"command": []}, "list of strings"),
        ("run", {"command": ["git", 1]}, "list of strings"),
        ("run", {"command": ["", "x"]}, "program name is empty"),
        ("run", {"command": ["git"], "matches": "(unclosed"}, "not a valid regular expression"),
        ("run", {"command": ["git"], "exit_code": 1.5}, "whole number"),
        ("run", {"command": ["git"], "exit_code": False}, "whole number"),
    ],
)
def test_param_errors(name: str, params: Any, fragment: str) -> None:
    errors = param_errors(name, params)
    assert errors, (name, params)
    assert any(fragment in e for e in errors), errors


def test_good_parameters_have_no_errors() -> None:
    assert (
        param_errors("run", {"command": ["git"], "exit_code": 1, "matches": "x", "timeout": 60})
        == []
    )
    assert param_errors("tcp_connect", {"host": "h", "port": 65535, "timeout": 0.25}) == []
    assert param_errors("free_space", {"path": "/", "minimum": "2GiB"}) == []


# --- parse_size ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (1024, 1024),
        (0, 0),
        ("0", 0),
        ("100", 100),
        ("100B", 100),
        ("500MB", 500 * 1000**2),
        ("1 GB", 1000**3),
        ("1gb", 1000**3),
        ("2GiB", 2 * 1024**3),
        ("1.5 KiB", 1536),
        ("3 TB", 3 * 1000**4),
        ("1PB", 1000**5),
        ("  7 kb ", 7000),
    ],
)
def test_parse_size(text: str | int, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    "junk", ["", "GB", "lots", "1 parsec", "-5MB", "1,5GB", "1e3", "5 M B", -1, True, None]
)
def test_parse_size_rejects_junk(junk: Any) -> None:
    with pytest.raises(ValueError):
        parse_size(junk)


# --- redact -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter2", "password=[REDACTED]"),
        ("root password: hunter2", "root password: [REDACTED]"),
        ("DB_PASSWORD='two words'", "DB_PASSWORD='[REDACTED]'"),
        ('{"api_key": "abc123", "user": "bob"}', '{"api_key": "[REDACTED]", "user": "bob"}'),
        ("x-api-key: k-123", "x-api-key: [REDACTED]"),
        ("?access_token=abc&page=2", "?access_token=[REDACTED]&page=2"),
        ("client_secret=s3", "client_secret=[REDACTED]"),
        ("passwd: p, pwd=q", "passwd: [REDACTED], pwd=[REDACTED]"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer [REDACTED]"),
        ("authorization: Basic dXNlcjpwYXNz", "authorization: Basic [REDACTED]"),
        ("curl -H 'Authorization: xyz'", "curl -H 'Authorization: [REDACTED]'"),
        ("using bearer eyJ0eXAiOiJKV1Qi", "using bearer [REDACTED]"),
        ("key AKIAIOSFODNN7EXAMPLE here", "key [REDACTED] here"),
        ("xoxb-1234567890-abcdefghij", "[REDACTED]"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nat-ure ok", "jwt [REDACTED] ok"),
        (
            "git clone https://alice:s3cret@example.com/r.git",
            "git clone https://alice:[REDACTED]@example.com/r.git",
        ),
        ("redis://:pw@localhost:6379", "redis://:[REDACTED]@localhost:6379"),
    ],
)
def test_redact_default_patterns(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("prefix", ["ghp_", "gho_", "ghs_", "github_pat_"])
def test_redact_github_tokens(prefix: str) -> None:
    token = fake_github_token(prefix)
    assert redact(f"using {token} now") == "using [REDACTED] now"


def test_redact_private_key_blocks_keep_the_armour_lines() -> None:
    body = "MIIEowIBAAKCAQEA\nq83Jd0s9==\n"
    text = f"before\n-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\nafter"
    out = redact(text)
    assert "MIIEowIBAAKCAQEA" not in out and "q83Jd0s9" not in out
    assert out.startswith("before\n-----BEGIN RSA PRIVATE KEY-----")
    assert out.endswith("-----END RSA PRIVATE KEY-----\nafter")
    # A block cut off before its END line is hidden to the end.
    cut = redact("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg")
    assert "MIIEvQ" not in cut and MARK in cut


def test_redact_leaves_ordinary_output_alone() -> None:
    text = (
        "Connected to example.com:443\n"
        "https://example.com:8443/path?q=1\n"
        "Password:\n"
        "next line stays\n"
        "the bearer of news\n"
        "git version 2.43.0"
    )
    assert redact(text) == text


def test_every_default_pattern_is_named_and_compiles() -> None:
    import re

    names = [name for name, _rx in DEFAULT_PATTERNS]
    assert len(names) == len(set(names))
    for _name, rx in DEFAULT_PATTERNS:
        re.compile(rx)


def test_redact_is_idempotent() -> None:
    text = "password=x Authorization: Bearer abc https://u:p@h AKIAIOSFODNN7EXAMPLE"
    once = redact(text)
    assert redact(once) == once


def test_extra_patterns_redact_group_one_or_the_whole_match() -> None:
    text = "serial: ABC-123 and employee E-98765"
    assert redact(text, [r"serial: (\S+)"]) == "serial: [REDACTED] and employee E-98765"
    assert redact(text, [r"E-\d{5}"]) == "serial: ABC-123 and employee [REDACTED]"


def test_invalid_extra_patterns_are_skipped() -> None:
    text = "password=x pin 1234"
    assert redact(text, ["(unclosed", r"pin (\d+)"]) == "password=[REDACTED] pin [REDACTED]"


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_a_command_that_starts_children_and_exits_leaves_nothing_behind() -> None:
    spawner = (
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('child', child.pid, flush=True)\n"
    )
    started = time.monotonic()
    result = run_probe("run", {"command": py(spawner)}, timeout=10)
    assert time.monotonic() - started < 8  # it did not wait for the child's minute
    assert result.status == "pass", result
    child = int(result.output.split()[1])
    assert process_is_gone(child)


def test_a_command_printing_without_end_costs_no_memory_or_disk(tmp_path: Path) -> None:
    """Gigabytes of output: read as it comes, the middle dropped, capped on the way
    out; nothing spooled to a temporary file that could fill the disk."""
    import resource
    import tempfile

    flood = (
        "import sys\n"
        "chunk = b'0123456789abcdef' * 4096\n"
        "sys.stdout.buffer.write(b'FIRST LINE\\n')\n"
        "while True:\n"
        "    sys.stdout.buffer.write(chunk)\n"
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    spool = Path(tempfile.gettempdir())
    files_before = set(spool.iterdir())
    result = run_probe("run", {"command": py(flood)}, timeout=2)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert result.status == "timeout"
    assert result.output.startswith("FIRST LINE")
    assert len(result.output) <= probes.OUTPUT_CAP
    assert (after - before) < 100_000  # KiB: the flood (hundreds of MB) was not kept
    new_files = set(spool.iterdir()) - files_before
    assert all(not f.is_file() or f.stat().st_size < 10_000_000 for f in new_files)
