from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def test_it_signs_in_with_the_right_password(client: Client, alice: User) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_it_explains_a_wrong_password(client: Client, alice: User) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_it_locks_out_a_username_after_five_failures_from_anywhere(client: Client, alice: User) -> None:
    for attempt in range(5):
        client.post(
            reverse("login"), {"username": "alice", "password": "nope"}, REMOTE_ADDR=f"10.0.0.{attempt}"
        )
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_it_locks_out_an_address_after_five_failures_for_anyone(client: Client, alice: User) -> None:
    for attempt in range(5):
        client.post(
            reverse("login"), {"username": f"guess{attempt}", "password": "nope"}, REMOTE_ADDR="10.0.0.9"
        )
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    # Another address is not affected.
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10"
    )
    assert response.status_code == 302


def test_it_signs_out_with_post(admin_client: Client) -> None:
    response = admin_client.post(reverse("logout"))
    assert response.status_code == 302
    assert admin_client.get(reverse("dashboard:home")).status_code == 302


def test_behind_a_proxy_it_locks_out_the_client_not_everyone(
    client: Client, alice: User, settings: Any
) -> None:
    # The proxy (10.0.0.1) sets X-Real-IP to the address it sees, as README says.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for attempt in range(5):
        client.post(
            reverse("login"),
            {"username": f"guess{attempt}", "password": "nope"},
            HTTP_X_REAL_IP="203.0.113.5",
            **proxy,
        )
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_REAL_IP="203.0.113.5",
        **proxy,
    )
    assert response.status_code == 429
    # Another client behind the same proxy is not affected.
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_REAL_IP="198.51.100.7",
        **proxy,
    )
    assert response.status_code == 302
