"""The bulk page in a browser: the poll moves progress and items together, keeps focus on Cancel, and
stops at the end, when the buttons change once."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content import tasks
from apps.content.client import BrickworksClient
from apps.content.services import bulk
from apps.content.services.workspace import workspace_for
from apps.jobs.models import Job, JobItem
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e
POLLS = "performance.getEntriesByType('resource').filter(e => e.name.includes('/status/')).length"


def test_the_poll_keeps_focus_and_stops_at_the_end(
    page: Any, live_server: Any, demo: dict[str, Connection], paula: User
) -> None:
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    schema = bw.get_schema("home-banners")
    with transaction.atomic():  # queued, and no worker: the test moves it along
        teaser = bw.get_record(schema.id, "spring-teaser")
        workspace = workspace_for(paula, connection=demo["synerise"])
        job = bulk.create_job(workspace, schema, "publish", [teaser], task_name=tasks.run_bulk.name)
    sign_in(page, live_server.url, "paula", at=f"{live_server.url}/content/bulk/{job.pk}/")
    page.focus("#bulk-actions button:has-text('Cancel')")
    deadline = time.monotonic() + 10
    while page.evaluate(POLLS) < 2 and time.monotonic() < deadline:  # wait_for_function needs eval: CSP
        time.sleep(0.2)
    assert page.evaluate(POLLS) >= 2
    assert page.evaluate("document.activeElement.textContent") == "Cancel"

    JobItem.objects.filter(job=job).update(state=JobItem.State.FAILED, message="Refused by Brickworks")
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)
    page.locator("#results", has_text="Refused by Brickworks").wait_for(timeout=10_000)
    page.locator("#bulk-actions", has_text="Retry the 1 failed").wait_for(timeout=10_000)
    assert "1 failed" in page.inner_text("#bulk-progress")
    settled = page.evaluate(POLLS)
    time.sleep(1.0)  # four intervals of the 0.25 s poll the browser tests use
    assert page.evaluate(POLLS) == settled  # a final state stops the poll


def test_the_readiness_page_shows_at_once_and_brings_its_list_with_or_without_javascript(
    page: Any, browser: Any, live_server: Any, demo: dict[str, Connection], paula: User
) -> None:
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    teaser = bw.get_record(bw.get_schema("home-banners").id, "spring-teaser")
    url = f"{live_server.url}/content/records/home-banners/bulk/?operation=publish&id={teaser.id}"
    sign_in(page, live_server.url, "paula", at=url)
    page.locator("table.table", has_text="Ready").wait_for()
    assert page.url.endswith("checked=1") and page.locator("h1").inner_text() == "Publish 1 record?"
    plain = browser.new_context(java_script_enabled=False)
    try:
        bare = plain.new_page()
        sign_in(bare, live_server.url, "paula", at=url)
        bare.wait_for_url("**checked=1")
        assert bare.locator("table.table", has_text="Ready").is_visible()
    finally:
        plain.close()
