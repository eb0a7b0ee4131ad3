from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.core import audit
from apps.core.http import ApiConflict
from apps.core.models import AuditEntry


def test_it_records_a_failed_action_with_the_remote_error(alice: User) -> None:
    with pytest.raises(ApiConflict), audit.action(alice, "record.update", None, record="r1"):
        raise ApiConflict("Record was updated in the meantime", status=409, code="BKW-029")
    entry = AuditEntry.objects.get(action="record.update")
    assert (entry.username, entry.action, entry.outcome) == ("alice", "record.update", "failed")
    assert entry.error == "Record was updated in the meantime"
    assert entry.detail == {"record": "r1"}


@pytest.fixture
def entries(alice: User, vera: User) -> None:
    audit.record(alice, "connection.create", vera, kind="flows")
    audit.record(vera, "workspace.switch")
    audit.record(alice, "connection.test", outcome="failed", error="Invalid API key")


def test_it_shows_the_audit_log_to_admins_with_filters(admin_client: Client, entries: None) -> None:
    html = admin_client.get(reverse("core:audit")).content.decode()
    assert "connection.create" in html and "workspace.switch" in html
    html = admin_client.get(reverse("core:audit"), {"outcome": "failed"}).content.decode()
    assert "Invalid API key" in html and "workspace.switch" not in html
    html = admin_client.get(reverse("core:audit"), {"q": "vera"}).content.decode()
    assert "workspace.switch" in html and "connection.test" not in html


def test_it_explains_a_bad_date_range(admin_client: Client, entries: None) -> None:
    response = admin_client.get(reverse("core:audit"), {"since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    response = admin_client.get(reverse("core:audit"), {"since": "yesterday"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_it_hides_the_audit_log_from_operators(operator_client: Client, entries: None) -> None:
    assert operator_client.get(reverse("core:audit")).status_code == 403


def test_it_survives_a_bad_page_number(admin_client: Client, entries: None) -> None:
    assert admin_client.get(reverse("core:audit"), {"page": "abc"}).status_code == 200
    assert admin_client.get(reverse("jobs:list"), {"page": "-5"}).status_code == 200
