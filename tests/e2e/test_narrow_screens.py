"""At 390 px (a phone) the pages people open most never scroll sideways, the header keeps to two rows,
and calendar entries are cut with an ellipsis instead of broken mid-word."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.services import schedule
from apps.content.services.workspace import workspace_for
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e
LONG = "Midsummer-clearance-everything-must-go-storewide-announcement"


def test_the_main_pages_fit_a_phone(
    page: Any, live_server: Any, demo: dict[str, Connection], paula: User
) -> None:
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    schema = bw.get_schema("home-banners")
    record = bw.create_record(schema.id, status="DRAFT", name=LONG, values={"headline": LONG})
    schedule.schedule(
        workspace_for(paula),
        schema=schema,
        record=record,
        action="publish",
        at=timezone.now() + timedelta(hours=2),
    )

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "paula")
    for path in [
        "/",
        "/content/records/home-banners/",
        "/operations/scheduled/calendar/",
        "/operations/scheduled/calendar/?view=week",
        "/operations/scheduled/",
        "/content/",
    ]:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide at 390 px"
        header = page.locator(".topbar").bounding_box()
        assert header["height"] <= 100, f"{path}: the header is {header['height']} px tall"

    # The records list keeps its name and status in view: secondary columns fold away, nothing hides.
    page.goto(f"{live_server.url}/content/records/home-banners/")
    hidden = page.evaluate("(t => t.scrollWidth - t.clientWidth)(document.querySelector('.table'))")
    assert hidden == 0, f"the records table hides {hidden} px"

    page.goto(f"{live_server.url}/operations/scheduled/calendar/")
    entry = page.locator(".cal-item a", has_text="Midsummer").first
    style = entry.evaluate("a => [getComputedStyle(a).whiteSpace, getComputedStyle(a).textOverflow]")
    assert style == ["nowrap", "ellipsis"]
    line = float(entry.evaluate("a => parseFloat(getComputedStyle(a).lineHeight) || 20"))
    assert entry.bounding_box()["height"] <= line * 1.5  # one line
    assert LONG in (entry.get_attribute("title") or "")
