"""What the catalog tests share: a client on the demo workspace, a fresh catalog, and the import's steps
as a person takes them (upload, dry run, import) through the views."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.connections import services as connections
from apps.connections.models import Connection

_names = itertools.count(1)


@pytest.fixture(autouse=True)
def _import_dir(settings: Any, tmp_path: Path) -> None:
    settings.CATALOG_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def cat(demo: dict[str, Connection]) -> Iterator[CatalogsClient]:
    with CatalogsClient(connections.http_for(demo["synerise"])) as client:
        yield client


@pytest.fixture
def books(cat: CatalogsClient) -> int:
    return cat.create_catalog(f"books-{next(_names)}").data.id


def upload(client: Client, catalog_id: int, content: bytes, name: str = "items.csv") -> CatalogImport:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("catalogs:import_start", args=[catalog_id]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return CatalogImport.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def dry_run(client: Client, imp: CatalogImport, **choices: Any) -> CatalogImport:
    """Post the read form as the page offers it (detected values unless given), the dry run runs eagerly."""
    data = {
        "encoding": imp.encoding,
        "delimiter": imp.delimiter,
        "first_row": "data" if imp.has_header is False else "header",
        "key_column": imp.key_column,
        "json_columns": imp.json_columns,
        "check": "1",
        **choices,
    }
    if not data.get("reconcile"):
        data.pop("reconcile", None)
    response = client.post(reverse("catalogs:import_check", args=[imp.pk]), data)
    assert response.status_code == 302
    imp.refresh_from_db()
    return imp


def run_import(client: Client, imp: CatalogImport) -> CatalogImport:
    response = client.post(reverse("catalogs:import_run", args=[imp.pk]))
    assert response.status_code == 302
    imp.refresh_from_db()
    return imp


def items_of(cat: CatalogsClient, catalog_id: int) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        page = cat.list_items(catalog_id, offset=offset, limit=1000)
        found.update({item.item_key: item.properties for item in page.data})
        offset += len(page.data)
        if not page.data or offset >= page.meta_data.total_count:
            return found


@pytest.fixture
def catalog_ids(cat: CatalogsClient) -> dict[str, int]:
    return {c.name: c.id for c in cat.list_catalogs().data}
