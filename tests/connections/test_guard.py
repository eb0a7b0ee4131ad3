"""Connections reach public addresses only, unless SYNADMIN_CONNECTION_ALLOWED_HOSTS names them; the
check runs when a connection is saved and at each connection; a failed connection reads the same
whatever the port's state (issue 18, defect 8).

A private, link-local or public address is handed only to the check (`guard.refusal`,
`guard.checked_addresses`, `guard.url_refusal`), which connects nowhere; what does connect goes to
loopback only.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps import addresses
from apps.connections import guard
from apps.connections.models import Connection
from apps.jobs.models import Job

PRODUCTION: list[str] = []  # SYNADMIN_CONNECTION_ALLOWED_HOSTS without the sandbox


@pytest.fixture
def production(settings: Any) -> None:
    settings.CONNECTION_ALLOWED_HOSTS = PRODUCTION


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "fd12::1",
        "0.0.0.0",
        "169.254.169.254",
        "2002:a9fe:a9fe::",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::7f00:1",
        "::ffff:127.0.0.1",
        "::7f00:1",
    ],
)
def test_production_refuses_every_address_that_is_not_public(production: None, address: str) -> None:
    assert guard.refusal("redis.example.test", ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "64:ff9b::5db8:d70e"])
def test_production_allows_a_public_address(production: None, address: str) -> None:
    assert guard.refusal("api.example.test", ipaddress.ip_address(address)) is None


def test_the_allow_list_names_hosts_and_networks_but_never_the_metadata_address(settings: Any) -> None:
    settings.CONNECTION_ALLOWED_HOSTS = ["10.20.0.0/16", "Flows.Internal.Example.", "fd00:1::/32"]
    ip = ipaddress.ip_address
    assert guard.refusal("anything.test", ip("10.20.1.2")) is None
    assert guard.refusal("anything.test", ip("fd00:1::5")) is None
    assert guard.refusal("anything.test", ip("10.21.0.1")) is not None
    assert guard.refusal("flows.internal.example", ip("192.168.7.7")) is None
    assert guard.refusal("flows.internal.example", ip("169.254.169.254")) is not None
    assert guard.refusal("flows.internal.example", ip("2002:a9fe:a9fe::")) is not None


def test_the_embedded_default_allows_this_machine_for_its_sandbox(settings: Any) -> None:
    assert settings.SANDBOX_ENABLED  # the tests run with the sandbox on, as the embedded default
    assert guard.refusal("127.0.0.1", ipaddress.ip_address("127.0.0.1")) is None
    assert guard.refusal("localhost", ipaddress.ip_address("::1")) is None
    assert guard.refusal("intranet.example.test", ipaddress.ip_address("10.1.2.3")) is not None


def test_every_address_a_name_resolves_to_is_checked(production: None, dns: dict[str, list[str]]) -> None:
    dns["rebind.example.test"] = ["93.184.215.14", "10.1.2.3"]
    with pytest.raises(addresses.Refused, match="10.1.2.3 is a private-network address"):
        guard.checked_addresses("rebind.example.test", 443)


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("http://127.0.0.1:6379/", {}),
        ("http://[::1]:6379/", {}),
        ("http://redis.example.test:6379/", {"redis.example.test": ["127.0.0.1"]}),
        ("https://metadata.example.test/", {"metadata.example.test": ["64:ff9b::a9fe:a9fe"]}),
        ("http://instance-data.example.test/latest/", {"instance-data.example.test": ["169.254.169.254"]}),
    ],
)
def test_saving_a_connection_to_a_non_public_address_is_refused_in_production(
    admin_client: Client, production: None, dns: dict[str, list[str]], url: str, names: dict[str, list[str]]
) -> None:
    dns.update(names)
    assert guard.url_refusal(url) is not None
    data = {"name": "Internal", "base_url": url, "token": "t"}
    response = admin_client.post(reverse("connections:add", args=["flows"]), data)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "This server does not call" in page and "ask the" in page
    assert not Connection.objects.filter(name="Internal").exists()


def test_saving_a_connection_to_a_public_or_allowed_address_works(
    admin_client: Client, settings: Any, dns: dict[str, list[str]]
) -> None:
    settings.CONNECTION_ALLOWED_HOSTS = ["10.20.0.0/16"]
    dns["flows.example.test"] = ["93.184.215.14"]
    dns["flows.internal.test"] = ["10.20.0.7"]
    assert guard.url_refusal("https://flows.example.test/api/v1") is None
    assert guard.url_refusal("http://flows.internal.test/api/v1") is None
    assert guard.url_refusal("https://not-yet-registered.test/api/v1") is None  # checked at each connection
    data = {"name": "Flows", "base_url": "https://flows.example.test/api/v1", "token": "t"}
    assert admin_client.post(reverse("connections:add", args=["flows"]), data).status_code == 302


@pytest.mark.usefixtures("eager_celery")
def test_a_name_that_resolves_elsewhere_after_the_save_is_refused_when_connecting(
    operator_client: Client, production: None, dns: dict[str, list[str]], transactional_db: None
) -> None:
    """DNS rebinding: the check runs again at connect time, on the addresses the connection then uses."""
    connection = Connection.objects.create(
        kind="flows", name="Rebound", base_url="http://rebind.example.test:9/api/v1", token="t"
    )
    dns["rebind.example.test"] = ["127.0.0.1"]  # loopback: if the guard failed, nothing listens on 9
    operator_client.post(reverse("connections:test", args=[connection.pk]))
    job = Job.objects.get(target_id=str(connection.pk))
    assert job.state == Job.State.FAILED
    assert job.error.startswith("The address of the remote service is not allowed")
    assert "127.0.0.1 is a loopback address" in job.error


@pytest.fixture
def ports() -> Iterator[dict[str, int]]:
    """Loopback ports in each state: closed, open and answering no HTTP, open and silent, reset."""
    servers: list[socket.socket] = []
    stop = threading.Event()

    def serve(kind: str) -> int:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.1)
        servers.append(listener)

        def loop() -> None:
            held = []
            while not stop.is_set():
                try:
                    peer, _ = listener.accept()
                except OSError:
                    continue
                if kind == "redis":
                    peer.recv(1024)
                    peer.sendall(b"-ERR unknown command 'GET'\r\n")
                    peer.close()
                elif kind == "reset":
                    peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    peer.close()
                else:
                    held.append(peer)  # silent: the request times out
            for peer in held:
                peer.close()

        threading.Thread(target=loop, daemon=True).start()
        return listener.getsockname()[1]

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    yield {"closed": closed_port, "redis": serve("redis"), "silent": serve("silent"), "reset": serve("reset")}
    stop.set()
    for listener in servers:
        listener.close()


@pytest.mark.usefixtures("eager_celery")
def test_test_connection_reads_the_same_whatever_the_state_of_the_port(
    operator_client: Client, settings: Any, ports: dict[str, int], transactional_db: None
) -> None:
    settings.REMOTE_TIMEOUT = 0.5
    settings.REMOTE_RETRIES = 0
    errors = {}
    for state, port in ports.items():
        connection = Connection.objects.create(
            kind="flows", name=state, base_url=f"http://127.0.0.1:{port}/api/v1", token="t"
        )
        operator_client.post(reverse("connections:test", args=[connection.pk]))
        job = Job.objects.get(target_id=str(connection.pk))
        assert job.state == Job.State.FAILED
        errors[state] = job.error
        assert str(port) not in job.error
    assert len(set(errors.values())) == 1, errors
    assert errors["closed"] == (
        "The remote service is unavailable: GET flows: no connection could be made, or no answer came in time"
    )
