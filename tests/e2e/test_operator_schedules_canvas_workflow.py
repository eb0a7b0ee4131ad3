"""An operator opens a seeded Canvas workflow's scheduler, picks "weekdays at 06:00" in their zone
(Europe/Warsaw, the browser's), saves, and sees the next fires in UTC and in Warsaw side by side;
then pauses and resumes it. Screenshots at 1366 and 390 px go to
SYNADMIN_SCREENSHOTS when set."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from apps.canvas import quartz
from apps.connections.models import Connection
from apps.sandbox.canvas.models import CanvasWorkflow
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e
ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"
WARSAW = ZoneInfo("Europe/Warsaw")


def test_an_operator_schedules_a_canvas_workflow_on_weekdays_at_six_warsaw_time(
    page: Any, live_server: Any, demo: dict[str, Connection], olive: User
) -> None:
    base = live_server.url
    sign_in(page, base, "olive")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{base}/integrations/workflows/{ORDERS}/schedule/")
    assert page.locator("h1").inner_text() == "Schedule of Order transferring"
    page.select_option("#id_kind", "weekdays")
    page.fill("#id_at", "06:00")
    page.click("button:has-text('Fill the expression')")

    offset = datetime.now(UTC).astimezone(WARSAW).utcoffset()
    assert offset is not None
    utc_hour = 6 - offset.seconds // 3600
    expression = f"0 0 {utc_hour} ? * MON-FRI"
    assert page.input_value("#id_cron") == expression
    assert f"At 0{utc_hour}:00, Monday through Friday" in page.locator("#preview").inner_text()
    rows = page.locator("#preview tbody tr")
    assert rows.count() == 10
    first_utc, first_local = rows.nth(0).locator("td").nth(1), rows.nth(0).locator("td").nth(2)
    assert f"0{utc_hour}:00" in first_utc.inner_text()
    assert "06:00 CE" in first_local.inner_text()  # CET, or CEST in summer
    assert "Europe/Warsaw" in page.locator("#preview thead").text_content()

    page.click("button:has-text('Save and turn on')")
    page.locator(".messages", has_text="Saved").wait_for()
    assert page.locator(".page-head .badge").inner_text() == "Scheduled"
    workflow = CanvasWorkflow.objects.get(id=ORDERS)
    assert workflow.is_scheduled
    assert workflow.date_next_schedule == quartz.parse(expression).next_after(workflow.date_modified)
    now_card = page.locator("section", has_text="Next run").first.inner_text()
    assert "UTC" in now_card and ("CET" in now_card or "CEST" in now_card)

    screenshot(page, "canvas-schedule-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "canvas-schedule-390.png", full_page=True)
    screenshot(page.locator("#preview"), "canvas-schedule-390-fires.png")
    table = page.locator("#preview table")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")  # both zones fit without scrolling
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("button:has-text('Pause')")
    page.locator(".messages", has_text="Canvas has no call to stop a run in progress").wait_for()
    assert page.locator(".page-head .badge").inner_text() == "Paused"
    page.click("button:has-text('Resume')")
    page.locator(".messages", has_text="Resumed").wait_for()
    assert CanvasWorkflow.objects.get(id=ORDERS).is_scheduled


def test_the_expression_preview_updates_as_the_operator_types(
    page: Any, live_server: Any, demo: dict[str, Connection], olive: User
) -> None:
    base = live_server.url
    sign_in(page, base, "olive", at=f"{base}/integrations/workflows/{ORDERS}/schedule/")
    page.fill("#id_cron", "0 0 5 ? * MON#6")
    page.locator("#preview", has_text="must be followed by a number from 1 to 5").wait_for()
    screenshot(page.locator("#preview"), "canvas-schedule-refused.png")
    page.fill("#id_cron", "0 0 0 L * ?")
    page.locator("#preview", has_text="on the last day of the month").wait_for()
    screenshot(page, "canvas-schedule-typing.png", full_page=True)
