"""At 390 px (a phone) the pages people open most never scroll sideways, the header keeps to two rows,
the calendars give way to an agenda, and the whole menu is behind one button."""

from __future__ import annotations

import zoneinfo
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
from apps.jobs.services import create_job
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e
LONG = "Midsummer-clearance-everything-must-go-storewide-announcement"


def test_the_main_pages_fit_a_phone(
    page: Any, live_server: Any, demo: dict[str, Connection], paula: User
) -> None:
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    schema = bw.get_schema("home-banners")
    record = bw.create_record(schema.id, status="DRAFT", name=LONG, values={"headline": LONG})
    at = timezone.now() + timedelta(hours=2)
    schedule.schedule(workspace_for(paula), schema=schema, record=record, action="publish", at=at)

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

    # Both calendars give way to an agenda: each day with something due, its entries whole. The week and
    # month of its time in the browser's zone (two hours on from a Sunday evening is next week).
    day = at.astimezone(zoneinfo.ZoneInfo(page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")))
    for view in (f"?month={day:%Y-%m}", f"?week={day:%Y-%m-%d}"):
        page.goto(f"{live_server.url}/operations/scheduled/calendar/{view}")
        assert not page.locator("table.calendar").is_visible()
        entry = page.locator(".agenda .agenda-item a", has_text="Midsummer").first
        assert entry.is_visible() and LONG in entry.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1366, "height": 900})  # the month grid: an entry takes two lines at most
    page.goto(f"{live_server.url}/operations/scheduled/calendar/?month={day:%Y-%m}")
    assert not page.locator(".agenda").is_visible()
    entry = page.locator(".cal-item a", has_text="Midsummer").first
    line = float(entry.evaluate("a => parseFloat(getComputedStyle(a).lineHeight) || 20"))
    assert entry.bounding_box()["height"] <= line * 2.5
    assert LONG in (entry.get_attribute("title") or "")


MENU = ["Content", "Workflows", "Integrations", "Catalogs", "Launches", "Scheduled", "Operations", "Settings"]


def test_on_a_phone_the_menu_button_opens_the_whole_menu_and_without_javascript_it_is_open(
    page: Any, browser: Any, live_server: Any, demo: dict[str, Connection], paula: User
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "paula", at="/content/")
    nav = page.locator("nav.mainnav a.navitem")
    assert not nav.first.is_visible()
    button = page.locator("button[data-menu-button]")
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert [item.inner_text() for item in nav.all() if item.is_visible()] == MENU
    assert page.locator("#workspace-select").is_visible() and page.locator("text=Sign out").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not nav.first.is_visible()
    assert page.evaluate("document.activeElement.dataset.menuButton") == ""

    page.set_viewport_size({"width": 1366, "height": 900})
    assert not button.is_visible() and all(item.is_visible() for item in nav.all())

    plain = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        bare = plain.new_page()
        sign_in(bare, live_server.url, "paula", at="/content/")
        assert not bare.locator("button[data-menu-button]").is_visible()
        shown = [
            item.inner_text() for item in bare.locator("nav.mainnav a.navitem").all() if item.is_visible()
        ]
        assert shown == MENU
    finally:
        plain.close()


def test_wide_tables_keep_their_main_columns_at_phone_width(
    page: Any, live_server: Any, demo: dict[str, Connection], alice: User
) -> None:
    create_job(kind="catalog_export", label="Export of books", task_name="x", user=alice)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "alice")
    for path, kept in [
        ("/operations/", ["Operation", "State", "Created"]),
        ("/catalogs/", ["Name", "Items", "Last changed"]),
    ]:
        page.goto(f"{live_server.url}{path}")
        heads = page.locator("table.table thead th:not(.pick)").all()
        assert [th.text_content().strip() for th in heads if th.is_visible()] == kept, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
