"""The dry run on crafted files, against the live sandbox: every row's fate, and the file of bad rows."""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import csvfile
from tests.catalogs.conftest import dry_run, items_of, run_import, upload

pytestmark = pytest.mark.usefixtures("eager_celery")


def fates(client: Client, imp_pk: int, fate: str = "") -> str:
    url = reverse("catalogs:import_detail", args=[imp_pk])
    return client.get(url, {"fate": fate} if fate else {}).content.decode()


def test_bom_and_semicolons_are_detected_and_rows_are_new(editor_client: Client, books: int) -> None:
    content = codecs.BOM_UTF8 + "isbn;title;city\n1;Dune;Łódź\n2;Emma;Kraków\n".encode()
    imp = upload(editor_client, books, content)
    assert (imp.detected_encoding, imp.detected_delimiter, imp.key_column) == ("utf-8-sig", ";", "isbn")
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "UTF-8 with a byte order mark" in page and "Semicolon" in page and "Łódź" in page
    imp = dry_run(editor_client, imp)
    assert imp.counts["rows"] == 2 and imp.counts["new"] == 2 and imp.counts["invalid"] == 0


def test_changed_unchanged_and_removed_properties(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_items(
        books, {"1": {"isbn": "1", "title": "Dune"}, "2": {"isbn": "2", "title": "Emma", "year": 1815}}
    )
    cat.add_item(books, item_key="3", value={"isbn": "3", "title": "Ulysses", "price": 12.5})
    imp = upload(editor_client, books, b"isbn,title,price\n1,Dune,\n2,Emma,9\n3,Ulysses,12.5\n4,Odyssey,3\n")
    imp = dry_run(editor_client, imp)
    assert {k: imp.counts[k] for k in ("new", "changed", "unchanged", "invalid")} == {
        "new": 1,
        "changed": 2,
        "unchanged": 1,
        "invalid": 0,
    }
    changed = fates(editor_client, imp.pk, "changed")
    # Each property with its value before and after, as the cells read.
    assert (
        '<li><span class="muted">price</span> added: <ins>(empty)</ins></li>' in changed
    )  # "1": an empty price
    assert '<li><span class="muted">price</span> added: <ins>9</ins></li>' in changed
    assert '<li><span class="muted">year</span> removed: <del>1815</del></li>' in changed
    assert "Ulysses" not in changed  # 12.5 stored as a number reads as the cell 12.5: unchanged


def test_a_changed_property_shows_its_value_before_and_after(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key="1", value={"isbn": "1", "title": "Dune", "tags": ["sf", "desert"]})
    imp = dry_run(
        editor_client, upload(editor_client, books, b'isbn,title,tags\n1,Dune Messiah,"[""sf""]"\n')
    )
    changed = fates(editor_client, imp.pk, "changed")
    assert '<span class="muted">title</span> <del>Dune</del> → <ins>Dune Messiah</ins>' in changed
    before, after = "[&quot;sf&quot;, &quot;desert&quot;]", "[&quot;sf&quot;]"
    assert f'<span class="muted">tags</span> <del>{before}</del> → <ins>{after}</ins>' in changed


def test_invalid_rows_say_why_and_go_to_the_bad_rows_file(editor_client: Client, books: int) -> None:
    content = (
        b"sku,name,attrs\n"
        b'A1,"Two\nlines",{"a": 1}\n'
        b",No key,{}\n"
        b"A1,Again,{}\n"
        b"A2,Short\n"
        b'A3,Bad JSON,{"a": }\n'
        b"A4,Long,{},extra\n"
        b"\n"
        b'A5,Fine,"{""b"": [1]}"\n'
    )
    imp = upload(editor_client, books, content)
    assert imp.json_columns == ["attrs"]
    imp = dry_run(editor_client, imp)
    assert (imp.counts["rows"], imp.counts["new"], imp.counts["invalid"]) == (7, 2, 5)
    invalid = fates(editor_client, imp.pk, "invalid")
    assert "No value in the key column sku" in invalid
    assert "The key A1 is already on row 2" in invalid
    assert "Has 2 cells; the header has 3" in invalid and "Has 4 cells; the header has 3" in invalid
    assert "Column attrs is not valid JSON" in invalid
    bad = editor_client.get(reverse("catalogs:import_bad_rows", args=[imp.pk]))
    text = b"".join(bad.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "row,reason,sku,name,attrs"
    assert lines[1].startswith("3,No value in the key column sku,")
    assert len(lines) == 6 and "items-bad-rows.csv" in bad["Content-Disposition"]


def test_the_bad_rows_file_neutralises_formulas_and_reads_back_as_written(
    editor_client: Client, books: int
) -> None:
    content = b'sku,name,note\n=A1,"@SUM(A1)",+1 2,extra\n-B2,"\r=1+2"\nC3,-7,-7\n'
    imp = dry_run(editor_client, upload(editor_client, books, content))
    assert (imp.counts["invalid"], imp.counts["new"]) == (2, 1)
    bad = editor_client.get(reverse("catalogs:import_bad_rows", args=[imp.pk]))
    text = b"".join(bad.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][2:] == ["'=A1", "'@SUM(A1)", "'+1 2", "extra"]
    assert rows[2][2:] == ["'-B2", "'\r=1+2"]
    assert [csvfile.restored(cell) for cell in rows[2][2:]] == ["-B2", "\r=1+2"]


def test_a_windows_1250_file_is_detected_and_read(editor_client: Client, books: int) -> None:
    imp = upload(editor_client, books, "id,city\n1,Łódź\n2,Zürich\n".encode("cp1250"))
    assert imp.detected_encoding == "cp1250"
    imp = dry_run(editor_client, imp)
    assert imp.counts["new"] == 2


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("id,title\n1,Café crème\n", "cp1252"),  # è is č in Windows-1250: letters both ways, Western wins
        ("id,title\n1,Niño\n2,Pâte à tartiner\n", "cp1252"),
        ("id,title\n1,Zażółć gęślą jaźń\n", "cp1250"),  # ą ł ż are ¹ ³ ¿ in Windows-1252
        ("id,title\n1,Łódź\n", "cp1250"),
        ("id,title\n1,Příliš žluťoučký kůň\n", "cp1250"),  # ť is undefined in Windows-1252
        ("id,title\n1,Größe\n", "cp1252"),  # the same bytes in both
    ],
)
def test_western_and_central_european_files_are_told_apart(text: str, encoding: str) -> None:
    path = Path(tempfile.mkdtemp()) / "items.csv"
    path.write_bytes(text.encode(encoding))
    assert csvfile.detect_encoding(path) == encoding
    assert csvfile.sniff(path).rows[0][1] == text.split("\n")[1].split(",")[1]


