"""Name resolution for the connection tests: made-up names, and no query leaves the machine."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host names and what they resolve to. An address or `localhost` resolves as usual; any other
    name that is not listed does not resolve (the vendors' real names included: no DNS query is sent)."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        text = host.decode() if isinstance(host, bytes) else str(host)
        if text in names:
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in names[text]
            ]
        try:
            ipaddress.ip_address(text.strip("[]"))
        except ValueError:
            if text != "localhost":
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (made-up DNS)") from None
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names
