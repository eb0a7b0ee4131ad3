"""Exports: a job writes the catalog (or the items matching the key search) to CSV, downloadable 7 days."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import Export
from apps.catalogs.services import exports
from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.jobs.models import Job


@pytest.fixture(autouse=True)
def export_dir(settings: Any, tmp_path: Path) -> Path:
    settings.CATALOG_EXPORT_DIR = tmp_path / "exports"
    return tmp_path / "exports"


def export(client: Client, catalog: int, search: str = "") -> Export:
    response = client.post(reverse("catalogs:export_start", args=[catalog]), {"q": search})
    made = Export.objects.latest("pk")
    assert response["Location"] == reverse("catalogs:export", args=[made.pk])
    return made


def download(client: Client, made: Export) -> str:
    response = client.get(reverse("catalogs:export_download", args=[made.pk]))
    assert response.status_code == 200, response.content
    raw = b"".join(response.streaming_content)
    assert raw.startswith(codecs.BOM_UTF8)  # so that Excel reads "Café crème" as UTF-8
    return raw.decode("utf-8-sig")


@pytest.mark.usefixtures("eager_celery")
def test_a_whole_catalog_exports_as_the_remote_csv_does(
    viewer_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    stores = catalog_ids["stores"]
    made = export(viewer_client, stores)
    made.refresh_from_db()
    assert (made.job.state, made.rows) == (Job.State.SUCCEEDED, 40)
    assert download(viewer_client, made) == cat.download_csv(stores)
    page = viewer_client.get(reverse("catalogs:export", args=[made.pk])).content.decode()
    assert "Download the CSV" in page and "40 rows" in page
    entry = AuditEntry.objects.get(action="catalog.export")
    assert (entry.username, entry.detail) == ("vera", {"rows": 40, "search": ""})


@pytest.mark.usefixtures("eager_celery")
def test_the_key_search_exports_only_its_items_across_pages(
    viewer_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    products = catalog_ids["products"]
    rows = list(csv.reader(io.StringIO(download(viewer_client, export(viewer_client, products, "sku-0001")))))
    assert rows[0] == ["itemKey", "sku", "name", "brand", "category", "color", "price", "currency", "inStock"]
    assert [r[0] for r in rows[1:]] == [f"SKU-{n:05d}" for n in range(10, 20)]
    first = cat.get_item_by_key(products, "SKU-00010").data
    assert '"price":179.10,' in first.value  # kept with its cents, and exported so: not 179.1
    assert rows[1][1:] == ["SKU-00010", "Nordvik Buds Pro silver", "Nordvik", "headphones", "silver"] + [
        "179.10",
        "PLN",
        "true",
    ]

    whole = download(viewer_client, export(viewer_client, products))
    assert len(whole.splitlines()) == 5001  # five pages of 1000
    assert len(set(whole.splitlines())) == 5001


@pytest.mark.usefixtures("eager_celery")
def test_the_link_expires_after_seven_days_and_the_purge_removes_the_file(
    viewer_client: Client, export_dir: Path, catalog_ids: dict
) -> None:
    old = export(viewer_client, catalog_ids["stores"])
    fresh = export(viewer_client, catalog_ids["promotions"])
    old.refresh_from_db()
    file = export_dir / old.file_name
    assert file.is_file()
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    gone = viewer_client.get(reverse("catalogs:export_download", args=[old.pk]))
    assert gone.status_code == 410 and "kept for 7 days" in gone.content.decode()
    assert exports.purge_exports() == 1
    assert not file.exists() and Export.objects.get(pk=old.pk).purged_at is not None
    assert download(viewer_client, fresh).startswith("itemKey,code,title")
    assert exports.purge_exports() == 0


def test_an_export_of_another_workspace_is_not_found(viewer_client: Client, catalog_ids: dict) -> None:
    made = export(viewer_client, catalog_ids["stores"])
    other = Connection.objects.create(kind="synerise", name="Elsewhere", base_url="http://elsewhere.test")
    Export.objects.filter(pk=made.pk).update(connection=other)
    assert viewer_client.get(reverse("catalogs:export", args=[made.pk])).status_code == 404
    assert viewer_client.get(reverse("catalogs:export_download", args=[made.pk])).status_code == 404


def test_a_stranger_may_not_export(stranger_client: Client, catalog_ids: dict) -> None:
    response = stranger_client.post(reverse("catalogs:export_start", args=[catalog_ids["stores"]]))
    assert response.status_code == 403 and not Export.objects.exists()


def test_beat_purges_every_hour(settings: Any) -> None:
    from apps.catalogs import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["purge-catalog-exports"]
    assert (entry["task"], entry["schedule"]) == (tasks.purge_exports.name, 3600.0)


def test_the_export_page_follows_a_queued_job_and_htmx_gets_the_status_only(
    viewer_client: Client, catalog_ids: dict
) -> None:
    made = export(viewer_client, catalog_ids["stores"])  # no worker: it stays queued
    page = viewer_client.get(reverse("catalogs:export", args=[made.pk])).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 1s"' in page and "Download" not in page
    fragment = viewer_client.get(reverse("catalogs:export", args=[made.pk]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="export-status"')
    early = viewer_client.get(reverse("catalogs:export_download", args=[made.pk]))
    assert early["Location"] == reverse("catalogs:export", args=[made.pk])


# What a spreadsheet would run (OWASP, "CSV Injection"), and values that only look close to it.
FORMULAS = {
    "equals": "=1+2",
    "plus": "+33 1 23 45",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(A1:A2)",
    "tab": "\t=1+2",
    "return": "\r=1+2",
    "quoted": "'=already quoted",
    "negative": "-12.5",
    "plain": "it's fine",
}


@pytest.mark.usefixtures("eager_celery")
def test_an_export_neutralises_formulas_and_its_file_imports_back_unchanged(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    from tests.catalogs.conftest import dry_run, upload

    cat.add_item(books, item_key="=HYPERLINK(1)", value={"itemKey": "=HYPERLINK(1)", **FORMULAS})
    cat.add_item(books, item_key="B-2", value={"itemKey": "B-2", **dict.fromkeys(FORMULAS, "x")})
    made = export(editor_client, books)
    text = download(editor_client, made)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = dict(zip(rows[0], next(r for r in rows[1:] if r[0] != "B-2"), strict=True))
    assert cells["itemKey"] == "'=HYPERLINK(1)"
    for name in ("equals", "plus", "minus", "at", "tab", "return", "quoted"):
        assert cells[name] == "'" + FORMULAS[name], name
    assert (cells["negative"], cells["plain"]) == ("-12.5", "it's fine")  # a number stays a number

    imp = dry_run(editor_client, upload(editor_client, books, text.encode(), name="export.csv"))
    assert imp.key_column == "itemKey"
    assert {fate: imp.counts[fate] for fate in ("new", "changed", "unchanged", "invalid")} == {
        "new": 0,
        "changed": 0,
        "unchanged": 2,
        "invalid": 0,
    }
