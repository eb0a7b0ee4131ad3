"""A scheduled publish or unpublish is named after the version it will act on, wherever it is listed."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient
from apps.content.models import ScheduledAction


def test_a_scheduled_publish_is_named_after_the_draft_that_will_go_live(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": "Spring arrives"})
    url = reverse("content:record_schedule", args=["home-banners", live.id])
    page = publisher_client.post(url, {"action": "publish", "at": "2030-07-01T09:30"}, follow=True)
    assert "Spring arrives will publish at" in page.content.decode()
    item = ScheduledAction.objects.get(record_id=live.id)
    assert item.record_name == "Spring arrives"
    listed = publisher_client.get(reverse("jobs:scheduled")).content.decode()
    assert "Spring arrives" in listed and "Winter sale" not in listed
    detail = publisher_client.get(
        reverse("jobs:scheduled_detail", args=["records", item.pk])
    ).content.decode()
    assert "Spring arrives" in detail


def test_a_scheduled_unpublish_is_named_after_the_live_version(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": "Spring arrives"})
    url = reverse("content:record_schedule", args=["home-banners", live.id])
    publisher_client.post(url, {"action": "unpublish", "at": "2030-07-01T09:30"})
    assert ScheduledAction.objects.get(record_id=live.id).record_name == live.name
