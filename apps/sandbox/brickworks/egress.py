"""The sandbox's calls to external sources, which refuse internal addresses (docs/api-decisions.md).

A source's URL is whatever a workspace user typed, so the sandbox must not become a way into the
machine it runs on or its network: the host name is resolved once, every address it resolves to is
checked (with the addresses IPv6 carries, `apps.addresses`), and the connection goes to a checked
address (a DNS answer that changes in between cannot slip through). Redirects are not followed.
"""

from __future__ import annotations

from typing import Any

import httpcore
import httpx
from django.conf import settings

from apps import addresses

ALLOW_PRIVATE_HINT = "set SYNADMIN_SANDBOX_ALLOW_PRIVATE_SOURCES=1 to allow private networks"
Refused = addresses.Refused


def refusal(address: addresses.IPAddress, *, allow_private: bool) -> str | None:
    """Why the sandbox does not call `address`, or None when it may."""
    return addresses.refusal(address, allow_private=allow_private, hint=ALLOW_PRIVATE_HINT)


def checked_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, once each; raises Refused if any of them is refused."""
    allow_private = settings.SANDBOX_ALLOW_PRIVATE_SOURCES
    return addresses.checked_addresses(
        host, port, lambda address: refusal(address, allow_private=allow_private)
    )


class _CheckedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(retries=0)
        # httpx (pinned in requirements.txt) takes no network backend, so its pool is made again with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=addresses.PinnedBackend(checked_addresses)
        )


def request(method: str, url: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
    """One request to an external source; raises Refused for an internal address, httpx.HTTPError else."""
    # trust_env=False: a proxy from the environment would make the connection in our stead, unchecked.
    with httpx.Client(
        transport=_CheckedTransport(), timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        return client.request(method, url, **kwargs)
