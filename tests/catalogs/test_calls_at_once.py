"""Catalog pages whose remote calls do not need each other's answers make them at the same time (see
tests/meeting.py: made one after the other, they would fail)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from tests.meeting import Meet

CATALOGS = "/synerise/catalogs/bags"


def test_an_items_page_asks_for_the_catalog_the_item_and_the_keys_at_once(
    viewer_client: Client, cat: CatalogsClient, books: int, meet: Meet
) -> None:
    cat.add_item(books, item_key="b-1", value={"title": "Dune", "price": 9.5})
    item = cat.get_item_by_key(books, "b-1").data
    met = meet(CATALOGS, 3)
    response = viewer_client.get(reverse("catalogs:item", args=[books, item.id]))
    assert response.status_code == 200
    assert sorted(name for name, _value, _set in response.context["rows"]) == ["price", "title"]
    assert sorted(met) == [f"/{books}", f"/{books}/items/{item.id}", f"/{books}/keys"]


def test_the_item_form_asks_for_the_catalog_and_its_keys_at_once(
    editor_client: Client, cat: CatalogsClient, books: int, meet: Meet
) -> None:
    met = meet(CATALOGS, 2)
    response = editor_client.get(reverse("catalogs:item_new", args=[books]))
    assert response.status_code == 200
    assert sorted(met) == [f"/{books}", f"/{books}/keys"]
