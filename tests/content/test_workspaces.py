"""What the dashboard keeps about content (deleted snapshots, schedules, bulk jobs) belongs to one
workspace: it is listed, undone and acted on only there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.models import DeletedRecord, ScheduledAction
from apps.content.services import deleted, schedule
from apps.content.services.workspace import workspace_for
from apps.core.http import ApiNotFound


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_recently_deleted_and_undo_belong_to_the_workspace_of_the_delete(
    paula: User, staging: Connection, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    client = signed_in(paula)
    teaser = bw.get_record("home-banners", "spring-teaser")
    client.post(reverse("content:record_delete", args=["home-banners", teaser.id]))
    snapshot = DeletedRecord.objects.get()
    assert snapshot.connection == demo["synerise"]

    connections.set_current_workspace(paula, staging)
    assert f'id="deleted-{snapshot.pk}"' not in client.get(reverse("content:deleted")).content.decode()
    assert client.post(reverse("content:deleted_undo", args=[snapshot.pk])).status_code == 404
    assert DeletedRecord.objects.get().restored_at is None

    # Whoever undoes it, from wherever, the record comes back where it was deleted.
    record = deleted.undo_delete(workspace_for(paula), deleted=snapshot)
    assert bw.get_record("home-banners", record.id).name == "Spring is coming"
    with BrickworksClient(connections.http_for(staging)) as api, pytest.raises(ApiNotFound):
        api.get_schema("home-banners")

    connections.set_current_workspace(paula, demo["synerise"])
    assert f'id="deleted-{snapshot.pk}"' in client.get(reverse("content:deleted")).content.decode()


def test_the_schedule_belongs_to_its_workspace(
    paula: User, staging: Connection, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    schema = bw.get_schema("home-banners")
    record = bw.get_record(schema.id, "spring-teaser")
    at = timezone.now() + timezone.timedelta(days=1)
    item = schedule.schedule(workspace_for(paula), schema=schema, record=record, action="publish", at=at)
    client = signed_in(paula)
    assert "Spring is coming" in client.get(reverse("jobs:scheduled")).content.decode()

    connections.set_current_workspace(paula, staging)
    for name in ("jobs:scheduled", "jobs:scheduled_calendar", "dashboard:home"):
        assert "Spring is coming" not in client.get(reverse(name)).content.decode(), name
    assert client.get(reverse("jobs:scheduled_detail", args=["records", item.pk])).status_code == 404
    assert client.post(reverse("jobs:scheduled_cancel", args=["records", item.pk])).status_code == 404
    assert ScheduledAction.objects.get().state == ScheduledAction.State.PENDING
