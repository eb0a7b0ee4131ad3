"""The Audit log screen: filters, who sees it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.core import audit


@pytest.fixture
def entries(alice: User, vera: User) -> None:
    audit.record(alice, "connection.create", vera, kind="flows")
    audit.record(vera, "workspace.switch")
    audit.record(alice, "connection.test", outcome="failed", error="Invalid API key")


def test_it_shows_the_audit_log_to_admins_with_filters(admin_client: Client, entries: None) -> None:
    html = admin_client.get(reverse("accounts:audit")).content.decode()
    assert "connection.create" in html and "workspace.switch" in html
    html = admin_client.get(reverse("accounts:audit"), {"outcome": "failed"}).content.decode()
    assert "Invalid API key" in html and "workspace.switch" not in html
    html = admin_client.get(reverse("accounts:audit"), {"q": "vera"}).content.decode()
    assert "workspace.switch" in html and "connection.test" not in html


def test_it_explains_a_bad_date_range(admin_client: Client, entries: None) -> None:
    response = admin_client.get(reverse("accounts:audit"), {"since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    response = admin_client.get(reverse("accounts:audit"), {"since": "yesterday"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_it_hides_the_audit_log_from_operators(operator_client: Client, entries: None) -> None:
    assert operator_client.get(reverse("accounts:audit")).status_code == 403


def test_it_survives_a_bad_page_number(admin_client: Client, entries: None) -> None:
    assert admin_client.get(reverse("accounts:audit"), {"page": "abc"}).status_code == 200
    assert admin_client.get(reverse("jobs:list"), {"page": "-5"}).status_code == 200