def test_a_row_the_encoding_cannot_read_is_invalid_and_the_rest_import(
    editor_client: Client, books: int, cat: CatalogsClient
) -> None:
    content = "id,city\n1,Zürich\n".encode() + "2,Łódź\n".encode("cp1250") + "3,Kraków\n".encode()
    imp = upload(editor_client, books, content)
    chosen = {
        "encoding": "utf-8",
        "delimiter": ",",
        "first_row": "header",
        "key_column": "id",
        "preview": "1",
    }
    editor_client.post(reverse("catalogs:import_check", args=[imp.pk]), {**chosen, "preview": "1"})
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "1 of the first rows hold bytes that are not valid UTF-8" in page
    assert "Holds bytes that are not valid UTF-8 (shown as \ufffd)" in page
    imp = dry_run(editor_client, imp, encoding="utf-8")
    assert (imp.counts["new"], imp.counts["invalid"]) == (2, 1)
    assert "Holds bytes that are not valid UTF-8" in fates(editor_client, imp.pk)
    bad = editor_client.get(reverse("catalogs:import_bad_rows", args=[imp.pk]))
    lines = b"".join(bad.streaming_content).decode("utf-8-sig").splitlines()  # type: ignore[attr-defined]
    assert lines[1] == "3,Holds bytes that are not valid UTF-8 (shown as \ufffd),2,??d?"
    run_import(editor_client, imp)
    assert {key: value["city"] for key, value in items_of(cat, books).items()} == {
        "1": "Zürich",
        "3": "Kraków",
    }


def test_an_empty_file_is_refused_at_upload(editor_client: Client, books: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("catalogs:import_start", args=[books])
    page = editor_client.post(url, {"file": SimpleUploadedFile("empty.csv", b"")})
    assert page.status_code == 200 and "The submitted file is empty." in page.content.decode()
    assert not CatalogImport.objects.exists()


def test_a_header_only_file_has_nothing_to_import(editor_client: Client, books: int) -> None:
    imp = dry_run(editor_client, upload(editor_client, books, b"id,name\n"))
    assert imp.counts["rows"] == 0
    assert "Nothing to import" in fates(editor_client, imp.pk)


def test_reconcile_lists_the_items_the_file_lacks(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_items(books, {k: {"id": k} for k in ("old-1", "old-2", "kept")})
    imp = upload(editor_client, books, b"id\nkept\nnew\n")
    imp = dry_run(editor_client, imp, reconcile="on")
    assert (imp.counts["delete"], imp.counts["unchanged"], imp.counts["new"]) == (2, 1, 1)
    listed = fates(editor_client, imp.pk, "delete")
    assert "old-1" in listed and "old-2" in listed and "kept</td>" not in listed


def test_a_catalog_of_many_pages_is_read_whole(
    editor_client: Client, cat: CatalogsClient, books: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.catalogs.services import dryrun
    from apps.sandbox.catalogs import routes

    # Pages of 4, read 2 at a time, from a sandbox whose anchors fall every 5 items (not on a page).
    monkeypatch.setattr(dryrun, "READ_PAGE", 4)
    monkeypatch.setattr(dryrun, "READERS", 2)
    monkeypatch.setattr(routes, "ANCHOR_STEP", 5)
    cat.add_items(books, {f"k{n:02d}": {"sku": f"k{n:02d}", "n": str(n)} for n in range(23)})
    cat.delete_item_by_key(books, "k07")
    lines = ["sku,n"] + [f"k{n:02d},{n + 100 if n % 5 == 0 else n}" for n in range(22)]
    imp = upload(editor_client, books, ("\n".join(lines) + "\n").encode())
    imp = dry_run(editor_client, imp, reconcile="1")
    assert {k: imp.counts[k] for k in ("catalog", "new", "changed", "unchanged", "delete")} == {
        "catalog": 22,
        "new": 1,  # k07, deleted from the catalog
        "changed": 5,  # k00, k05, k10, k15, k20
        "unchanged": 16,
        "delete": 1,  # k22, not in the file
    }
    assert "k22" in fates(editor_client, imp.pk, "delete")
