"""An editor finds a product by part of its key, changes two properties and removes one, sees the saved
item, then exports the products the search shows and downloads the CSV; a viewer gets no edit button."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.catalogs.client import CatalogsClient
from apps.connections import services as connections
from apps.connections.models import Connection
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e


def test_an_editor_edits_an_item_and_exports_the_search(
    page: Any,
    live_server: Any,
    celery_worker: None,
    demo: dict[str, Connection],
    eddie: User,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.CATALOG_EXPORT_DIR = tmp_path
    base = live_server.url
    sign_in(page, base, "eddie")

    page.click("a.navitem:has-text('Catalogs')")
    page.click("a:has-text('products')")
    page.fill("#id_q", "sku-0004")
    page.press("#id_q", "Enter")
    page.locator("#results", has_text="10 items whose key contains").wait_for()
    page.click("a:has-text('SKU-00042')")
    page.click("a:has-text('Edit')")
    assert "Saving replaces the whole item" in page.inner_text("main")
    page.get_by_label("name").fill("Renamed phone")
    page.get_by_label("price").fill("999.5")
    page.locator(".prop-row", has=page.get_by_label("color")).get_by_label("Remove").check()
    screenshot(page, "catalog-item-edit.png", full_page=True)
    page.click("button:has-text('Save the item')")
    page.locator(".messages", has_text="Item SKU-00042 saved.").wait_for()

    api = CatalogsClient(connections.http_for(demo["synerise"]))
    products = next(c.id for c in api.list_catalogs().data if c.name == "products")
    saved = api.get_item_by_key(products, "SKU-00042").data.properties
    assert (saved["name"], saved["price"], "color" in saved) == ("Renamed phone", 999.5, False)

    page.click("a:has-text('products')")
    page.fill("#id_q", "sku-0004")
    page.press("#id_q", "Enter")
    page.locator("#results", has_text="10 items whose key contains").wait_for()
    page.click("button:has-text('Export these 10 items')")
    page.locator("a:has-text('Download the CSV')").wait_for(timeout=30_000)
    with page.expect_download() as download:
        page.click("a:has-text('Download the CSV')")
    rows = list(csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()))
    assert [r["itemKey"] for r in rows] == [f"SKU-{n:05d}" for n in range(40, 50)]
    assert next(r for r in rows if r["itemKey"] == "SKU-00042")["name"] == "Renamed phone"


def test_a_viewer_sees_no_edit_button(
    page: Any, live_server: Any, demo: dict[str, Connection], vera: User
) -> None:
    sign_in(page, live_server.url, "vera")
    page.click("a.navitem:has-text('Catalogs')")
    page.click("a:has-text('stores')")
    page.click("a:has-text('ST-001')")
    page.locator("h1", has_text="ST-001").wait_for()  # the item's page, not the list's
    assert page.locator("a:has-text('Edit')").count() == 0
    assert page.locator("a:has-text('Add item')").count() == 0
