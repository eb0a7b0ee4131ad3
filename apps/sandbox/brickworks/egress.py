"""The sandbox's calls to external sources, which refuse internal addresses (docs/api-decisions.md).

A source's URL is whatever a workspace user typed, so the sandbox must not become a way into the
machine it runs on or its network: the host name is resolved once, every address it resolves to is
checked, and the connection goes to a checked address (a DNS answer that changes in between cannot
slip through). Redirects are not followed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services: AWS, GCP and Azure (also link-local), AWS over IPv6, Alibaba Cloud.
METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}
ALLOW_PRIVATE_HINT = "set SYNADMIN_SANDBOX_ALLOW_PRIVATE_SOURCES=1 to allow private networks"


class Refused(Exception):
    """The source's host resolves to an address the sandbox does not call; the message says why."""


def refusal(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why the sandbox does not call `address`, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA or address.is_link_local:
        return f"{address} is a link-local/metadata address"
    if allow_private:
        return None
    for kind, matches in (
        ("an unspecified", address.is_unspecified),
        ("a loopback", address.is_loopback),
        ("a multicast", address.is_multicast),
        ("a reserved", address.is_reserved),
        ("a private-network", address.is_private),
        ("a non-public", not address.is_global),
    ):
        if matches:
            return f"{address} is {kind} address; {ALLOW_PRIVATE_HINT}"
    return None


def checked_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, once each; raises Refused if any of them is refused."""
    allow_private = settings.SANDBOX_ALLOW_PRIVATE_SOURCES
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"could not resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address), allow_private=allow_private)
        if reason:
            raise Refused(reason)
    return addresses


class _CheckedBackend(httpcore.SyncBackend):
    """Connects only to the checked addresses of the host; TLS still names the host (SNI, certificate)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in checked_addresses(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"{host} has no address")


class _CheckedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(retries=0)
        # httpx (pinned in requirements.txt) takes no network backend, so its pool is made again with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_CheckedBackend()
        )


def request(method: str, url: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
    """One request to an external source; raises Refused for an internal address, httpx.HTTPError else."""
    # trust_env=False: a proxy from the environment would make the connection in our stead, unchecked.
    with httpx.Client(
        transport=_CheckedTransport(), timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        return client.request(method, url, **kwargs)
