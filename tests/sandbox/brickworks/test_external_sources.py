"""External sources do not reach internal addresses: link-local and metadata never, private networks
only with SANDBOX_ALLOW_PRIVATE_SOURCES (docs/api-decisions.md, "External sources")."""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from apps.sandbox.brickworks import egress
from tests.sandbox.brickworks.conftest import Api, assert_error

HINT = "set SYNADMIN_SANDBOX_ALLOW_PRIVATE_SOURCES=1 to allow private networks"

# shutdown() waits for the server to look at it: every 0.05 s, not every half second.
POLL = 0.05


class LocalSource(BaseHTTPRequestHandler):
    """A source on this machine: JSON on /today, a redirect to its own /today on /redirect."""

    paths: list[str] = []
    hosts: list[str] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        self.hosts.append(self.headers["Host"])
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/today")  # followed, it would show in `paths`
            self.end_headers()
            return
        body = json.dumps({"sky": "clear"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_source() -> Iterator[tuple[str, list[str]]]:
    """The base URL of a source served on 127.0.0.1, and the paths it was asked for."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), LocalSource)
    LocalSource.paths = []
    LocalSource.hosts = []
    thread = threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", LocalSource.paths
    server.shutdown()
    server.server_close()


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Made-up host names and what they resolve to; other names resolve as usual."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in names:
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in names[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


def generate_from(api: Api, url: str) -> tuple[int, Any]:
    source = api.ok("POST", "/external-sources", {"name": "Weather", "properties": {"url": url}})
    api.schema("forecast", fields={"weather": {"type": "external", "source": source["id"]}})
    record = api.record("forecast", values={}, status="PUBLISHED")
    return api.post(f"/schemas/forecast/records/{record['id']}/generate", {})


def refused(result: tuple[int, Any]) -> str:
    body = assert_error(result, 400, "BKW-028")
    assert "the external source was refused: " in body["message"]
    return body["message"]


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "169.254.1.1",
        "fe80::1",
        "::ffff:169.254.169.254",
        "fd00:ec2::254",
        "100.100.100.200",
        # 169.254.169.254 carried in IPv6: 6to4, NAT64 (well-known and local-use), IPv4-compatible,
        # IPv4-translated, Teredo (its client part, inverted), and the metadata of Alibaba over NAT64.
        "2002:a9fe:a9fe::",
        "2002:a9fe:a9fe:1234::1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::a9fe:a9fe",
        "::a9fe:a9fe",
        "::ffff:0:a9fe:a9fe",
        "2001:0:4136:e378:8000:63bf:5601:5601",
        "64:ff9b::6464:64c8",
    ],
)
@pytest.mark.parametrize("allow_private", [True, False])
def test_link_local_and_metadata_addresses_are_always_refused(address: str, allow_private: bool) -> None:
    reason = egress.refusal(ipaddress.ip_address(address), allow_private=allow_private)
    assert reason is not None and reason.endswith("is a link-local/metadata address")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback"),
        ("127.8.9.10", "a loopback"),
        ("::1", "a loopback"),
        ("10.1.2.3", "a private-network"),
        ("172.16.5.4", "a private-network"),
        ("192.168.1.1", "a private-network"),
        ("fc00::1", "a private-network"),
        ("0.0.0.0", "an unspecified"),
        ("::", "an unspecified"),
        ("224.0.0.1", "a multicast"),
        ("240.0.0.1", "a reserved"),
        ("100.64.0.1", "a non-public"),
    ],
)
def test_private_addresses_are_refused_unless_allowed(address: str, kind: str) -> None:
    ip = ipaddress.ip_address(address)
    assert egress.refusal(ip, allow_private=False) == f"{ip} is {kind} address; {HINT}"
    assert egress.refusal(ip, allow_private=True) is None


@pytest.mark.parametrize(
    ("address", "carried", "kind"),
    [
        ("2002:a01:203::", "10.1.2.3", "a private-network"),
        ("64:ff9b::7f00:1", "127.0.0.1", "a loopback"),
        ("64:ff9b::c0a8:101", "192.168.1.1", "a private-network"),
        ("::7f00:1", "127.0.0.1", "a loopback"),
    ],
)
def test_a_private_address_carried_in_ipv6_is_refused_unless_allowed(
    address: str, carried: str, kind: str
) -> None:
    ip = ipaddress.ip_address(address)
    assert (
        egress.refusal(ip, allow_private=False) == f"{ip} (which carries {carried}) is {kind} address; {HINT}"
    )
    assert egress.refusal(ip, allow_private=True) is None


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "2606:4700:4700::1111", "2002:5db8:d70e::", "64:ff9b::5db8:d70e"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert egress.refusal(ipaddress.ip_address(address), allow_private=False) is None


# The tests below hand a link-local, private or public address only to the check (`checked_addresses`,
# which resolves and judges and connects nowhere), never to code that could open a connection.
def test_a_host_name_of_the_metadata_address_is_refused_even_when_private_networks_are_allowed(
    settings: Any, dns: dict[str, list[str]]
) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = True
    dns["metadata.example.test"] = ["169.254.169.254"]
    with pytest.raises(egress.Refused, match=r"^169\.254\.169\.254 is a link-local/metadata address$"):
        egress.checked_addresses("metadata.example.test", 80)


@pytest.mark.parametrize("address", ["2002:a9fe:a9fe::", "64:ff9b::a9fe:a9fe"])
def test_a_host_name_of_the_metadata_address_carried_in_ipv6_is_refused(
    settings: Any, dns: dict[str, list[str]], address: str
) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = True
    dns["carried.example.test"] = [address]
    with pytest.raises(egress.Refused, match="carries 169.254.169.254"):
        egress.checked_addresses("carried.example.test", 443)


def test_a_loopback_source_is_refused_by_default_outside_the_embedded_setup(
    api: Api, settings: Any, local_source: tuple[str, list[str]]
) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = False
    base, paths = local_source
    message = refused(generate_from(api, f"{base}/today"))
    assert message.endswith(f"refused: 127.0.0.1 is a loopback address; {HINT}")
    assert paths == []  # refused before connecting


def test_a_loopback_source_answers_when_private_networks_are_allowed(
    api: Api, settings: Any, local_source: tuple[str, list[str]]
) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = True
    base, paths = local_source
    status, body = generate_from(api, f"{base}/today")
    assert (status, body["weather"]) == (200, {"sky": "clear"})
    assert paths == ["/today"]


def test_a_host_name_that_resolves_to_a_private_address_is_refused(
    settings: Any, dns: dict[str, list[str]]
) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = False
    dns["intranet.example.test"] = ["10.1.2.3"]
    with pytest.raises(egress.Refused) as refused:
        egress.checked_addresses("intranet.example.test", 80)
    assert str(refused.value) == f"10.1.2.3 is a private-network address; {HINT}"


def test_it_connects_to_the_checked_address_and_keeps_the_host_name(
    api: Api, settings: Any, dns: dict[str, list[str]], local_source: tuple[str, list[str]]
) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = True
    dns["weather.example.test"] = ["127.0.0.1"]
    port = local_source[0].rsplit(":", 1)[1]
    status, body = generate_from(api, f"http://weather.example.test:{port}/today")
    assert (status, body["weather"]) == (200, {"sky": "clear"})
    assert LocalSource.hosts == [f"weather.example.test:{port}"]


def test_every_address_of_a_host_name_is_checked(settings: Any, dns: dict[str, list[str]]) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = True
    dns["rebind.example.test"] = ["93.184.215.14", "169.254.169.254"]
    with pytest.raises(egress.Refused, match=r"^169\.254\.169\.254 is a link-local/metadata address$"):
        egress.checked_addresses("rebind.example.test", 443)


def test_a_redirect_is_not_followed(api: Api, settings: Any, local_source: tuple[str, list[str]]) -> None:
    settings.SANDBOX_ALLOW_PRIVATE_SOURCES = True
    base, paths = local_source
    body = assert_error(generate_from(api, f"{base}/redirect"), 400, "BKW-028")
    assert "the external source failed" in body["message"] and "302" in body["message"]
    assert paths == ["/redirect"]
