"""Network probes: what a technician would read off `ip link`, `ip address`,
`ip route` and a name lookup, read by selfhelp itself so a guide does not have to
ask.

Linux answers from the kernel's own files (`/sys/class/net`, `/proc/net`): nothing
is run, nothing is sent. Elsewhere, where a probe can still tell (the route, a
name lookup), it uses a socket that sends nothing; where it cannot, the result is
`unavailable` and the guide asks its fallback question. The roots are module
attributes so tests can point them at a made-up machine.
"""

from __future__ import annotations

import contextlib
import os
import sys

from ..i18n import _
from .base import ProbeResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

#: Where Linux describes its network interfaces, and its routes and addresses.
SYS_CLASS_NET = "/sys/class/net"
PROC_NET = "/proc/net"

#: Interfaces that exist on the machine itself, not towards a network: a
#: container bridge has an address even when the machine has no network at all.
HOST_INTERNAL_PREFIXES = (
    "lo",
    "docker",
    "veth",
    "virbr",
    "br-",
    "lxc",
    "lxd",
    "podman",
    "cni",
    "flannel",
    "vboxnet",
    "vmnet",
    "ifb",
)

KINDS = ("any", "wired", "wifi")
FAMILIES = ("any", "ipv4", "ipv6")


def _linux() -> bool:
    return sys.platform.startswith("linux")


def _read(path: str) -> str | None:
    """A one-line kernel attribute, or None where the kernel has none (an attribute
    such as `carrier` cannot be read while the interface is down)."""
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read(4096).strip()
    except OSError:
        return None


class Interface:
    """One network interface as `/sys/class/net` shows it."""

    __slots__ = ("carrier", "name", "operstate", "physical", "wifi")

    def __init__(self, name: str) -> None:
        base = os.path.join(SYS_CLASS_NET, name)
        self.name = name
        self.operstate = (_read(os.path.join(base, "operstate")) or "unknown").lower()
        carrier = _read(os.path.join(base, "carrier"))
        self.carrier = carrier == "1" if carrier in ("0", "1") else None
        self.wifi = os.path.isdir(os.path.join(base, "wireless")) or os.path.isdir(
            os.path.join(base, "phy80211")
        )
        # A virtual interface (a bridge, a VPN tunnel, a bond) lives under
        # /sys/devices/virtual; hardware anywhere else.
        self.physical = "/virtual/" not in os.path.realpath(base)

    @property
    def up(self) -> bool:
        """The link works: `up`, or `unknown` with a carrier (some drivers never
        report an operational state, and tunnels report `unknown`); never without a
        carrier."""
        if self.carrier is False:
            return False
        return self.operstate == "up" or (self.operstate == "unknown" and self.carrier is True)

    def state_text(self) -> str:
        if self.up:
            return _("link up")
        if self.operstate == "dormant":
            # RFC 2863: the link is there but waits for something (Wi-Fi or 802.1X
            # authentication) before it carries traffic.
            return _("dormant: connected, waiting for authentication")
        if self.carrier is False or self.operstate == "lowerlayerdown":
            return _("no link (no cable, or not associated)")
        if self.operstate == "down":
            return _("switched off (down)")
        return _("state {state}").format(state=self.operstate.upper())

    def kind_text(self) -> str:
        return _("Wi-Fi") if self.wifi else _("wired")


def interfaces() -> list[Interface]:
    """Every interface but the host-internal ones, sorted by name."""
    try:
        names = sorted(os.listdir(SYS_CLASS_NET))
    except OSError:
        return []
    return [Interface(n) for n in names if not n.startswith(HOST_INTERNAL_PREFIXES)]


def _chosen(params: Mapping[str, Any], physical_only: bool) -> list[Interface] | str:
    """The interfaces a probe looks at, or the summary of why there are none."""
    wanted = params.get("interface")
    kind = params.get("kind", "any")
    found = interfaces()
    if wanted:
        named = [i for i in found if i.name == wanted]
        if not named and os.path.isdir(os.path.join(SYS_CLASS_NET, wanted)):
            named = [Interface(wanted)]  # a host-internal one, named on purpose
        if not named:
            return _("There is no network interface named {name}").format(name=wanted)
        return named
    chosen = [i for i in found if (i.physical or not physical_only)]
    if kind == "wifi":
        chosen = [i for i in chosen if i.wifi]
    elif kind == "wired":
        chosen = [i for i in chosen if not i.wifi]
    if not chosen:
        return {
            "wifi": _("This computer has no Wi-Fi interface"),
            "wired": _("This computer has no wired network interface"),
        }.get(kind, _("This computer has no network interface besides loopback"))
    return chosen


