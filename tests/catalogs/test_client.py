"""The dashboard's catalogs client against the sandbox over real HTTP, signed in as the demo connection."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from pytest_httpx import HTTPXMock

from apps.catalogs.client import CatalogsClient
from apps.core.http import ApiConflict, ApiNotFound, ApiProtocolError, ApiValidationError


def test_it_reads_the_demo_catalogs(cat: CatalogsClient) -> None:
    page = cat.list_catalogs(order_by="id")
    assert [c.name for c in page.data] == ["products", "stores", "promotions"]
    assert page.meta_data.total_count == 3
    products = page.data[0]
    assert cat.get_catalog(products.id).data.name == "products"
    assert cat.catalog_keys(products.id).data[:3] == ["sku", "name", "brand"]
    items = cat.list_items(products.id, offset=0, limit=3)
    assert [i.item_key for i in items.data] == ["SKU-00001", "SKU-00002", "SKU-00003"]
    assert items.data[0].properties["sku"] == "SKU-00001"
    assert items.meta_data.total_count == 5000
    detail = cat.item_detail("stores", "ST-003").data
    assert (detail.item_id, detail.properties["city"]) == ("ST-003", "Wrocław")


def test_a_catalog_holds_items_through_their_life(cat: CatalogsClient, books: int) -> None:
    assert cat.add_item(books, item_key="1357", value={"title": "Dune", "year": 1965}) is True
    assert cat.add_items(books, {"2468": {"title": "Emma"}, "a/b": {"title": "Odd key"}}) is True
    assert cat.get_item_by_key(books, "a/b").data.properties == {"title": "Odd key"}
    dune = cat.get_item_by_key(books, "1357").data
    assert cat.get_item(books, dune.id).data.item_key == "1357"
    updated = cat.update_item(books, dune.id, {"title": "Dune"}).data
    assert updated.properties == {"title": "Dune"}
    assert cat.list_items(books, item_key="2468").meta_data.total_count == 1
    assert cat.delete_item_by_key(books, "2468").data is True
    assert cat.delete_item(books, dune.id).data is True
    with pytest.raises(ApiNotFound):
        cat.get_item(books, dune.id)
    assert [i.item_key for i in cat.list_items(books).data] == ["a/b"]
    assert cat.list_all_items(limit=1).meta_data.total_count == 5065


def test_csv_goes_out_and_comes_back_in(cat: CatalogsClient, books: int) -> None:
    assert cat.upload_csv(books, item_key="isbn", content=b"isbn;title\n111;Dune\n222;Emma\n") is True
    text = cat.download_csv(books, delimiter=";")
    assert text.splitlines() == ["itemKey;isbn;title", "111;111;Dune", "222;222;Emma"]
    with pytest.raises(ApiValidationError):
        cat.upload_csv(books, item_key="sku", content=b"isbn\n1\n")


def test_the_csv_download_streams_into_a_file_a_chunk_at_a_time(cat: CatalogsClient, books: int) -> None:
    rows = "".join(f"{n};Title {n}\n" for n in range(20_000)).encode()
    assert cat.upload_csv(books, item_key="isbn", content=b"isbn;title\n" + rows) is True
    chunks: list[int] = []

    class Recorder(io.BytesIO):
        def write(self, chunk: bytes) -> int:  # type: ignore[override]
            chunks.append(len(chunk))
            return super().write(chunk)

    target = Recorder()
    written = cat.download_csv_to(books, target, delimiter=";")
    assert written == len(target.getvalue()) and len(chunks) > 1  # it came in pieces, not as one body
    assert target.getvalue().decode() == cat.download_csv(books, delimiter=";")
    lines = target.getvalue().decode().splitlines()
    assert lines[0] == "itemKey;isbn;title" and len(lines) == 20_001
    with pytest.raises(ApiNotFound):
        cat.download_csv_to(999_999_999, io.BytesIO())


def test_mappings_and_filtering_are_kept(cat: CatalogsClient, books: int) -> None:
    cat.add_item(books, item_key="1", value={"isbn": "1", "title": "T"})
    mapping = cat.add_mapping(books, action="product.buy", param_key="isbn").data
    assert (mapping.bag_id, mapping.param_key) == (books, "isbn")
    with pytest.raises(ApiConflict):
        cat.add_mapping(books, action="product.buy", param_key="isbn")
    assert cat.change_enrichment(books, action="product.buy", param_key="isbn", fields=["title"]) == 0
    mine = [m for m in cat.list_mappings().data if m.bp_action_param_key == mapping.bp_action_param_key]
    assert mine[0].enrichment_fields == ["title"]
    assert cat.delete_mapping(mapping.bp_action_param_key).data is True
    assert cat.enable_filtering(books, ["title"]) == 0
    assert cat.disable_filtering(books, ["title"]) == 0
    assert cat.disable_filtering(books) == 0
    with pytest.raises(ApiValidationError) as refused:
        cat.enable_filtering(books, ["nope"])
    assert "nope" in str(refused.value)


def test_catalogs_are_deleted_one_or_several_at_a_time(cat: CatalogsClient, books: int) -> None:
    other = cat.create_catalog("magazines").data.id
    assert cat.delete_catalog(other).data is True
    results = cat.delete_catalogs([books, other]).data
    assert [(r.id, r.result) for r in results] == [(books, True), (other, False)]
    with pytest.raises(ApiNotFound):
        cat.get_catalog(books)


def test_every_enveloped_answer_keeps_its_metadata(cat: CatalogsClient, books: int) -> None:
    # §3.1: `metaData {totalCount, requestTime}` rides on every enveloped answer; totalCount counts a
    # list's items and is 0 on a single object or `true` (docs/api-decisions.md, "Synerise catalogs").
    cat.add_item(books, item_key="k1", value={"title": "One"})
    cat.add_item(books, item_key="k2", value={"title": "Two"})
    item = cat.get_item_by_key(books, "k1")
    mapping = cat.add_mapping(books, action="product.buy", param_key="title")
    other = cat.create_catalog(f"other-{books}")
    answers = {
        "create_catalog": (other, 0),
        "get_catalog": (cat.get_catalog(books), 0),
        "catalog_keys": (cat.catalog_keys(books), 1),
        "get_item_by_key": (item, 0),
        "get_item": (cat.get_item(books, item.data.id), 0),
        "update_item": (cat.update_item(books, item.data.id, {"title": "Uno"}), 0),
        "item_detail": (cat.item_detail("stores", "ST-003"), 0),
        "add_mapping": (mapping, 0),
        "list_mappings": (maps := cat.list_mappings(), len(maps.data)),
        "delete_mapping": (cat.delete_mapping(mapping.data.bp_action_param_key), 0),
        "delete_item_by_key": (cat.delete_item_by_key(books, "k2"), 0),
        "delete_item": (cat.delete_item(books, item.data.id), 0),
        "delete_catalog": (cat.delete_catalog(other.data.id), 0),
        "delete_catalogs": (cat.delete_catalogs([books]), 1),
    }
    for name, (answer, total) in answers.items():
        assert answer.meta_data.total_count == total, name
        assert re.fullmatch(r"\d+\.\d+ \[s\]", answer.meta_data.request_time), name


def test_a_name_taken_is_a_conflict_with_the_remote_message(cat: CatalogsClient, books: int) -> None:
    name = cat.get_catalog(books).data.name
    with pytest.raises(ApiConflict) as taken:
        cat.create_catalog(name)
    assert name in str(taken.value)


def test_an_answer_that_does_not_fit_is_a_protocol_error(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://api.test/catalogs/bags/1", json={"data": {"id": "x"}})
    with (
        CatalogsClient(httpx.Client(base_url="https://api.test/")) as client,
        pytest.raises(ApiProtocolError),
    ):
        client.get_catalog(1)


def test_a_synerise_error_body_keeps_its_message_and_field_errors(httpx_mock: HTTPXMock) -> None:
    body = {
        "status": 400,
        "error": "Bad Request",
        "message": "Item key is missing",
        "errors": [{"field": "itemKey", "message": "required"}],
    }
    httpx_mock.add_response(status_code=400, json=body)
    with (
        CatalogsClient(httpx.Client(base_url="http://127.0.0.1:9/")) as client,
        pytest.raises(ApiValidationError) as caught,
    ):
        client.request("POST", "/catalogs/bags/1/items")
    assert (caught.value.message, caught.value.field_errors) == (
        "Item key is missing",
        {"itemKey": ["required"]},
    )
