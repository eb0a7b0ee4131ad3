"""Which addresses a connection may reach: public ones, and those SYNADMIN_CONNECTION_ALLOWED_HOSTS names.

An admin types a connection's base URL, and "Test connection" fetches it from the server: without this
check, an admin could make the server call its own loopback services (Redis on 6379), the private
network or the cloud metadata service. The check runs when a connection is saved (a form error) and
at each connection (`apps.core.http.build_http(addresses=...)`, which connects only to the addresses
checked here, so a DNS answer that changes after the save cannot get through).
"""

from __future__ import annotations

import ipaddress
from functools import cache
from urllib.parse import urlsplit

import httpcore
from django.conf import settings

from apps import addresses

REFUSED = (
    "This server does not call {host}: {reason}. Use the service's public address, or ask the "
    "administrator of this server to allow this host."
)


@cache
def _allowed(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple[addresses.IPNetwork, ...]]:
    names, networks = set(), []
    for entry in (entry.strip().lower() for entry in entries):
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return frozenset(names), tuple(networks)


def refusal(host: str, address: addresses.IPAddress) -> str | None:
    """Why a connection to `host` must not go to `address`, or None when it may."""
    names, networks = _allowed(tuple(settings.CONNECTION_ALLOWED_HOSTS))
    allow_private = host.lower().rstrip(".") in names
    return addresses.refusal(address, allow_private=allow_private, allowed=networks)


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to; raises addresses.Refused when any of them is not allowed."""
    return addresses.checked_addresses(host, port, lambda address: refusal(host, address))


def url_refusal(url: str) -> str | None:
    """Why a base URL is not allowed, in words for the admin who typed it, or None.

    A name that does not resolve now is accepted: nothing can be reached there yet, and every
    connection is checked again when it is made.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None  # the URL validator says what is wrong with it
    try:
        checked_addresses(host, port)
    except addresses.Refused as exc:
        return REFUSED.format(host=host, reason=exc)
    except httpcore.ConnectError:
        return None
    return None
