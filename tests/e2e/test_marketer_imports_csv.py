"""A marketer uploads a CSV file of books, reads the dry run, downloads the bad rows, imports, and finds
the new items on the catalog's page."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from apps.catalogs.client import CatalogsClient
from apps.connections import services as connections
from apps.connections.models import Connection
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e

BOOKS = (
    b"isbn;title;price\n"
    b"978-1;Dune;9.99\n"
    b"978-2;Emma;7.50\n"
    b'978-3;"Ulysses; a novel";12\n'
    b";No key here;1\n"
    b"978-1;Dune again;3\n"
    b"978-4;Short\n"
    b"978-5;Odyssey;8\n"
)


def shot(page: Any, name: str) -> None:
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"import-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})


def test_a_marketer_imports_a_csv_file(
    page: Any,
    live_server: Any,
    celery_worker: None,
    demo: dict[str, Connection],
    eddie: User,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.CATALOG_IMPORT_DIR = tmp_path / "imports"
    cat = CatalogsClient(connections.http_for(demo["synerise"]))
    books = cat.create_catalog("books").data
    cat.add_item(books.id, item_key="978-2", value={"isbn": "978-2", "title": "Emma", "price": "7.50"})
    base = live_server.url
    sign_in(page, base, "eddie", at=f"{base}/catalogs/{books.id}/import/")
    shot(page, "upload")
    page.set_input_files("#id_file", {"name": "books.csv", "mimeType": "text/csv", "buffer": BOOKS})
    page.click("button:has-text('Upload and preview')")
    page.locator("text=Detected:").wait_for()
    assert "Semicolon" in page.locator("form.card").inner_text()
    assert page.locator("#id_key_column").input_value() == "isbn"
    assert "Ulysses; a novel" in page.locator("table.preview").inner_text()
    shot(page, "preview")

    page.click("button:has-text('Run the dry run')")
    page.locator("h2", has_text="What the import will do").wait_for(timeout=30_000)
    counts = page.locator("table.counts").inner_text()
    assert "New\t3" in counts and "Unchanged\t1" in counts and "Invalid\t3" in counts
    shot(page, "dry-run")

    with page.expect_download() as download:
        page.click("a:has-text('download the bad rows')")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    bad = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert bad[0] == ["row", "reason", "isbn", "title", "price"]
    assert [row[1] for row in bad[1:]] == [
        "No value in the key column isbn",
        "The key 978-1 is already on row 2",
        "Has 2 cells; the header has 3",
    ]

    page.click("a:has-text('Invalid')")
    expect(page.locator("#results tbody tr")).to_have_count(3)
    page.click("button:has-text('Import 3 rows')")
    page.locator("#import-status .badge", has_text="Succeeded").wait_for(timeout=30_000)
    assert "3 of 3 rows written" in page.locator("#import-status").inner_text()
    shot(page, "imported")

    page.click("a:has-text('New')")
    assert page.locator("#results").inner_text().count("New") == 3
    assert cat.get_item_by_key(books.id, "978-3").data.properties == {
        "isbn": "978-3",
        "title": "Ulysses; a novel",
        "price": "12",
    }
    assert cat.list_items(books.id).meta_data.total_count == 4

    page.click(".crumbs a:has-text('books')")  # the catalog's own page lists what came in
    listed = page.locator("#results").inner_text()
    assert all(key in listed for key in ("978-2", "978-3")), listed
    shot(page, "catalog")
