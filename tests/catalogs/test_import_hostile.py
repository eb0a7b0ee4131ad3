"""Uploads that are not the CSV files they claim to be, or that leave a choice open: UTF-16 and UTF-32
text, archives and images named .csv, null bytes, a full import folder, abandoned uploads, a file without
a key column or without a header. Run on PostgreSQL too: it refuses a null character in text."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports
from tests.catalogs.conftest import dry_run, upload

pytestmark = pytest.mark.usefixtures("eager_celery")

TEXT = "sku,name\nA1,Łódź\nA2,Zürich\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def zipped(content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("items.csv", content)
    return out.getvalue()


def folders(settings: Any) -> list[str]:
    root = Path(settings.CATALOG_IMPORT_DIR)
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def post(client: Client, catalog: int, content: bytes, name: str = "items.csv") -> Any:
    url = reverse("catalogs:import_start", args=[catalog])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_utf16_and_utf32_files_with_a_bom_are_read_as_text(
    editor_client: Client, books: int, encoding: str, bom: bytes
) -> None:
    imp = upload(editor_client, books, bom + TEXT.encode(encoding))
    assert (imp.detected_encoding, imp.encoding, imp.key_column) == (encoding, "utf-8", "sku")
    assert (imports.folder_of(imp) / "upload.csv").read_text(encoding="utf-8") == TEXT
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "Łódź" in page and "byte order mark" in page
    imp = dry_run(editor_client, imp)
    assert (imp.counts["new"], imp.counts["invalid"]) == (2, 0)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (zipped(TEXT.encode()), "zip archive"),
        (gzip.compress(TEXT.encode(), mtime=0), "compressed with gzip"),
        (PNG, "PNG image"),
        (b"\x00" * 5000, "null bytes"),
        (TEXT.encode("utf-16-le"), "null bytes"),  # UTF-16 without its byte order mark
        (codecs.BOM_UTF16_LE + b"s\x00k\x00\x00\xd8,\x00", "not valid UTF-16"),  # a lone surrogate
        (codecs.BOM_UTF16_LE + "id\n\x001\n".encode("utf-16-le"), "null"),
    ],
    ids=["zip", "gzip", "png", "nuls", "utf-16-no-bom", "utf-16-lone-surrogate", "utf-16-null"],
)
def test_a_binary_file_named_csv_is_refused_and_leaves_nothing(
    editor_client: Client, books: int, settings: Any, content: bytes, says: str
) -> None:
    page = post(editor_client, books, content)
    assert page.status_code == 200
    assert says in page.content.decode()
    assert not CatalogImport.objects.exists()
    assert folders(settings) == []


def test_a_null_character_in_the_file_name_is_not_stored(editor_client: Client, books: int) -> None:
    imp = upload(editor_client, books, TEXT.encode(), name="it\x00ems.csv")
    assert "\x00" not in imp.filename


def test_a_column_name_longer_than_a_property_name_is_shown_not_stored(
    editor_client: Client, books: int, settings: Any
) -> None:
    header = "x" * 300 + ",name"
    imp = upload(editor_client, books, f"{header}\nA1,1\n".encode())
    assert imp.key_column == "" and folders(settings) == [imp.folder]
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "at most 255 characters" in page


def test_the_import_folder_has_a_total_size_limit(editor_client: Client, books: int, settings: Any) -> None:
    settings.CATALOG_IMPORT_DIR_MAX_BYTES = 2000
    first = upload(editor_client, books, b"sku,name\n" + b"A,B\n" * 300)
    page = post(editor_client, books, b"sku,name\n" + b"C,D\n" * 300)
    text = page.content.decode()
    assert page.status_code == 200 and "The space for uploaded files is full" in text
    assert "ask an administrator" in text
    assert list(CatalogImport.objects.values_list("pk", flat=True)) == [first.pk]
    assert folders(settings) == [first.folder]


def test_abandoned_uploads_go_after_a_day_and_stray_folders_after_an_hour(
    editor_client: Client, books: int, settings: Any
) -> None:
    abandoned = upload(editor_client, books, TEXT.encode())
    checked = dry_run(editor_client, upload(editor_client, books, TEXT.encode()))
    fresh = upload(editor_client, books, TEXT.encode())
    day_ago = timezone.now() - timedelta(hours=25)
    CatalogImport.objects.filter(pk__in=[abandoned.pk, checked.pk]).update(created_at=day_ago)
    stray = Path(settings.CATALOG_IMPORT_DIR) / "0123456789abcdef01234567"
    stray.mkdir()
    (stray / "upload.csv").write_bytes(b"id\n1\n")
    young = Path(settings.CATALOG_IMPORT_DIR) / "young"
    young.mkdir()
    hour_ago = time.time() - 3700
    os.utime(stray, (hour_ago, hour_ago))
    assert imports.purge() == 2  # the abandoned upload and the stray folder
    assert set(CatalogImport.objects.values_list("pk", flat=True)) == {checked.pk, fresh.pk}
    assert folders(settings) == sorted([checked.folder, fresh.folder, "young"])


def test_without_a_key_column_the_person_chooses_one(editor_client: Client, books: int) -> None:
    imp = upload(editor_client, books, b"title,author\nDune,Herbert\nEmma,Austen\n")
    assert imp.key_column == ""
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "Choose the key column" in page
    refused = editor_client.post(
        reverse("catalogs:import_check", args=[imp.pk]),
        {"encoding": "utf-8", "delimiter": ",", "first_row": "header", "key_column": "", "check": "1"},
        follow=True,
    )
    assert "Choose the key column" in refused.content.decode()
    imp.refresh_from_db()
    assert imp.dry_run is None
    imp = dry_run(editor_client, imp, key_column="title")
    assert (imp.counts["new"], imp.counts["invalid"]) == (2, 0)


def test_a_first_row_that_looks_like_data_is_asked_about(editor_client: Client, books: int) -> None:
    imp = upload(editor_client, books, b"A1,Dune,9.99\nA2,Emma,7.50\n")
    assert imp.has_header is None and imp.key_column == ""
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "The first row looks like data" in page
    refused = editor_client.post(
        reverse("catalogs:import_check", args=[imp.pk]),
        {"encoding": "utf-8", "delimiter": ",", "key_column": "", "check": "1"},
        follow=True,
    )
    assert "whether the first row names the columns" in refused.content.decode()
    editor_client.post(
        reverse("catalogs:import_check", args=[imp.pk]),
        {"encoding": "utf-8", "delimiter": ",", "first_row": "data", "preview": "1"},
    )
    imp.refresh_from_db()
    assert imp.has_header is False
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "column_1" in page and "column_3" in page
    imp = dry_run(editor_client, imp, key_column="column_1")
    assert (imp.counts["rows"], imp.counts["new"], imp.counts["invalid"]) == (2, 2, 0)


def test_a_header_of_names_is_taken_as_the_header(editor_client: Client, books: int) -> None:
    imp = upload(editor_client, books, b"sku,name,price\nA1,Dune,9.99\n")
    assert (imp.has_header, imp.key_column) == (True, "sku")
