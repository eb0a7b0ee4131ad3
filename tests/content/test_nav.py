"""Every content page is under one URL namespace, so the main navigation marks the right section."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.jobs.models import Job


def active_section(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.findall(r'class="navitem active"[^>]*>([^<]+)<', response.content.decode())
    assert len(found) == 1, (url, found)
    return found[0]


@pytest.mark.parametrize(
    "name,args",
    [
        ("content:schemas", []),
        ("content:schema", ["home-banners"]),
        ("content:records", ["home-banners"]),
        ("content:sources", []),
        ("content:deleted", []),
    ],
)
def test_content_pages_mark_content(
    admin_client: Client, demo: dict[str, Connection], name: str, args: list[str]
) -> None:
    assert active_section(admin_client, reverse(name, args=args)) == "Content"


def test_a_record_and_a_bulk_job_mark_content_and_the_schedule_marks_scheduled(
    admin_client: Client, publisher_client: Client, bw: BrickworksClient, demo: dict[str, Connection]
) -> None:
    teaser = bw.get_record("home-banners", "spring-teaser")
    record = reverse("content:record", args=["home-banners", teaser.id])
    assert active_section(admin_client, record) == "Content"
    bulk = reverse("content:bulk_ready", args=["home-banners"])
    publisher_client.post(bulk, {"operation": "publish", "ids": teaser.id})
    job = Job.objects.get()
    assert active_section(admin_client, reverse("content:bulk_detail", args=[job.pk])) == "Content"
    assert active_section(admin_client, reverse("jobs:scheduled")) == "Scheduled"
    assert active_section(admin_client, reverse("jobs:scheduled_calendar")) == "Scheduled"
