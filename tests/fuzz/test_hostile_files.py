"""A hostile-files pass (issue 18): files that are not the CSV they claim to be, uploaded through the
import page as a person would, then previewed and dry-run where they are taken.

Each must answer without a 5xx, leave no null character in the database (PostgreSQL refuses one, SQLite
would keep it), and leave no folder behind when refused: the import folder holds exactly the imports'.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports
from apps.connections import services as connections
from apps.connections.models import Connection

pytestmark = [pytest.mark.fuzz, pytest.mark.long(10), pytest.mark.usefixtures("eager_celery")]

TEXT = "sku,name,price\nA1,Łódź,9.99\nA2,Zürich,7\n"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("items.csv", TEXT)
    return out.getvalue()


FILES = {
    "utf-16-le": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "utf-16 without a bom": TEXT.encode("utf-16-le"),
    "utf-32-le": codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
    "utf-32-be": codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
    "utf-16 with a null character": codecs.BOM_UTF16_LE + "sku\n\x00\n".encode("utf-16-le"),
    "utf-16 cut in half": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")[:-1],
    "zip": _zip(),
    "gzip": gzip.compress(TEXT.encode(), mtime=0),
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "nuls": b"\x00" * 100_000,
    "a null late in the file": TEXT.encode() + b"A3,x" * 20_000 + b"\nA4,\x00,1\n",
    "a null in the header past the sample": b"sku" + b"x" * 70_000 + b"\x00,name\nA1,x\n",
    "huge header line": b"sku," + b"x" * 5_000_000,
    "10,000 columns": (
        ",".join(f"c{n}" for n in range(10_000)) + "\n" + ",".join(str(n) for n in range(10_000)) + "\n"
    ).encode(),
    "mixed line endings": b"sku,name\r\nA1,x\nA2,y\rA3,z\r\n",
    "lone cr": b"sku,name\rA1,x\rA2,y\r",
    "only a bom": codecs.BOM_UTF16_LE,
    "only newlines": b"\n\n\n",
    "control characters": bytes(range(1, 32)) * 100,
}


def nul_fields() -> list[str]:
    """Every text or JSON field of every row of our models that holds a null character."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model.objects.values("pk", *fields).iterator():
            for name in fields:
                if "\x00" in str(row[name]) or "\\u0000" in str(row[name]):
                    found.append(f"{model.__name__} {row['pk']} {name}")
    return found


@pytest.fixture
def catalog(demo: dict[str, Connection]) -> int:
    with CatalogsClient(connections.http_for(demo["synerise"])) as api:
        return api.create_catalog("hostile").data.id


@pytest.fixture(autouse=True)
def _import_dir(settings: Any, tmp_path: Path) -> Path:
    settings.CATALOG_IMPORT_DIR = tmp_path / "imports"
    return tmp_path / "imports"


@pytest.mark.parametrize("name", list(FILES))
def test_a_hostile_file_never_answers_5xx_nor_leaves_a_null_or_a_folder(
    editor_client: Client, catalog: int, _import_dir: Path, name: str
) -> None:
    start = reverse("catalogs:import_start", args=[catalog])
    answer = editor_client.post(start, {"file": SimpleUploadedFile(f"{name}.csv", FILES[name])})
    assert answer.status_code < 500
    imp = CatalogImport.objects.first()
    if answer.status_code == 200:  # refused: the page says why, nothing is kept
        assert imp is None and answer.context["form"].errors["file"]
    else:
        assert imp is not None and answer["Location"] == reverse("catalogs:import_detail", args=[imp.pk])
        detail = editor_client.get(answer["Location"])
        assert detail.status_code == 200
        choices = {
            "encoding": imp.encoding,
            "delimiter": imp.delimiter,
            "first_row": "header",
            "key_column": imp.key_column or "sku",
            "check": "1",
        }
        checked = editor_client.post(reverse("catalogs:import_check", args=[imp.pk]), choices, follow=True)
        assert checked.status_code == 200
    assert nul_fields() == []
    kept = sorted(p.name for p in _import_dir.iterdir()) if _import_dir.exists() else []
    assert kept == sorted(CatalogImport.objects.values_list("folder", flat=True))
    assert imports.purge() == 0  # nothing stray for the purge to find
