"""The probes that read the machine's own state (network, processes, memory, load,
inodes, files, the clock) and the built-in facts (distribution, package manager,
init system).

Each probe is run twice over: on a made-up machine (a /sys and /proc tree written
by the test, so every state a technician meets can be set up: a dormant Wi-Fi, a
cable out, a link-local address, no default route) and on this real machine where
the answer is known without the probe (loopback's address, a process the test
starts, a file it writes).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from selfhelp_tui import machine
from selfhelp_tui.probes import network, param_errors, run_probe, system

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads Linux's /sys and /proc"
)


# --- a made-up machine ------------------------------------------------------------


def _interface(
    root: Path,
    name: str,
    operstate: str,
    carrier: str | None = "1",
    *,
    wifi: bool = False,
    virtual: bool = False,
) -> None:
    device = root / "devices" / ("virtual" if virtual else "pci0000:00") / "net" / name
    device.mkdir(parents=True)
    (device / "operstate").write_text(operstate + "\n")
    if carrier is not None:
        (device / "carrier").write_text(carrier + "\n")
    if wifi:
        (device / "wireless").mkdir()
    net = root / "class" / "net"
    net.mkdir(parents=True, exist_ok=True)
    (net / name).symlink_to(device)


@pytest.fixture
def fake_sys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "sys"
    monkeypatch.setattr(network, "SYS_CLASS_NET", str(root / "class" / "net"))
    monkeypatch.setattr(network, "PROC_NET", str(tmp_path / "proc-net"))
    (tmp_path / "proc-net").mkdir()
    monkeypatch.setattr(network.sys, "platform", "linux")
    _interface(root, "lo", "unknown", virtual=True)
    return root


@linux_only
def test_link_up_tells_up_from_dormant_no_carrier_and_down(fake_sys: Path) -> None:
    _interface(fake_sys, "enp3s0", "down", carrier=None)
    _interface(fake_sys, "wlp2s0", "dormant", carrier="1", wifi=True)
    result = run_probe("link_up", {})
    assert result.status == "fail"
    assert "enp3s0 (wired): switched off (down)" in result.summary
    assert "wlp2s0 (Wi-Fi): dormant: connected, waiting for authentication" in result.summary
    assert "lo" not in result.summary.split(";")[0]

    wifi_only = run_probe("link_up", {"kind": "wifi"})
    assert wifi_only.status == "fail" and "enp3s0" not in wifi_only.summary


@linux_only
def test_link_up_counts_unknown_with_a_carrier_as_up(fake_sys: Path) -> None:
    # Some drivers never report an operational state: UNKNOWN with a carrier works.
    _interface(fake_sys, "eth0", "unknown", carrier="1")
    _interface(fake_sys, "eth1", "up", carrier="0")
    assert run_probe("link_up", {"interface": "eth0"}).status == "pass"
    no_cable = run_probe("link_up", {"interface": "eth1"})
    assert no_cable.status == "fail"
    assert "no link (no cable, or not associated)" in no_cable.summary
    assert run_probe("link_up", {}).status == "pass"


@linux_only
def test_virtual_and_container_interfaces_do_not_count_as_a_network(fake_sys: Path) -> None:
    _interface(fake_sys, "docker0", "up", virtual=True)
    _interface(fake_sys, "tun0", "unknown", virtual=True)
    assert run_probe("net_interface", {}).status == "fail"
    result = run_probe("link_up", {})
    assert result.status == "fail"
    assert result.summary == "This computer has no network interface besides loopback"
    # Named on purpose, even a host-internal interface is looked at.
    assert run_probe("link_up", {"interface": "docker0"}).status == "pass"
    missing = run_probe("link_up", {"interface": "eth9"})
    assert (missing.status, missing.summary) == (
        "fail",
        "There is no network interface named eth9",
    )


@linux_only
def test_net_interface_finds_wifi_and_wired(fake_sys: Path) -> None:
    _interface(fake_sys, "wlan0", "down", carrier=None, wifi=True)
    assert run_probe("net_interface", {"kind": "wifi"}).status == "pass"
    wired = run_probe("net_interface", {"kind": "wired"})
    assert (wired.status, wired.summary) == (
        "fail",
        "This computer has no wired network interface",
    )
    assert run_probe("net_interface", {}).summary == "Network interfaces: wlan0 (Wi-Fi)"


@linux_only
def test_ip_address_tells_a_real_address_from_a_self_assigned_one(
    fake_sys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interface(fake_sys, "eth0", "up")
    _interface(fake_sys, "docker0", "up", virtual=True)
    v4 = {"eth0": "169.254.7.3", "docker0": "172.17.0.1"}
    monkeypatch.setattr(network, "_ipv4_of", v4.get)
    result = run_probe("ip_address", {})
    assert result.status == "fail"
    assert result.summary == (
        "eth0 has only the self-assigned address 169.254.7.3: no DHCP server answered"
    )

    v4["eth0"] = "192.168.1.23"
    assert run_probe("ip_address", {}).summary == "Addresses: eth0 192.168.1.23"


@linux_only
def test_ip_address_reads_global_ipv6_addresses(
    fake_sys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interface(fake_sys, "eth0", "up")
    monkeypatch.setattr(network, "_ipv4_of", lambda name: None)
    (tmp_path / "proc-net" / "if_inet6").write_text(
        "fe80000000000000021122fffe334455 02 40 20 80     eth0\n"
        "20010db8000000000000000000000042 02 40 00 00     eth0\n"
    )
    result = run_probe("ip_address", {"family": "ipv6"})
    assert (result.status, result.summary) == ("pass", "Addresses: eth0 2001:db8::42")
    assert run_probe("ip_address", {"family": "ipv4"}).status == "fail"


@linux_only
def test_ip_address_of_loopback_is_read_from_the_real_kernel() -> None:
    # The ioctl on this real machine: loopback always has 127.0.0.1.
    assert network._ipv4_of("lo") == "127.0.0.1"
    result = run_probe("ip_address", {"interface": "lo", "family": "ipv4"})
    assert result.status == "fail"
    assert result.summary == "lo has only the address 127.0.0.1, which reaches no network"


@linux_only
def test_default_route_reads_the_gateway(fake_sys: Path, tmp_path: Path) -> None:
    header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    route = tmp_path / "proc-net" / "route"
    route.write_text(header + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n")
    missing = run_probe("default_route", {})
    assert missing.status == "fail" and "no default route" in missing.summary

    route.write_text(
        header
        + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
        + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    )
    result = run_probe("default_route", {})
    assert (result.status, result.summary) == ("pass", "Default route via 192.168.1.1 on eth0")

    (tmp_path / "proc-net" / "ipv6_route").write_text(
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        "fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n"
    )
    six = run_probe("default_route", {"family": "ipv6"})
    assert (six.status, six.summary) == ("pass", "Default route via fe80::1 on eth0")


@linux_only
def test_default_route_agrees_with_the_real_kernel() -> None:
    # The real /proc/net/route against the kernel's own choice of a source address
    # for an outside destination (a UDP connect sends nothing).
    has_route = network._routed_source("ipv4") is not None
    assert (run_probe("default_route", {}).status == "pass") == has_route


def test_dns_resolves_a_name_the_system_knows_and_not_an_invalid_one() -> None:
    result = run_probe("dns_resolves", {"host": "localhost"})
    assert result.status == "pass"
    assert result.summary.startswith("localhost resolves to ")
    # .invalid is reserved (RFC 6761): it never resolves, with or without a network.
    bad = run_probe("dns_resolves", {"host": "selfhelp-test.invalid", "timeout": 5})
    assert bad.status in ("fail", "timeout")
    if bad.status == "fail":
        assert bad.summary.startswith("selfhelp-test.invalid did not resolve: ")


def test_dns_resolves_is_bounded_by_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def hang(*args: object, **kwargs: object) -> None:
        time.sleep(30)

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    started = time.monotonic()
    result = run_probe("dns_resolves", {"host": "example.com", "timeout": 0.3})
    assert result.status == "timeout"
    assert time.monotonic() - started < 10  # a bound, not a benchmark: 30 s is the failure


# --- processes ----------------------------------------------------------------------


@linux_only
@pytest.mark.parametrize("name", ["selfhelp-sleepy", "selfhelp-a-very-long-name"])
def test_process_running_sees_a_real_process_and_its_end(tmp_path: Path, name: str) -> None:
    program = tmp_path / name
    shutil.copy(shutil.which("sleep") or "/bin/sleep", program)
    proc = subprocess.Popen([str(program), "30"])
    try:
        for _ in range(100):  # the new process gets its name once it has exec'd
            result = run_probe("process_running", {"name": name})
            if result.status == "pass":
                break
            time.sleep(0.05)
        assert result.status == "pass"
        assert result.summary == f"{name} is running (process {proc.pid})"
    finally:
        proc.kill()
        proc.wait()
    gone = run_probe("process_running", {"name": name})
    assert (gone.status, gone.summary) == ("fail", f"No process named {name} is running")
    # Only the whole name counts: a prefix of a running process is not it.
    assert run_probe("process_running", {"name": name[:-1]}).status == "fail"


# --- memory, load, inodes ------------------------------------------------------------


@linux_only
def test_memory_available_reads_meminfo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "meminfo").write_text(
        "MemTotal:        8000000 kB\nMemFree:          100000 kB\n"
        "MemAvailable:     400000 kB\nSwapTotal:       2000000 kB\nSwapFree:         500000 kB\n"
    )
    monkeypatch.setattr(system, "PROC", str(tmp_path))
    low = run_probe("memory_available", {"minimum": "1 GB"})
    assert low.status == "fail"
    assert low.summary == (
        "409.6 MB of 8.2 GB memory available (at least 1 GB expected); swap: 1.5 GB of 2 GB in use"
    )
    assert run_probe("memory_available", {"minimum": "300 MB"}).status == "pass"


@linux_only
def test_memory_available_on_the_real_machine_is_below_the_total() -> None:
    assert run_probe("memory_available", {"minimum": "1 B"}).status == "pass"
    assert run_probe("memory_available", {"minimum": "1 PB"}).status == "fail"


def test_cpu_load_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system.os, "getloadavg", lambda: (6.0, 4.5, 2.25), raising=False)
    monkeypatch.setattr(system, "_cores", lambda: 4)
    busy = run_probe("cpu_load", {})
    assert busy.status == "fail"
    assert busy.summary == (
        "Load 6.00 over the last minute (4.50 over 5, 2.25 over 15) on 4 CPU cores: "
        "1.50 per core (at most 1.00 expected)"
    )
    assert run_probe("cpu_load", {"per_core": 2}).status == "pass"


def test_free_inodes_on_a_real_folder_and_a_full_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = run_probe("free_inodes", {"path": str(tmp_path), "minimum_percent": 0})
    assert real.status == "pass"

    class Full:
        f_files = 1000
        f_favail = 20

    monkeypatch.setattr(system.os, "statvfs", lambda path: Full())
    full = run_probe("free_inodes", {"path": "/", "minimum_percent": 5})
    assert (full.status, full.summary) == (
        "fail",
        "2% of the inodes free on / (at least 5% expected)",
    )

    class Btrfs:
        f_files = 0
        f_favail = 0

    monkeypatch.setattr(system.os, "statvfs", lambda path: Btrfs())
    assert run_probe("free_inodes", {"path": "/", "minimum_percent": 5}).status == "pass"


# --- files ----------------------------------------------------------------------------


def test_file_contains_quotes_the_line_it_found_with_secrets_hidden(tmp_path: Path) -> None:
    config = tmp_path / "sshd_config"
    config.write_text(
        "# PasswordAuthentication yes\nPasswordAuthentication no\npassword=hunter22\n"
    )
    found = run_probe("file_contains", {"path": str(config), "matches": r"^PasswordAuthentication"})
    assert (found.status, found.summary) == (
        "pass",
        f"{config} has the line: PasswordAuthentication no",
    )
    secret = run_probe("file_contains", {"path": str(config), "matches": r"^password="})
    assert "hunter22" not in secret.summary and "[REDACTED]" in secret.summary
    none = run_probe("file_contains", {"path": str(config), "matches": r"^Port "})
    assert none.status == "fail"
    missing = run_probe("file_contains", {"path": str(tmp_path / "nope"), "matches": "x"})
    assert (missing.status, missing.summary) == ("fail", f"{tmp_path / 'nope'} does not exist")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_file_contains_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_probe("file_contains", {"path": str(fifo), "matches": "x"})
    assert (result.status, result.summary) == ("unavailable", f"{fifo} is not a regular file")


def test_file_contains_refuses_a_bad_regex() -> None:
    assert param_errors("file_contains", {"path": "/etc/hosts", "matches": "("})


# --- the clock -------------------------------------------------------------------------


def test_a_clock_before_this_release_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system.time, "time", lambda: 946_684_800.0)  # 2000-01-01
    result = run_probe("clock_synchronized", {})
    assert result.status == "fail"
    assert result.summary == (
        "The clock reads 2000-01-01 00:00 UTC: that is before this version of selfhelp "
        "was made, so it is wrong"
    )


@linux_only
def test_clock_synchronized_reads_the_kernel_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real adjtimex(2) answers on every Linux, in containers too.
    assert isinstance(system._kernel_clock_unsynchronized(), bool)
    monkeypatch.setattr(system, "_kernel_clock_unsynchronized", lambda: True)
    unsynced = run_probe("clock_synchronized", {})
    assert unsynced.status == "fail"
    assert unsynced.summary.endswith("; it is not synchronized with a time server")
    monkeypatch.setattr(system, "_kernel_clock_unsynchronized", lambda: False)
    assert run_probe("clock_synchronized", {}).status == "pass"


# --- every probe ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("link_up", {"kind": "bluetooth"}),
        ("ip_address", {"family": "ipx"}),
        ("cpu_load", {"per_core": 0}),
        ("free_inodes", {"path": "/", "minimum_percent": 150}),
        ("memory_available", {"minimum": "lots"}),
        ("process_running", {}),
        ("clock_synchronized", {"when": "now"}),
    ],
)
def test_bad_parameters_of_the_new_probes_are_refused(name: str, params: dict[str, object]) -> None:
    assert param_errors(name, params)
    assert run_probe(name, params).status == "error"


# --- facts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "distro", "pkg"),
    [
        ('ID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04 LTS"\n', "ubuntu", "apt"),
        ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "rocky", "dnf"),
        ('ID=opensuse-tumbleweed\nID_LIKE="opensuse suse"\n', "opensuse-tumbleweed", "zypper"),
        ("ID=arch\n", "arch", "pacman"),
        ("ID=alpine\n", "alpine", "apk"),
        ("ID=debian\n", "debian", "apt"),
    ],
)
def test_linux_facts_come_from_os_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, distro: str, pkg: str
) -> None:
    release = tmp_path / "os-release"
    release.write_text(text)
    monkeypatch.setattr(machine, "OS_RELEASE_FILES", (str(tmp_path / "missing"), str(release)))
    facts = machine.linux_facts()
    assert (facts["distro"], facts["pkg"]) == (distro, pkg)
    assert facts["init"] in ("systemd", "other")


def test_an_unknown_distribution_falls_back_to_the_package_command_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "os-release").write_text("ID=mylinux\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    zypper = bin_dir / "zypper"
    zypper.write_text("#!/bin/sh\n")
    zypper.chmod(0o755)
    monkeypatch.setattr(machine, "OS_RELEASE_FILES", (str(tmp_path / "os-release"),))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert machine.linux_facts()["pkg"] == "zypper"
    assert machine.linux_facts()["distro"] == "mylinux"


@linux_only
def test_a_walk_starts_with_this_machines_facts() -> None:
    from selfhelp_tui.engine.session import builtin_facts

    facts = builtin_facts()
    assert facts["os"] == "linux"
    assert facts["init"] == ("systemd" if os.path.isdir("/run/systemd/system") else "other")
    assert facts.get("distro") == (machine.os_release().get("ID", "").lower() or None)


def test_validate_warns_about_a_fact_value_that_never_occurs(write_guide) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.guides.loader import load_guide

    path = write_guide(
        "facts.yaml",
        """format: 1
id: facts
kind: troubleshooter
title: Facts
summary: Values of facts.
symptoms: [x]
start: by-os
nodes:
  by-os:
    type: branch
    cases:
      - when: {os: linx}
        next: done
      - when: {pkg: yum}
        next: done
      - when: {distro: ubuntu, init: systemd}
        next: done
    default: done
  done:
    type: outcome
    result: resolved
    text: Done.
""",
    )
    result = load_guide(path)
    found = [(d.code, d.message, d.hint) for d in result.diagnostics]
    assert found == [
        (
            "unknown-fact-value",
            "branch 'by-os' tests whether 'os' is 'linx', a value it never takes "
            "(it takes: linux, macos, windows)",
            "did you mean 'linux'?",
        ),
        (
            "unknown-fact-value",
            "branch 'by-os' tests whether 'pkg' is 'yum', a value it never takes "
            "(it takes: apk, apt, brew, dnf, pacman, zypper)",
            None,
        ),
    ]
