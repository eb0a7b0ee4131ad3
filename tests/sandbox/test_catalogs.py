"""The sandbox's Synerise catalogs as a client on the wire sees them (spec §3, docs/api-decisions.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.sandbox import seed, tokens
from apps.sandbox.catalogs.models import Catalog, CatalogItem
from apps.sandbox.models import Workspace

BASE = "/sandbox/synerise/catalogs"


class Api:
    """JSON in, (status, JSON) out, signed with a workspace token."""

    def __init__(self, workspace: Workspace) -> None:
        self.client = Client()
        self.token = tokens.issue(workspace=workspace, user=None, ttl=3600)

    def call(self, verb: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if verb == "GET":
            response = self.client.get(f"{BASE}{path}", params, headers=headers)
        else:
            data = json.dumps(body) if body is not None else ""
            response = getattr(self.client, verb.lower())(
                f"{BASE}{path}", data, content_type="application/json", headers=headers
            )
        if response["Content-Type"].startswith("text/csv"):
            return response.status_code, response.content.decode()
        return response.status_code, response.json()


@pytest.fixture
def api(seeded: seed.Seeded) -> Api:
    return Api(seeded.workspace)


@pytest.fixture
def books(api: Api) -> int:
    status, body = api.call("POST", "/bags", {"name": "books"})
    assert status == 200, body
    return body["data"]["id"]


def test_the_demo_workspace_has_products_stores_and_promotions(api: Api) -> None:
    status, body = api.call("GET", "/bags", orderBy="id")
    assert status == 200
    assert [c["name"] for c in body["data"]] == ["products", "stores", "promotions"]
    assert body["metaData"]["totalCount"] == 3
    assert body["data"][0]["filteredFields"] == []
    assert body["metaData"]["requestTime"].endswith(" [s]")


def test_a_catalog_is_created_found_and_searched(api: Api, books: int) -> None:
    status, body = api.call("GET", f"/bags/{books}")
    assert (status, body["data"]["name"], body["data"]["author"]) == (200, "books", "API")
    _, found = api.call("GET", "/bags", searchBy="BOO")
    assert [c["id"] for c in found["data"]] == [books]


def test_a_second_catalog_with_the_same_name_is_a_conflict(api: Api, books: int) -> None:
    status, body = api.call("POST", "/bags", {"name": "books"})
    assert (status, body["status"], body["error"]) == (409, 409, "Conflict")
    assert set(body) >= {"timestamp", "message", "path"}


def test_a_catalog_without_a_name_is_refused(api: Api) -> None:
    status, body = api.call("POST", "/bags", {"name": "  "})
    assert status == 400
    assert body["errors"][0]["field"] == "name"


def test_catalogs_page_by_offset_and_limit(api: Api) -> None:
    for n in range(5):
        api.call("POST", "/bags", {"name": f"c{n}"})
    _, body = api.call("GET", "/bags", offset=2, limit=3)
    assert [c["name"] for c in body["data"]] == ["promotions", "c0", "c1"]
    assert body["metaData"]["totalCount"] == 8
    status, _ = api.call("GET", "/bags", limit=1001)
    assert status == 400


def test_an_item_is_added_read_by_key_and_by_id_and_its_value_is_a_json_string(api: Api, books: int) -> None:
    assert api.call("POST", f"/bags/{books}/items", {"itemKey": "1357", "value": {"title": "Dune"}}) == (
        200,
        True,
    )
    status, body = api.call("GET", f"/bags/{books}/items/itemKey/1357")
    item = body["data"]
    assert (status, item["itemKey"], json.loads(item["value"])) == (200, "1357", {"title": "Dune"})
    assert item["bag"]["id"] == books
    _, by_id = api.call("GET", f"/bags/{books}/items/{item['id']}")
    assert by_id["data"]["itemKey"] == "1357"


def test_adding_an_existing_key_replaces_its_value(api: Api, books: int) -> None:
    api.call("POST", f"/bags/{books}/items", {"itemKey": "a", "value": {"x": 1}})
    api.call("POST", f"/bags/{books}/items", {"itemKey": "a", "value": {"y": 2}})
    _, body = api.call("GET", f"/bags/{books}/items")
    assert [json.loads(i["value"]) for i in body["data"]] == [{"y": 2}]
    _, keys = api.call("GET", f"/bags/{books}/keys")
    assert keys["data"] == ["x", "y"]


def test_a_batch_adds_every_item_or_none(api: Api, books: int) -> None:
    good = [{"itemKey": f"k{n}", "value": {"n": n}} for n in range(3)]
    assert api.call("POST", f"/bags/{books}/items/batch", good) == (200, True)
    status, _ = api.call("POST", f"/bags/{books}/items/batch", [*good, {"itemKey": "", "value": {}}])
    assert status == 400
    status, _ = api.call("POST", f"/bags/{books}/items/batch", [{"itemKey": "z", "value": {}}] * 1001)
    assert status == 400
    assert CatalogItem.objects.filter(catalog_id=books).count() == 3


def test_items_filter_by_exact_key_and_page_by_offset(api: Api) -> None:
    products = Catalog.objects.get(name="products").pk
    _, body = api.call("GET", f"/bags/{products}/items", offset=10, limit=5)
    assert [i["itemKey"] for i in body["data"]] == [f"SKU-{n:05d}" for n in range(11, 16)]
    assert body["metaData"]["totalCount"] == 5000
    _, one = api.call("GET", f"/bags/{products}/items", itemKey="SKU-00042")
    assert [i["itemKey"] for i in one["data"]] == ["SKU-00042"]


def test_an_update_replaces_every_property(api: Api, books: int) -> None:
    api.call("POST", f"/bags/{books}/items", {"itemKey": "b", "value": {"title": "T", "year": 1965}})
    _, body = api.call("GET", f"/bags/{books}/items/itemKey/b")
    status, updated = api.call("PUT", f"/bags/{books}/items/{body['data']['id']}", {"title": "U"})
    assert status == 200
    assert json.loads(updated["data"]["value"]) == {"title": "U"}


def test_items_are_deleted_by_key_and_by_id(api: Api, books: int) -> None:
    api.call("POST", f"/bags/{books}/items/batch", [{"itemKey": k, "value": {}} for k in ("a", "b")])
    status, body = api.call("DELETE", f"/bags/{books}/items/itemKey/a")
    assert (status, body["data"]) == (200, True)
    b = CatalogItem.objects.get(catalog_id=books, key="b").pk
    assert api.call("DELETE", f"/bags/{books}/items/{b}")[0] == 200
    status, body = api.call("GET", f"/bags/{books}/items/itemKey/a")
    assert (status, body["status"]) == (404, 404)
    assert api.call("DELETE", f"/bags/{books}/items/{b}")[0] == 404


def test_a_key_with_a_slash_is_found_by_key(api: Api, books: int) -> None:
    api.call("POST", f"/bags/{books}/items", {"itemKey": "a/b", "value": {}})
    status, body = api.call("GET", f"/bags/{books}/items/itemKey/a%2Fb")
    assert (status, body["data"]["itemKey"]) == (200, "a/b")


def test_all_items_of_the_workspace_carry_their_catalog(api: Api) -> None:
    _, body = api.call("GET", "/items", offset=4999, limit=2)
    assert [i["bag"]["name"] for i in body["data"]] == ["products", "stores"]
    assert body["metaData"]["totalCount"] == 5064


def test_an_item_detail_flattens_its_properties_beside_the_key(api: Api) -> None:
    status, body = api.call("GET", "/itemDetail", catalogName="stores", key="ST-002")
    assert status == 200
    assert body["data"]["itemId"] == "ST-002"
    assert body["data"]["city"] == "Gdańsk"
    assert api.call("GET", "/itemDetail", catalogName="stores", key="nope")[0] == 404
    assert api.call("GET", "/itemDetail", catalogName="nope", key="ST-002")[0] == 404


def test_several_catalogs_are_deleted_with_a_result_each(api: Api, books: int) -> None:
    status, body = api.call("DELETE", "/bags", [books, 999999])
    assert status == 200
    assert body["data"] == [{"id": books, "result": True}, {"id": 999999, "result": False}]
    assert api.call("GET", f"/bags/{books}")[0] == 404


def test_deleting_a_catalog_takes_its_items_and_mappings(api: Api) -> None:
    products = Catalog.objects.get(name="products").pk
    assert api.call("DELETE", f"/bags/{products}")[1]["data"] is True
    assert CatalogItem.objects.filter(catalog_id=products).count() == 0
    assert [m["action"] for m in api.call("GET", "/mappings")[1]["data"]] == ["promotion.view"]


def test_a_mapping_is_added_enriched_listed_and_deleted(api: Api, books: int) -> None:
    api.call("POST", f"/bags/{books}/items", {"itemKey": "1", "value": {"isbn": "1", "title": "T"}})
    status, body = api.call("POST", f"/bags/{books}/mappings", {"action": "product.buy", "paramKey": "isbn"})
    assert status == 200
    key = body["data"]["bpActionParamKey"]
    assert (body["data"]["bagId"], body["data"]["action"]) == (books, "product.buy")
    again = api.call("POST", f"/bags/{books}/mappings", {"action": "product.buy", "paramKey": "isbn"})
    assert again[0] == 409
    change = {"action": "product.buy", "paramKey": "isbn", "enrichmentFields": ["title"]}
    assert api.call("PATCH", f"/bags/{books}/mappings", change) == (200, 0)
    unknown = {**change, "enrichmentFields": ["author"]}
    assert api.call("PATCH", f"/bags/{books}/mappings", unknown)[0] == 400
    _, listed = api.call("GET", "/mappings")
    mine = [m for m in listed["data"] if m["bpActionParamKey"] == key]
    assert mine[0]["enrichmentFields"] == ["title"]
    assert api.call("DELETE", f"/mappings/{key}")[0] == 200
    assert api.call("DELETE", f"/mappings/{key}")[0] == 404


def test_filtering_is_enabled_on_known_fields_and_disabled(api: Api) -> None:
    products = Catalog.objects.get(name="products")
    assert api.call("PATCH", f"/bags/{products.pk}/enable/filtering", {"fields": ["color", "category"]}) == (
        200,
        0,
    )
    assert api.call("PATCH", f"/bags/{products.pk}/enable/filtering", {"fields": ["nope"]})[0] == 400
    assert api.call("PATCH", f"/bags/{products.pk}/disable/filtering", {"fields": ["color"]}) == (200, 0)
    products.refresh_from_db()
    assert products.filtering == ["category"]
    assert api.call("GET", f"/bags/{products.pk}")[1]["data"]["filteredFields"] == ["category"]
    assert api.call("PATCH", f"/bags/{products.pk}/disable/filtering") == (200, 0)
    products.refresh_from_db()
    assert products.filtering == []


def test_a_catalog_downloads_as_csv_with_the_chosen_delimiter(api: Api) -> None:
    stores = Catalog.objects.get(name="stores").pk
    status, text = api.call("GET", f"/bags/{stores}/csv", delimiter=";")
    lines = text.splitlines()
    assert status == 200
    assert lines[0] == "itemKey;storeId;city;name;address;open"
    assert lines[1] == "ST-001;ST-001;Warszawa;Warszawa 1;ul. Floriańska 8;true"
    assert len(lines) == 41
    assert api.call("GET", f"/bags/{stores}/csv", delimiter="x")[0] == 400


def test_a_csv_upload_adds_items_keyed_by_the_named_column(api: Api, books: int) -> None:
    upload = SimpleUploadedFile("books.csv", b"isbn,title\n111,Dune\n222,Emma\n", content_type="text/csv")
    response = api.client.post(
        f"{BASE}/bags/{books}/items/upload",
        {"itemKey": "isbn", "file": upload},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert (response.status_code, response.json()) == (200, True)
    _, body = api.call("GET", f"/bags/{books}/items/itemKey/222")
    assert json.loads(body["data"]["value"]) == {"isbn": "222", "title": "Emma"}
    wrong = SimpleUploadedFile("books.csv", b"isbn,title\n111,Dune\n", content_type="text/csv")
    response = api.client.post(
        f"{BASE}/bags/{books}/items/upload",
        {"itemKey": "sku", "file": wrong},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert response.status_code == 400


def test_a_csv_keyed_by_an_itemkey_column_downloads_with_that_column_once(api: Api, books: int) -> None:
    # A C1 download uploaded again (C2 keyed by its `itemKey` column) keeps the column as a property too.
    upload = SimpleUploadedFile("books.csv", b"itemKey,title\n111,Dune\n222,Emma\n", content_type="text/csv")
    response = api.client.post(
        f"{BASE}/bags/{books}/items/upload",
        {"itemKey": "itemKey", "file": upload},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert (response.status_code, response.json()) == (200, True)
    status, text = api.call("GET", f"/bags/{books}/csv")
    assert status == 200
    assert text.splitlines() == ["itemKey,title", "111,Dune", "222,Emma"]


def test_another_workspaces_catalog_is_not_found(api: Api, books: int) -> None:
    other = Api(Workspace.objects.create(name="Other"))
    assert other.call("GET", f"/bags/{books}")[0] == 404
    assert other.call("GET", "/bags")[1]["data"] == []


def test_a_catalog_call_without_a_token_answers_401(api: Api) -> None:
    response = Client().get(f"{BASE}/bags")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_item_counts_are_kept_through_adds_and_deletes(api: Api, books: int) -> None:
    batch = [{"itemKey": f"k{n}", "value": {"n": n}} for n in range(5)]
    api.call("POST", f"/bags/{books}/items/batch", batch)
    api.call("POST", f"/bags/{books}/items/batch", batch[:2])  # upserts add nothing
    api.call("DELETE", f"/bags/{books}/items/itemKey/k0")
    _, body = api.call("GET", f"/bags/{books}/items", limit=1)
    assert body["metaData"]["totalCount"] == 4 == CatalogItem.objects.filter(catalog_id=books).count()


def test_items_are_searched_by_part_of_their_key(api: Api) -> None:
    products = Catalog.objects.get(name="products").pk
    _, body = api.call("GET", f"/bags/{products}/items", searchBy="sku-0004", limit=3)
    assert [i["itemKey"] for i in body["data"]] == ["SKU-00040", "SKU-00041", "SKU-00042"]
    assert body["metaData"]["totalCount"] == 10


def test_a_property_name_must_be_short_and_not_blank(api: Api, books: int) -> None:
    api.call("POST", f"/bags/{books}/items", {"itemKey": "a", "value": {"x": 1}})
    item = CatalogItem.objects.get(catalog_id=books, key="a")
    status, body = api.call("PUT", f"/bags/{books}/items/{item.pk}", {"x": 2, "n" * 256: 1})
    assert status == 400
    assert body["errors"] == [
        {"field": "n" * 256, "message": "A property name is 1 to 255 characters, not blank"}
    ]
    assert api.call("POST", f"/bags/{books}/items", {"itemKey": "b", "value": {" ": 1}})[0] == 400


def test_deep_pages_are_the_same_as_counted_from_the_start(api: Api, books: int, settings: Any) -> None:
    from apps.sandbox.catalogs import routes

    routes.ANCHOR_STEP, step = 7, routes.ANCHOR_STEP
    try:
        batch = [{"itemKey": f"k{n:03d}", "value": {"n": n}} for n in range(60)]
        api.call("POST", f"/bags/{books}/items/batch", batch)
        keys = [f"k{n:03d}" for n in range(60)]
        for offset in (0, 6, 7, 8, 20, 49, 55, 59, 60, 70):
            _, body = api.call("GET", f"/bags/{books}/items", offset=offset, limit=5)
            assert [i["itemKey"] for i in body["data"]] == keys[offset : offset + 5], offset
        for offset, limit in ((0, 7), (0, 14), (3, 20), (7, 7), (13, 30), (50, 7), (53, 100), (2**31 - 1, 9)):
            _, body = api.call("GET", f"/bags/{books}/items", offset=offset, limit=limit)
            assert [i["itemKey"] for i in body["data"]] == keys[offset : offset + limit], (offset, limit)
        api.call("DELETE", f"/bags/{books}/items/itemKey/k010")  # the anchors follow the change
        keys.remove("k010")
        _, body = api.call("GET", f"/bags/{books}/items", offset=14, limit=3)
        assert [i["itemKey"] for i in body["data"]] == keys[14:17]
        assert body["metaData"]["totalCount"] == 59
    finally:
        routes.ANCHOR_STEP = step


def test_a_page_of_items_says_what_each_item_does_on_its_own(api: Api, books: int) -> None:
    odd = {
        'quote " and \\ back': "line\nbreak\ttab \u0001",
        "Zażółć": ["gęślą", "jaźń", "😀", None, True, 12.5, 10**20],
        "nested": {"a": {"b": []}},
    }
    batch = [{"itemKey": key, "value": odd} for key in ('k "1"', "ключ/2", "k\\3")]
    assert api.call("POST", f"/bags/{books}/items/batch", batch) == (200, True)
    status, page = api.call("GET", f"/bags/{books}/items", limit=10)
    assert status == 200
    assert page["metaData"]["totalCount"] == 3
    assert [item["itemKey"] for item in page["data"]] == ['k "1"', "ключ/2", "k\\3"]
    for item in page["data"]:
        _, alone = api.call("GET", f"/bags/{books}/items/{item['id']}")
        assert json.loads(item.pop("value")) == json.loads(alone["data"].pop("value")) == odd
        assert item == alone["data"]


def test_postgresql_writes_a_page_of_items_as_python_does(api: Api, books: int) -> None:
    """C9's page on PostgreSQL is JSON built in SQL by hand; it says what item_json says of each item."""
    from decimal import Decimal

    from django.db import connection
    from django.test import RequestFactory

    from apps.sandbox.catalogs import routes, wire

    if connection.vendor != "postgresql":
        pytest.skip("the page is built in SQL on PostgreSQL only")
    catalog = Catalog.objects.get(pk=books)
    routes.store(catalog, [('k"1', {"price": Decimal("3299.00"), "n": "é\n"}), ("k2", {})])
    rows = catalog.items.order_by("id")
    page = json.loads(wire.items_page(RequestFactory().get("/"), rows, catalog, 2))
    values = [item["value"] for item in page["data"]]
    assert page["data"] == [
        {**wire.item_json(item, catalog), "value": value} for item, value in zip(rows, values, strict=True)
    ]
    assert json.loads(values[0]) == {"price": 3299.00, "n": "é\n"} and json.loads(values[1]) == {}
    assert '"price": 3299.00' in values[0]  # the digits as stored
