"""Numbers keep their form: a price of 3299.00 is read, shown, edited, imported and exported as 3299.00,
and an item saved without a change is sent back byte for byte (issue 20, item 10)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.forms.items import field_name
from tests.catalogs.conftest import dry_run, run_import, upload

pytestmark = pytest.mark.usefixtures("eager_celery")

COAT = b'[{"itemKey":"coat","value":{"name":"Coat","price":3299.00,"was":59.90,"stock":3}}]'


def raw(cat: CatalogsClient, catalog_id: int, key: str) -> str:
    """The item's value as the catalog answers it: JSON text."""
    return cat.get_item_by_key(catalog_id, key).data.value


def test_a_price_is_shown_edited_and_saved_back_as_written(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_items_encoded(books, COAT)
    before = raw(cat, books, "coat")
    assert '"price":3299.00' in before and '"was":59.90' in before
    item = cat.get_item_by_key(books, "coat").data
    page = editor_client.get(reverse("catalogs:item", args=[books, item.id])).content.decode()
    assert "<dd>3299.00</dd>" in page and "<dd>59.90</dd>" in page
    listed = editor_client.get(reverse("catalogs:detail", args=[books])).content.decode()
    assert "<td>3299.00</td>" in listed and "<td>59.90</td>" in listed
    edit = reverse("catalogs:item_edit", args=[books, item.id])
    form = editor_client.get(edit).content.decode()
    assert 'value="3299.00"' in form and 'value="59.90"' in form

    shown = {"name": "Coat", "price": "3299.00", "was": "59.90", "stock": "3"}
    assert editor_client.post(edit, {field_name(k): v for k, v in shown.items()}).status_code == 302
    assert raw(cat, books, "coat") == before  # the same bytes

    editor_client.post(edit, {field_name(k): v for k, v in {**shown, "price": "2999.50"}.items()})
    assert '"was":59.90' in raw(cat, books, "coat") and '"price":2999.50' in raw(cat, books, "coat")


def test_an_import_keeps_the_numbers_of_a_json_column_and_a_second_run_changes_nothing(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    file = b"sku,price,name\nA1,59.90,Scarf\nA2,3299.00,Coat\n"
    imp = run_import(
        editor_client, dry_run(editor_client, upload(editor_client, books, file), json_columns=["price"])
    )
    assert imp.counts["new"] == 2
    assert '"price":59.90' in raw(cat, books, "A1") and '"price":3299.00' in raw(cat, books, "A2")
    again = dry_run(editor_client, upload(editor_client, books, file), json_columns=["price"])
    assert (again.counts["unchanged"], again.counts["changed"]) == (2, 0)
