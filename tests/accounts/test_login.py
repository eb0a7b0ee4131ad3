from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.signin import SEEN
from tests.people import PASSWORD


def test_it_signs_in_with_the_right_password(client: Client, alice: User) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_it_explains_a_wrong_password(client: Client, alice: User) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_it_locks_out_a_username_at_an_address_after_five_failures(client: Client, alice: User) -> None:
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "nope"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def sign_in(username: str, password: str, address: str) -> int:
    """The status of a sign-in from `address`: 302 in, 200 refused, 429 locked out."""
    return (
        Client()
        .post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)
        .status_code
    )


def test_one_persons_failures_do_not_lock_out_their_office(alice: User, olive: User) -> None:
    """Five wrong passwords for Alice behind the office's one address leave Olive, behind it too, free."""
    for _ in range(5):
        sign_in("alice", "nope", "10.0.0.9")
    assert sign_in("alice", PASSWORD, "10.0.0.9") == 429
    assert sign_in("olive", PASSWORD, "10.0.0.9") == 302
    # Alice herself, from home, is not locked out either: the lock is on her name at that address.
    assert sign_in("alice", PASSWORD, "10.0.1.1") == 302


def test_an_address_trying_many_usernames_is_locked_out_at_its_own_limit(alice: User, settings: Any) -> None:
    settings.AXES_IP_FAILURE_LIMIT = 12
    for attempt in range(11):
        assert sign_in(f"guess{attempt}", "nope", "10.0.0.9") == 200
    # The twelfth failure from the address, none of them five times for one name, reaches its limit.
    assert sign_in("guess99", "nope", "10.0.0.9") == 429
    assert sign_in("alice", PASSWORD, "10.0.0.9") == 429
    # Another address is not affected.
    assert sign_in("alice", PASSWORD, "10.0.0.10") == 302


def test_a_sign_in_clears_only_that_persons_failures_at_that_address(alice: User, settings: Any) -> None:
    settings.AXES_IP_FAILURE_LIMIT = 10
    for attempt in range(4):
        sign_in(f"guess{attempt}", "nope", "10.0.0.9")
        sign_in("alice", "nope", "10.0.0.9")
    assert sign_in("alice", PASSWORD, "10.0.0.9") == 302
    # Alice's four are gone and the four guesses still count: the sixth more reaches the limit of ten.
    for attempt in range(5):
        assert sign_in(f"other{attempt}", "nope", "10.0.0.9") == 200
    assert sign_in("other9", "nope", "10.0.0.9") == 429


def test_an_address_below_its_limit_is_not_locked_out_by_many_usernames(alice: User) -> None:
    for attempt in range(10):
        sign_in(f"guess{attempt}", "nope", "10.0.0.9")
    assert sign_in("alice", PASSWORD, "10.0.0.9") == 302


def test_the_address_limit_is_fifty_by_default() -> None:
    assert settings.AXES_IP_FAILURE_LIMIT == 50 and settings.AXES_FAILURE_LIMIT == 5


def test_it_signs_out_with_post(admin_client: Client) -> None:
    response = admin_client.post(reverse("logout"))
    assert response.status_code == 302
    assert admin_client.get(reverse("dashboard:home")).status_code == 302


def test_behind_a_proxy_it_locks_out_the_client_not_everyone(
    client: Client, alice: User, settings: Any
) -> None:
    # The proxy (10.0.0.1) sets X-Real-IP to the address it sees, as README says.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP"]
    settings.AXES_IP_FAILURE_LIMIT = 8
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for attempt in range(8):
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


def test_a_signed_in_session_ends_after_twelve_idle_hours(client: Client, alice: User) -> None:
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    session = Session.objects.get()
    idle = session.expire_date - timezone.now()
    assert timedelta(hours=11, minutes=59) < idle <= timedelta(hours=12)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 12 * 3600
    # Twelve hours without a request: the session's expiry has passed, and the next request signs in again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_request_keeps_the_session_alive_but_writes_it_at_most_every_few_minutes(
    client: Client, alice: User
) -> None:
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    session = Session.objects.get()
    # Two hours later (the stored expiry and the last-seen mark moved back by two hours)...
    earlier = session.expire_date - timedelta(hours=2)
    data = session.get_decoded()
    data[SEEN] = int(time.time()) - 2 * 3600
    Session.objects.filter(pk=session.pk).update(
        session_data=SessionStore().encode(data), expire_date=earlier
    )
    assert client.get(reverse("dashboard:home")).status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed - timezone.now() > timedelta(hours=11, minutes=59)
    # ...while a request a moment later writes nothing: no write per page.
    Session.objects.filter(pk=session.pk).update(expire_date=earlier)
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert Session.objects.get(pk=session.pk).expire_date == earlier


def test_an_anonymous_visit_stores_no_session(client: Client, db: None) -> None:
    client.get(reverse("login"))
    assert not Session.objects.exists()


def test_the_sign_in_page_says_how_long_an_idle_session_lasts(
    client: Client, db: None, settings: Any
) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "You stay signed in for 12 hours without activity" in page
    settings.SESSION_IDLE_HOURS = 1
    assert "You stay signed in for 1 hour without activity" in client.get(reverse("login")).content.decode()
