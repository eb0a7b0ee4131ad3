"""An operator pages through the flows, creates one with a trigger, a step and a condition, switches it
off, and applies a suggestion to another target; a viewer sees the same pages without a control."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.connections.models import Connection
from apps.sandbox.models import Flow, FlowEntity
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (1366, 390)


def shoot(page: Any, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"flows-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})


def test_an_operator_creates_a_flow_and_applies_a_suggestion(
    page: Any, live_server: Any, demo: dict[str, Connection], olive: User
) -> None:
    base = live_server.url
    sign_in(page, base, "olive", at="/workflows/flows/")
    assert page.locator("#results tbody tr").count() == 25
    shoot(page, "list")
    page.click("a:has-text('Next')")
    page.locator("a:has-text('Previous')").wait_for()
    assert "cursor=" in page.url and page.locator("#results tbody tr").count() == 15
    page.select_option("#id_type", "scorecard")
    page.wait_for_url("**type=scorecard**")
    page.locator("#results tbody tr", has_text="Churn risk").wait_for()
    assert page.locator("#results tbody tr").count() == 10

    page.goto(f"{base}/workflows/flows/new/")
    page.fill("#id_id", "gold-welcome")
    page.fill("#id_title", "Gold welcome")
    page.fill("#id_description", "Greets members who reach Gold.")
    page.fill("#id_tags-0-key", "team")
    page.fill("#id_tags-0-value", "crm")
    page.check("#id_triggers-0-actions_1")
    page.fill("#id_actions-0-title", "Send the Gold email")
    page.fill("#id_conditions-0-field", "profile.tier")
    page.select_option("#id_conditions-0-owner", "trigger-0")
    shoot(page, "form")
    page.click("button:has-text('Create flow')")
    page.locator(".messages", has_text="Gold welcome saved").wait_for()
    assert "When an event happens" in page.inner_text("main")
    assert "is updated" in page.inner_text("main")
    shoot(page, "detail")
    page.click("button:has-text('Deactivate')")
    page.locator(".messages", has_text="deactivated").wait_for()
    assert not Flow.objects.get(id="gold-welcome").is_active
    assert Flow.objects.get(id="gold-welcome").data["triggers"][0]["conditions"][0]["field"] == "profile.tier"

    page.goto(f"{base}/workflows/suggestions/")
    shoot(page, "suggestions")
    page.click("a:has-text('Move profile 3307 to Gold')")
    shoot(page, "suggestion")
    page.fill("#id_target_override", "profile-3308")
    page.click("button:has-text('Apply')")
    page.locator("h1", has_text="Applied").wait_for()
    assert "The change was written to profile-3308" in page.inner_text("main")
    shoot(page, "applied")
    assert FlowEntity.objects.get(id="profile-3308").state == {"tier": "gold"}
    page.reload()
    assert "The change was written to profile-3308" in page.inner_text("main")  # its own URL, no second apply
