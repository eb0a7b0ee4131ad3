"""The bulk job page: one poll moves the progress and the items table together, buttons left be."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.content import tasks
from apps.content.client import BrickworksClient
from apps.content.services import bulk
from apps.content.services.workspace import workspace_for
from apps.jobs.models import Job
from tests.jobs.bulk_page import check_the_poll

HTMX = {"HTTP_HX_REQUEST": "true"}


def queued_job(user: User, connection: Connection, bw: BrickworksClient) -> Job:
    """A bulk publish that has not started: the page polls it."""
    schema = bw.get_schema("home-banners")
    record = bw.get_record(schema.id, "spring-teaser")
    return bulk.create_job(
        workspace_for(user, connection=connection), schema, "publish", [record], task_name=tasks.run_bulk.name
    )


def test_the_poll_brings_the_items_with_the_progress_and_not_the_buttons(
    paula: User, publisher_client: Client, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    job = queued_job(paula, demo["synerise"], bw)
    page = publisher_client.get(reverse("content:bulk_detail", args=[job.pk])).content.decode()
    # Only one element polls, and the buttons are not inside it.
    assert page.count("hx-trigger=") == 1
    polled = re.search(r'<div id="bulk-progress"[^>]*hx-trigger="every 1s".*?</progress>', page, re.S)
    assert polled and "Cancel" not in polled.group(0)
    assert 'id="results" hx-get' not in page

    status = reverse("content:bulk_status", args=[job.pk])
    check_the_poll(publisher_client, status, job, item="Spring", refusal="Refused by Brickworks")


def test_the_poll_keeps_the_chosen_tab(
    paula: User, publisher_client: Client, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    job = queued_job(paula, demo["synerise"], bw)
    page = publisher_client.get(reverse("content:bulk_detail", args=[job.pk]), {"show": "failed"})
    assert f"/content/bulk/{job.pk}/status/?show=failed" in page.content.decode()
    tick = publisher_client.get(reverse("content:bulk_status", args=[job.pk]), {"show": "failed"}, **HTMX)
    text = tick.content.decode()
    assert "Nothing matches this filter." in text and f'href="/content/bulk/{job.pk}/">Clear' in text


def test_bulk_pages_name_the_schema_as_people_see_it(
    paula: User, publisher_client: Client, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    job = queued_job(paula, demo["synerise"], bw)
    name = bw.get_schema("home-banners").display_name
    page = publisher_client.get(reverse("content:bulk_detail", args=[job.pk])).content.decode()
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', page, re.S).group(1)
    assert ">Content</a>" in crumbs and f">{name}</a>" in crumbs and ">home-banners<" not in crumbs


def test_another_page_of_items_moves_the_poll_with_it(
    paula: User, publisher_client: Client, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    job = queued_job(paula, demo["synerise"], bw)
    url = reverse("content:bulk_detail", args=[job.pk])
    swap = publisher_client.get(url, {"show": "waiting"}, **HTMX).content.decode()
    assert swap.lstrip().startswith('<div id="results">')
    assert '<div id="bulk-progress" hx-swap-oob="true"' in swap and "status/?show=waiting" in swap
