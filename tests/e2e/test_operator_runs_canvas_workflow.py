"""An operator connects an application from its credential form, creates a workflow from a template, runs
blocks 2 to 3 (confirming the warning about the block it skips), watches the run finish, then schedules it
on weekdays at 06:00 Warsaw time and sees the next fires in UTC and in Warsaw."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from apps.canvas.models import WorkflowRun
from apps.connections.models import Connection
from apps.sandbox.canvas.models import CanvasRegApplication, CanvasWorkflow
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.long(8)]
TEMPLATE = "Sandbox: employees to FTP with a summary email"
WARSAW = ZoneInfo("Europe/Warsaw")


def test_an_operator_connects_creates_and_runs_part_of_a_canvas_workflow(
    page: Any, live_server: Any, celery_worker: None, demo: dict[str, Connection], olive: User, settings: Any
) -> None:
    settings.SANDBOX_BLOCK_SECONDS = 0.75  # the page reads every 0.5 s: the run is seen going, then finished
    base = live_server.url
    sign_in(page, base, "olive")

    page.click("nav.mainnav >> text=Integrations")
    page.click("nav.tabs >> text=Applications")
    page.fill("#id_q", "ftp")
    page.click("button:has-text('Search')")
    page.click("tr:has-text('FTP') >> a:has-text('Connect')")
    assert page.get_attribute("#id_cred_password", "type") == "password"
    page.fill("#id_tag_text", "Warehouse FTP")
    page.fill("#id_cred_username", "warehouse")
    page.fill("#id_cred_password", "hunter2")
    page.fill("#id_cred_port", "21")
    page.fill("#id_cred_address", "ftp.example.com")
    screenshot(page, "canvas-connect.png", full_page=True)
    page.click("button:has-text('Connect')")
    page.locator(".messages", has_text="connected").wait_for()
    assert "Warehouse FTP" in page.locator("table").inner_text()
    assert "hunter2" not in page.content()
    reg = CanvasRegApplication.objects.get(tag_text="Warehouse FTP")

    page.click("nav.tabs >> text=Workflows")
    page.click("a:has-text('New workflow')")
    page.check(f"label:has-text('{TEMPLATE}') >> input")
    page.click("button:has-text('Next')")
    page.fill("#id_name", "Nightly employees")
    page.select_option("#id_app_FTP", str(reg.id))
    page.fill("#id_var_3_filepath", "/nightly")
    page.click("button:has-text('Create workflow')")
    page.locator(".messages", has_text="Workflow created").wait_for()
    workflow = CanvasWorkflow.objects.get(name="Nightly employees")
    assert [str(i) for i in workflow.reg_application_ids][1] == str(reg.id)
    assert page.locator("ol.chain li").count() == 4

    page.click("a:has-text('Run…')")
    page.click("ol.chain li:nth-child(2) >> a:has-text('from here')")
    page.click("ol.chain li:nth-child(3) >> a:has-text('till here')")
    assert page.is_checked("input[name=scope][value=range]")
    assert (page.input_value("#id_first"), page.input_value("#id_last")) == ("2", "3")
    page.click("button:has-text('Run')")
    warning = page.locator(".alert-warning")
    assert "reads the output of block 1" in warning.inner_text()
    screenshot(page, "canvas-run-warning.png", full_page=True)
    page.click("button:has-text('Run anyway')")
    page.locator(".messages", has_text="is starting (blocks 2 to 3)").wait_for()
    page.locator("ol.chain li.current").wait_for(timeout=5000)
    screenshot(page, "canvas-running.png", full_page=True)
    page.locator("#live .badge.ok", has_text="Finished").wait_for(timeout=30_000)
    assert page.locator("ol.chain li.current").count() == 0
    runs = page.locator("#live table").inner_text()
    assert "Blocks 2 to 3" in runs and "at block 3" in runs and "olive" in runs
    run = WorkflowRun.objects.get(workflow_id=str(workflow.id))
    assert (run.status, run.run_from, run.run_till) == ("Ready", 2, 3)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "canvas-workflow-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("a:has-text('Change, pause or resume')")
    page.select_option("#id_kind", "weekdays")
    page.fill("#id_at", "06:00")
    page.click("button:has-text('Fill the expression')")
    offset = datetime.now(UTC).astimezone(WARSAW).utcoffset()
    assert offset is not None
    expression = f"0 0 {6 - offset.seconds // 3600} ? * MON-FRI"
    assert page.input_value("#id_cron") == expression
    page.click("button:has-text('Save and turn on')")
    page.locator(".messages", has_text="Saved").wait_for()
    first = page.locator("#preview tbody tr").nth(0).locator("td")
    assert "UTC" in page.locator("#preview thead").text_content()
    assert "Europe/Warsaw" in page.locator("#preview thead").text_content()
    assert "06:00 CE" in first.nth(2).inner_text()  # CET, or CEST in summer
    workflow.refresh_from_db()
    assert workflow.is_scheduled and workflow.date_next_schedule is not None
    assert workflow.date_next_schedule.astimezone(WARSAW).strftime("%H:%M %a") in {
        f"06:00 {day}" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")
    }
