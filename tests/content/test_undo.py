"""Deleting keeps a snapshot with the versions; Undo re-creates the record within seven days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.content import tasks
from apps.content.client import BrickworksClient
from apps.content.models import DeletedRecord, ScheduledAction
from apps.content.services import deleted, schedule
from apps.content.services.workspace import workspace_for
from apps.core.http import ApiNotFound
from apps.core.models import AuditEntry


def delete(client: Client, bw: BrickworksClient, slug: str) -> DeletedRecord:
    record = bw.get_record("home-banners", slug)
    response = client.post(reverse("content:record_delete", args=["home-banners", record.id]), follow=True)
    assert (
        "deleted. <a href=" in response.content.decode()
        and ">Undo</a> within 7 days." in response.content.decode()
    )
    with pytest.raises(ApiNotFound):
        bw.get_record("home-banners", slug)
    return DeletedRecord.objects.get(record_id=record.id)


def test_undo_brings_back_the_live_version_and_the_draft_on_top(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    schema = bw.get_schema("home-banners")
    live = bw.get_record(schema.id, "winter-sale")
    draft = bw.update_record(
        schema.id, live.id, status="DRAFT", values={**live.values, "headline": "Winter sale, take 2"}
    )
    deleted = delete(publisher_client, bw, "winter-sale")
    assert [v["status"] for v in deleted.snapshot["versions"]][:2] == ["DRAFT", "PUBLISHED"]
    page = publisher_client.get(reverse("content:deleted")).content.decode()
    assert f'id="deleted-{deleted.pk}"' in page and "Undo" in page
    response = publisher_client.post(reverse("content:deleted_undo", args=[deleted.pk]))
    deleted.refresh_from_db()
    assert deleted.restored_at is not None and response["Location"].endswith(f"/{deleted.restored_as}/")
    back_live = bw.get_record(schema.id, deleted.restored_as, statuses=["PUBLISHED"])
    assert back_live.values == live.values and back_live.slug == "winter-sale"
    back_draft = bw.get_record(schema.id, deleted.restored_as, statuses=["DRAFT"])
    assert back_draft.status == "DRAFT" and back_draft.values == draft.values
    assert AuditEntry.objects.filter(action="record.undo_delete", outcome="ok").count() == 1
    again = publisher_client.post(
        reverse("content:deleted_undo", args=[deleted.pk]), follow=True
    ).content.decode()
    assert "can no longer be restored" in again


def test_a_draft_only_record_comes_back_as_a_draft(publisher_client: Client, bw: BrickworksClient) -> None:
    before = bw.get_record("home-banners", "spring-teaser")
    deleted = delete(publisher_client, bw, "spring-teaser")
    publisher_client.post(reverse("content:deleted_undo", args=[deleted.pk]))
    back = bw.get_record("home-banners", "spring-teaser")
    assert back.status == "DRAFT" and back.values == before.values and back.name == before.name


def test_after_seven_days_there_is_no_undo(publisher_client: Client, bw: BrickworksClient) -> None:
    deleted = delete(publisher_client, bw, "spring-teaser")
    DeletedRecord.objects.filter(pk=deleted.pk).update(
        deleted_at=deleted.deleted_at - timedelta(days=7, seconds=1)
    )
    assert (
        f'id="deleted-{deleted.pk}"' not in publisher_client.get(reverse("content:deleted")).content.decode()
    )
    publisher_client.post(reverse("content:deleted_undo", args=[deleted.pk]))
    with pytest.raises(ApiNotFound):
        bw.get_record("home-banners", "spring-teaser")


def test_an_editor_cannot_undo(publisher_client: Client, editor_client: Client, bw: BrickworksClient) -> None:
    deleted = delete(publisher_client, bw, "spring-teaser")
    assert "Undo</button>" not in editor_client.get(reverse("content:deleted")).content.decode()
    assert editor_client.post(reverse("content:deleted_undo", args=[deleted.pk])).status_code == 403


def test_snapshots_past_seven_days_are_purged(publisher_client: Client, bw: BrickworksClient) -> None:
    old = delete(publisher_client, bw, "spring-teaser")
    recent = delete(publisher_client, bw, "black-friday")
    DeletedRecord.objects.filter(pk=old.pk).update(deleted_at=old.deleted_at - timedelta(days=8))
    assert tasks.purge_deleted() == 1
    assert list(DeletedRecord.objects.values_list("pk", flat=True)) == [recent.pk]


def test_deleting_cancels_what_was_scheduled(
    publisher_client: Client, paula: User, bw: BrickworksClient
) -> None:
    teaser = bw.get_record("home-banners", "spring-teaser")
    schema = bw.get_schema("home-banners")
    at = timezone.now() + timedelta(hours=1)
    item = schedule.schedule(workspace_for(paula), schema=schema, record=teaser, action="publish", at=at)
    delete(publisher_client, bw, "spring-teaser")
    item.refresh_from_db()
    assert item.state == ScheduledAction.State.CANCELLED
    assert item.events.last().message == "Cancelled: the record was deleted"


def test_the_snapshot_keeps_every_version_page_by_page(
    publisher_client: Client, bw: BrickworksClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deleted, "VERSIONS_PAGE", 2)  # five versions over three pages
    schema = bw.get_schema("home-banners")
    record = bw.create_record(schema.id, status="DRAFT", values={"headline": "Take 1"})
    for take in range(2, 6):
        record = bw.update_record(schema.id, record.id, status="PUBLISHED", last_updated_at=record.updated_at)
        record = bw.update_record(
            schema.id,
            record.id,
            status="DRAFT",
            values={"headline": f"Take {take}"},
            last_updated_at=record.updated_at,
        )
    total = bw.list_versions(schema.id, record.id).meta.total
    assert total == 5 > deleted.VERSIONS_PAGE
    publisher_client.post(reverse("content:record_delete", args=["home-banners", record.id]))
    versions = DeletedRecord.objects.get().snapshot["versions"]
    assert sorted(v["recordVersion"] for v in versions) == [1, 2, 3, 4, 5]


def test_the_delete_page_warns_of_a_schedule_and_says_what_undo_does_not_bring_back(
    publisher_client: Client, paula: User, bw: BrickworksClient
) -> None:
    schema = bw.get_schema("home-banners")
    live = bw.get_record(schema.id, "winter-sale")
    bw.update_record(schema.id, live.id, status="DRAFT", values={**live.values, "headline": "Take 2"})
    bw.update_record(schema.id, live.id, status="PUBLISHED")  # version 2 live, version 1 older
    bw.update_record(schema.id, live.id, status="DRAFT", values={**live.values, "headline": "Take 3"})
    url = reverse("content:record_delete", args=["home-banners", live.id])
    assert "Deleting cancels what is scheduled" not in publisher_client.get(url).content.decode()

    at = timezone.now() + timedelta(days=1)
    draft = bw.get_record(schema.id, live.id, statuses=["DRAFT"])
    schedule.schedule(workspace_for(paula), schema=schema, record=draft, action="publish", at=at)
    html = publisher_client.get(url).content.decode()
    assert "Deleting cancels what is scheduled for it: Publish on" in html
    assert "Undo brings back the live version and the newest draft" in html
    assert "not its schedule, nor its 1 older version" in html
