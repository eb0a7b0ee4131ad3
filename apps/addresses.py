"""Which network addresses the project's outgoing calls may reach: one check for the whole project.

Both sides use it: the sandbox's external sources (`apps.sandbox.brickworks.egress`) and the dashboard's
connections (`apps.connections.guard`, through `apps.core.http.build_http`). It sits beside the apps and
imports none of them (an import-linter contract), as the two sides may not import each other.

An IPv6 address can carry an IPv4 one that a gateway or relay then reaches for us: IPv4-mapped
(`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), 6to4
(`2002:AABB:CCDD::`), Teredo (`2001:0::/32`, server and client) and NAT64 (`64:ff9b::/96`, and the
local-use `64:ff9b:1::/48`). Every carried address is judged as well as the IPv6 one itself, so
`2002:a9fe:a9fe::` is the metadata address 169.254.169.254 and refused like it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud metadata services: AWS, GCP and Azure (also link-local), AWS over IPv6, Alibaba Cloud.
METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}
# IPv6 prefixes whose last 32 bits are an IPv4 address: NAT64 (RFC 6052, and RFC 8215's local use, whose
# usual /96 subnets put it there too) and IPv4-translated (RFC 2765).
LAST_32_BITS = [
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
]
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291, deprecated; `::` and `::1` are not such


class Refused(Exception):
    """A host resolves to an address that is not to be called; the message says why."""


def carried(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address embedded in `address` that a packet to it may end up at."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    found = [v4 for v4 in (address.ipv4_mapped, address.sixtofour) if v4 is not None]
    if address.teredo:
        found += address.teredo  # (server, client)
    if any(address in network for network in LAST_32_BITS) or (
        address in IPV4_COMPATIBLE and int(address) > 1
    ):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return list(dict.fromkeys(found))


def refusal(
    address: IPAddress, *, allow_private: bool = False, allowed: Iterable[IPNetwork] = (), hint: str = ""
) -> str | None:
    """Why `address` is not to be called, or None when it may be.

    Link-local and cloud metadata addresses are refused always, also when carried in an IPv6 one.
    Other non-public ones (loopback, private networks, reserved...) are refused unless `allow_private`,
    or unless they lie in one of the `allowed` networks; `hint` follows that kind of refusal.
    """
    judged = [address, *carried(address)]
    for candidate in judged:
        if candidate in METADATA or candidate.is_link_local:
            return f"{_shown(address, candidate)} is a link-local/metadata address"
    if allow_private or any(candidate in network for candidate in judged for network in allowed):
        return None
    # A carried address decides where the packets go: judge it, not the prefix that carries it.
    for candidate in judged[1:] or judged:
        kind = _non_public(candidate)
        if kind:
            return f"{_shown(address, candidate)} is {kind} address" + (f"; {hint}" if hint else "")
    return None


def _non_public(address: IPAddress) -> str:
    for kind, matches in (
        ("an unspecified", address.is_unspecified),
        ("a loopback", address.is_loopback),
        ("a multicast", address.is_multicast),
        ("a reserved", address.is_reserved),
        ("a private-network", address.is_private),
        ("a non-public", not address.is_global),
    ):
        if matches:
            return kind
    return ""


def _shown(address: IPAddress, candidate: IPAddress) -> str:
    return str(address) if candidate == address else f"{address} (which carries {candidate})"


def checked_addresses(host: str, port: int, check: Callable[[IPAddress], str | None]) -> list[str]:
    """Every address `host` resolves to, once each; raises Refused when `check` refuses any of them.

    A name that does not resolve is an httpcore.ConnectError, like a connection that fails.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"could not resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        reason = check(ipaddress.ip_address(address.split("%")[0]))
        if reason:
            raise Refused(reason)
    return addresses


class PinnedBackend(httpcore.SyncBackend):
    """Connects only to the addresses `addresses(host, port)` checked, resolved once per connection.

    The name is resolved and checked here, at connect time, and the connection goes to a checked
    address, so a DNS answer that changes between a check and the connection (rebinding) cannot slip
    through. TLS still names the host (SNI, certificate).
    """

    def __init__(self, addresses: Callable[[str, int], list[str]]) -> None:
        self.addresses = addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in self.addresses(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"{host} has no address")