def _not_linux() -> ProbeResult:
    return ProbeResult(
        "unavailable", _("This check reads Linux's network state; it cannot run on this system")
    )


# --- net_interface, link_up -----------------------------------------------------


def check_net_interface(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    if not _linux():
        return _not_linux()
    chosen = _chosen(params, physical_only=True)
    if isinstance(chosen, str):
        return ProbeResult("fail", chosen)
    listed = ", ".join(f"{i.name} ({i.kind_text()})" for i in chosen)
    return ProbeResult("pass", _("Network interfaces: {list}").format(list=listed))


def describe_net_interface(params: Mapping[str, Any]) -> str:
    if params.get("interface"):
        return _("Is there a network interface named {name}?").format(name=params["interface"])
    return {
        "wifi": _("Does this computer have a Wi-Fi interface?"),
        "wired": _("Does this computer have a wired network interface?"),
    }.get(params.get("kind", "any"), _("Does this computer have a network interface?"))


def check_link_up(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    if not _linux():
        return _not_linux()
    chosen = _chosen(params, physical_only=True)
    if isinstance(chosen, str):
        return ProbeResult("fail", chosen)
    states = "; ".join(f"{i.name} ({i.kind_text()}): {i.state_text()}" for i in chosen)
    return ProbeResult("pass" if any(i.up for i in chosen) else "fail", states)


def describe_link_up(params: Mapping[str, Any]) -> str:
    if params.get("interface"):
        return _("Is the link of {name} up?").format(name=params["interface"])
    return {
        "wifi": _("Is a Wi-Fi interface connected?"),
        "wired": _("Is a wired interface connected (cable and link)?"),
    }.get(params.get("kind", "any"), _("Is a network interface connected?"))


# --- ip_address -----------------------------------------------------------------


def _ipv4_of(name: str) -> str | None:
    """The IPv4 address of an interface (SIOCGIFADDR), Linux only."""
    import fcntl
    import socket
    import struct

    siocgifaddr = 0x8915
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            packed = fcntl.ioctl(
                sock.fileno(), siocgifaddr, struct.pack("256s", name[:15].encode())
            )
        except OSError:
            return None
    return socket.inet_ntoa(packed[20:24])


def _ipv6_of() -> dict[str, list[str]]:
    """Interface -> its IPv6 addresses of global scope, from /proc/net/if_inet6."""
    import ipaddress

    found: dict[str, list[str]] = {}
    try:
        with open(os.path.join(PROC_NET, "if_inet6"), encoding="ascii") as handle:
            lines = handle.read(1_000_000).splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split()
        if len(parts) != 6 or parts[3] != "00":  # scope 00: global
            continue
        with contextlib.suppress(ValueError):
            address = ipaddress.IPv6Address(int(parts[0], 16))
            found.setdefault(parts[5], []).append(str(address))
    return found


def _usable(address: str) -> bool:
    """Not loopback, not link-local (169.254.x.x is what a machine gives itself
    when DHCP does not answer)."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified)


def _address_note(name: str, address: str) -> str:
    import ipaddress

    if ipaddress.ip_address(address).is_link_local:
        return _(
            "{name} has only the self-assigned address {address}: no DHCP server answered"
        ).format(name=name, address=address)
    return _("{name} has only the address {address}, which reaches no network").format(
        name=name, address=address
    )


def _routed_source(family: str) -> str | None:
    """The address this machine would send from to other networks, by connecting a
    UDP socket (which sends nothing) to a documentation address; None without a
    route."""
    import socket

    target = ("2001:db8::1", 9) if family == "ipv6" else ("192.0.2.1", 9)
    af = socket.AF_INET6 if family == "ipv6" else socket.AF_INET
    try:
        with socket.socket(af, socket.SOCK_DGRAM) as sock:
            sock.connect(target)
            return str(sock.getsockname()[0])
    except OSError:
        return None


def check_ip_address(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    family = params.get("family", "any")
    if not _linux():
        source = _routed_source("ipv6" if family == "ipv6" else "ipv4")
        if source and _usable(source):
            return ProbeResult(
                "pass", _("This computer sends from the address {address}").format(address=source)
            )
        return ProbeResult(
            "unavailable", _("The addresses of this computer cannot be read on this system")
        )
    chosen = _chosen(params, physical_only=False)
    if isinstance(chosen, str):
        return ProbeResult("fail", chosen)
    v6 = _ipv6_of() if family in ("any", "ipv6") else {}
    good: list[str] = []
    notes: list[str] = []
    for interface in chosen:
        addresses = []
        if family in ("any", "ipv4"):
            v4 = _ipv4_of(interface.name)
            if v4:
                addresses.append(v4)
        addresses += v6.get(interface.name, [])
        usable = [a for a in addresses if _usable(a)]
        if usable:
            good.append(f"{interface.name} {', '.join(usable)}")
        elif addresses:
            notes.append(_address_note(interface.name, addresses[0]))
        elif interface.up:
            notes.append(_("{name} has no address").format(name=interface.name))
    if good:
        return ProbeResult("pass", _("Addresses: {list}").format(list="; ".join(good)))
    if notes:
        return ProbeResult("fail", "; ".join(notes))
    return ProbeResult("fail", _("No interface with a link has an address"))


def describe_ip_address(params: Mapping[str, Any]) -> str:
    if params.get("interface"):
        return _("Does {name} have an IP address?").format(name=params["interface"])
    return _("Does this computer have an IP address on a network?")


# --- default_route --------------------------------------------------------------


def _linux_default_route(family: str) -> tuple[str, str] | None:
    """(gateway, interface) of the default route, from /proc/net/route or
    /proc/net/ipv6_route; ("", interface) for a route without a gateway."""
    import ipaddress
    import socket
    import struct

    if family == "ipv6":
        try:
            with open(os.path.join(PROC_NET, "ipv6_route"), encoding="ascii") as handle:
                lines = handle.read(1_000_000).splitlines()
        except OSError:
            return None
        for line in lines:
            parts = line.split()
            # destination, prefix length 00, ..., next hop, metric, refcnt, use, flags, dev
            if len(parts) == 10 and parts[0] == "0" * 32 and parts[1] == "00":
                if parts[9] == "lo":
                    continue
                hop = str(ipaddress.IPv6Address(int(parts[4], 16)))
                return ("" if hop == "::" else hop, parts[9])
        return None
    try:
        with open(os.path.join(PROC_NET, "route"), encoding="ascii") as handle:
            lines = handle.read(1_000_000).splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) < 8 or parts[1] != "00000000" or parts[7] != "00000000":
            continue
        flags = int(parts[3], 16)
        if not flags & 0x1:  # RTF_UP
            continue
        gateway = socket.inet_ntoa(struct.pack("<L", int(parts[2], 16)))
        return ("" if gateway == "0.0.0.0" else gateway, parts[0])
    return None


def check_default_route(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    family = params.get("family", "ipv4")
    if _linux():
        route = _linux_default_route(family)
        if route is None:
            return ProbeResult(
                "fail",
                _(
                    "There is no default route: this computer does not know where to send "
                    "traffic for other networks"
                ),
            )
        gateway, device = route
        if gateway:
            return ProbeResult(
                "pass",
                _("Default route via {gateway} on {device}").format(gateway=gateway, device=device),
            )
        return ProbeResult("pass", _("Default route on {device}").format(device=device))
    if _routed_source(family):
        return ProbeResult("pass", _("This computer has a route to other networks"))
    return ProbeResult("fail", _("This computer has no route to other networks"))


def describe_default_route(params: Mapping[str, Any]) -> str:
    if params.get("family") == "ipv6":
        return _("Does this computer have a default route for IPv6?")
    return _("Does this computer have a default route (a gateway)?")


# --- dns_resolves ---------------------------------------------------------------


def check_dns_resolves(params: Mapping[str, Any], timeout: float) -> ProbeResult:
    """A name lookup through the system's resolver (the one every program uses: it
    reads /etc/hosts and nsswitch, then DNS). Bounded by the watchdog, since the
    resolver has no timeout of its own here."""
    import socket

    host = params["host"]
    try:
        answers = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno == getattr(socket, "EAI_NONAME", None):
            reason = _("the name does not exist")
        elif exc.errno == getattr(socket, "EAI_AGAIN", None):
            reason = _("no name server answered")
        else:
            reason = exc.strerror or str(exc)
        return ProbeResult(
            "fail", _("{host} did not resolve: {reason}").format(host=host, reason=reason)
        )
    except (UnicodeError, ValueError):
        return ProbeResult("fail", _("{host} is not a valid host name").format(host=host))
    addresses = list(dict.fromkeys(str(a[4][0]) for a in answers))
    return ProbeResult(
        "pass",
        _("{host} resolves to {addresses}").format(host=host, addresses=", ".join(addresses[:3])),
    )


def describe_dns_resolves(params: Mapping[str, Any]) -> str:
    return _("Can this computer look up the name {host}?").format(host=params["host"])
