"""A marketer writes a banner's body in the rich-text editor, previews it rendered for two profiles in
sandboxed frames, publishes it from the side panel, and reads the records list on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from tests.e2e.conftest import SHOTS, screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e


def shoot(page: Any, name: str, width: int) -> None:
    """The whole page at this width, in a viewport as tall as the page (full-page captures blank frames),
    when screenshots are asked for (scripts/editor_screenshots.sh points them at docs/screenshots)."""
    if not SHOTS:
        page.set_viewport_size({"width": 1366, "height": 900})
        return
    page.set_viewport_size({"width": width, "height": 900})
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(300)  # let the frames repaint at the new size
    screenshot(page, f"{name}.png")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_marketer_writes_rich_text_previews_it_and_publishes(
    page: Any, live_server: Any, demo: dict[str, Connection], paula: User
) -> None:
    base = live_server.url
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    record = bw.create_record(
        "home-banners",
        status="DRAFT",
        values={
            "headline": "Spring letter for {{ customer.firstName }}",
            "link": "https://shop.example/spring",
        },
    )
    sign_in(page, base, "paula")
    url = f"{base}/content/records/home-banners/{record.id}/"
    page.goto(url)
    assert page.locator("h1 .insert").inner_text() == "customer.firstName"
    assert "Draft: version 1 · nothing live" in page.locator(".side-status").inner_text()

    editor = page.get_by_role("textbox", name="Body")
    editor.click()
    page.keyboard.type("Dear {{ customer.firstName }}, ")
    page.keyboard.press("Control+b")
    page.keyboard.type("spring is here")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    page.fill("#id_values-image", f"{base}/static/img/samples/spring.svg")
    page.press("#id_values-image", "Tab")
    # The thumbnail has loaded (wait_for_function polls through eval, which the CSP refuses: a flaky failure).
    thumb = page.locator(".field-image img.thumb")
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("img => img.naturalWidth") > 0
    assert page.locator("textarea[data-richtext]").is_hidden()
    page.click(".editor-side button:has-text('Save draft')")
    page.locator(".messages", has_text="saved").wait_for()
    assert page.locator(".field-image img.thumb").evaluate("img => img.naturalWidth") > 0
    shoot(page, "editor-1366", 1366)
    shoot(page, "editor-390", 390)
    body = bw.get_record("home-banners", record.id, statuses=["DRAFT"]).values["body"]
    assert body == "<p>Dear {{ customer.firstName }}, <strong>spring is here</strong>.</p>"

    page.click(".editor-side a:has-text('Preview')")
    page.fill("#id_form-0-identifier_value", "ann@example.test")
    page.click("button:has-text('Add a profile')")
    page.fill("#id_form-1-identifier_value", "bob@example.test")
    page.click("button:has-text('Preview')")
    columns = page.locator(".preview-column")
    expect(columns).to_have_count(2)  # waits: the click only starts the page's load
    for number, name in enumerate(["Ann", "Bob"]):
        frame = columns.nth(number).locator("iframe")
        assert frame.get_attribute("sandbox") == ""
        inside = frame.content_frame.locator("body")
        assert inside.inner_text() == f"Dear {name}, spring is here."
        assert inside.locator("strong").inner_text() == "spring is here"
        assert "<p>Dear" in columns.nth(number).locator("details pre").text_content()
        assert columns.nth(number).locator(".rendered img").evaluate("img => img.naturalWidth") > 0
    shoot(page, "preview-1366", 1366)
    shoot(page, "preview-390", 390)

    page.goto(url)
    page.click(".editor-side button:has-text('Publish')")
    page.locator(".messages", has_text="published").wait_for()
    assert "Live: version" in page.locator(".side-status").inner_text()
    assert page.locator(".side-status .badge").inner_text() == "Published"
    assert bw.get_record("home-banners", record.id).status == "PUBLISHED"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/content/records/home-banners/")
    page.locator("table").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("td .insert", has_text="customer.firstName").count() >= 1
