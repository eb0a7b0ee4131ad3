"""An operator starts a workflow, watches its stages fill in, pauses, resumes, then stops it by typing
its name, and sees it stopped with no controls left."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.connections.models import Connection
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.long(8)]
NAME = "Price drop alert"


def stage(page: Any, name: str) -> Any:
    return page.locator(f"#run section.stage[aria-label='{name}'] .badge")


def test_an_operator_runs_pauses_resumes_and_stops_a_workflow(
    page: Any, live_server: Any, celery_worker: None, demo: dict[str, Connection], olive: User, settings: Any
) -> None:
    settings.SANDBOX_STAGE_SECONDS = 1  # longer than the page's 0.5 s polling, so each stage is seen going
    base = live_server.url
    sign_in(page, base, "olive")

    page.click("nav >> text=Workflows")
    page.fill("#id_q", "price drop")
    page.locator("#results a", has_text=NAME).wait_for()
    page.click(f"#results a:has-text('{NAME}')")
    assert page.locator("h1 .badge").inner_text() == "Draft"
    page.click("button:has-text('Run')")
    page.wait_for_url("**/live/")
    page.locator(".messages", has_text="Starting").wait_for()

    # the stages fill in while the page follows the run, then the polling stops
    stage(page, "Transform").filter(has_text="Running").wait_for(timeout=15000)
    screenshot(page, "workflow-live.png", full_page=True)
    stage(page, "Export").filter(has_text="Success").wait_for(timeout=15000)
    assert stage(page, "Import").inner_text() == "Success"
    assert "Job finished with success!" in page.locator(".log").inner_text()
    assert page.locator("#run[hx-trigger]").count() == 0

    page.click("button:has-text('Pause')")
    page.locator(".messages", has_text="is paused").wait_for()
    assert page.locator("h1 .badge").inner_text() == "Paused"
    page.click("button:has-text('Resume')")
    page.wait_for_url("**/live/")
    stage(page, "Import").filter(has_text="Success").wait_for(timeout=15000)
    page.select_option("#id_level", "WARN")
    page.locator(".log", has_text="No line matches").wait_for()

    page.click("a:has-text('Stop…')")
    assert "cannot be restarted" in page.locator(".alert").inner_text()
    page.fill("#id_name", "Price drop")
    page.click("button:has-text('Stop for good')")
    page.locator(".error", has_text="nothing was stopped").wait_for()
    page.fill("#id_name", NAME)
    page.click("button:has-text('Stop for good')")
    page.locator(".messages", has_text="stopped for good").wait_for()
    assert page.locator("h1 .badge").inner_text() == "Stopped"
    assert page.locator(".controls button, .controls a").count() == 0
    history = page.locator("table.table tbody tr")
    assert history.count() == 2
    screenshot(page, "workflow-stopped.png", full_page=True)
