"""A marketer creates a banner, previews it for two profiles, schedules it two minutes ahead, sees it on the
calendar and then live; a viewer sees no publish button and is refused if they post anyway."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.models import ScheduledAction
from apps.jobs import tasks as jobs_tasks
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e
WARSAW = ZoneInfo("Europe/Warsaw")


def test_a_marketer_schedules_a_new_banner(
    page: Any, live_server: Any, celery_worker: None, demo: dict[str, Connection], paula: User
) -> None:
    base = live_server.url
    sign_in(page, base, "paula", at="/content/records/home-banners/new/")
    page.fill("#id_values-headline", "Gifts for you, {{ customer.firstName }}")
    page.select_option("#id_values-tone", "urgent")
    page.click("button:has-text('Save draft')")
    page.locator(".messages", has_text="saved").wait_for()
    record_url = page.url
    assert page.locator(".side-status .badge").inner_text() == "Draft"

    page.click("a:has-text('Preview')")
    page.fill("#id_form-0-identifier_value", "ann@example.test")
    page.click("button:has-text('Add a profile')")
    assert page.input_value("#id_form-0-identifier_value") == "ann@example.test"
    page.fill("#id_form-1-identifier_value", "bob@example.test")
    page.click("button:has-text('Preview')")
    columns = page.locator(".preview-grid section")
    expect(columns).to_have_count(2)  # waits: the click only starts the page's load
    assert "Gifts for you, Ann" in columns.nth(0).inner_text()
    assert "Gifts for you, Bob" in columns.nth(1).inner_text()
    screenshot(page, "preview.png", full_page=True)

    page.goto(record_url)
    # Two minutes ahead: the field keeps whole minutes, so one minute ahead was seconds ahead at :59 (seen
    # failing "Pick a time in the future" on a run that filled it at 19:21:59).
    at = (timezone.now() + timedelta(minutes=2)).astimezone(WARSAW)
    page.select_option("#id_action", "publish")
    page.fill("#id_at", at.strftime("%Y-%m-%dT%H:%M"))
    page.click("#schedule button:has-text('Schedule')")
    page.locator(".messages", has_text="will publish at").wait_for()
    assert "Europe/Warsaw" in page.locator("#schedule").inner_text()
    item = ScheduledAction.objects.get()
    assert item.due_at.astimezone(WARSAW).strftime("%H:%M") == at.strftime("%H:%M")

    page.click("a.navitem:has-text('Scheduled')")
    page.click("nav.tabs a:has-text('Month')")
    expect(page.locator(".calendar", has_text="Gifts for you")).to_have_count(1)
    screenshot(page, "calendar.png", full_page=True)

    # As if the minute went by (due and next attempt now), then beat's part: sweep twice a second until
    # the worker has published.
    ScheduledAction.objects.filter(pk=item.pk).update(due_at=timezone.now(), run_at=timezone.now())
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        jobs_tasks.sweep_schedules()
        item.refresh_from_db()
        if item.state in (ScheduledAction.State.DONE, ScheduledAction.State.FAILED):
            break
        time.sleep(0.5)
    assert item.state == ScheduledAction.State.DONE, item.error
    assert item.finished_at - item.run_at < timedelta(seconds=60)
    page.goto(record_url)
    assert page.locator(".side-status .badge").inner_text() == "Published"
    assert bw.get_record("home-banners", item.record_id).status == "PUBLISHED"


def test_a_viewer_sees_no_publish_button_and_is_refused(
    page: Any, live_server: Any, demo: dict[str, Connection], vera: User
) -> None:
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    teaser = bw.get_record("home-banners", "spring-teaser")
    sign_in(page, live_server.url, "vera")
    url = f"{live_server.url}/content/records/home-banners/{teaser.id}/"
    page.goto(url)
    assert page.locator("h1").inner_text() == "Spring is coming"
    assert page.locator("button:has-text('Publish')").count() == 0
    assert page.locator("#schedule button").count() == 0
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        url, form={"action": "publish", "values-headline": "Mine now"}, headers={"X-CSRFToken": csrf}
    )
    assert response.status == 403
    assert bw.get_record("home-banners", teaser.id).status == "DRAFT"
