"""Brickworks async upserts on the sandbox: simple schemas only, full and partial, single and batch (§2.3)."""

from __future__ import annotations

import pytest

from tests.sandbox.brickworks.conftest import Api, assert_error

FIELDS = {
    "sku": {"type": "text", "required": True},
    "title": {"type": "text", "maxLength": 10, "useAsRecordName": True},
    "price": {"type": "number"},
}


@pytest.fixture
def offers(api: Api) -> dict:
    return api.schema("offers", simple=True, fields=FIELDS)


def by_sku(sku: str) -> dict:
    return {"type": "FIELD", "field": "sku", "value": sku}


def test_upserts_are_for_simple_schemas_only(api: Api) -> None:
    schema = api.schema("articles", fields=FIELDS)
    item = {"identifier": by_sku("A"), "values": {"sku": "A"}}
    assert_error(api.put(f"/schemas/{schema['id']}/records/upsert", item), 400, "BKW-025")
    assert_error(api.put(f"/schemas/{schema['id']}/records/upsert/batch", [item]), 400, "BKW-025")


def test_a_full_upsert_creates_then_overwrites(api: Api, offers: dict) -> None:
    path = f"/schemas/{offers['id']}/records/upsert"
    first = api.ok(
        "PUT",
        path,
        {"identifier": by_sku("A-1"), "values": {"sku": "A-1", "title": "Ten"}, "slug": "offer-a1"},
    )
    record = api.ok("GET", f"/schemas/offers/records/{first['id']}")
    assert (record["status"], record["slug"], record["values"]["title"]) == ("PUBLISHED", "offer-a1", "Ten")
    again = api.ok("PUT", path, {"identifier": by_sku("A-1"), "values": {"sku": "A-1", "price": 9}})
    assert again["id"] == first["id"]
    record = api.ok("GET", f"/schemas/offers/records/{first['id']}")
    assert record["values"] == {"sku": "A-1", "price": 9}  # entirely overwritten
    assert record["slug"] is None  # "if the slug isn't sent, it's removed"
    assert record["recordVersion"] == 1


def test_a_full_upsert_is_validated(api: Api, offers: dict) -> None:
    item = {"identifier": by_sku("B"), "values": {"sku": "B", "title": "Far too long a title"}}
    assert_error(api.put(f"/schemas/{offers['id']}/records/upsert", item), 400, "BKW-001")


def test_a_partial_upsert_merges_and_skips_limits(api: Api, offers: dict) -> None:
    path = f"/schemas/{offers['id']}/records/upsert"
    first = api.ok(
        "PUT", path, {"identifier": by_sku("C"), "values": {"sku": "C", "title": "Short"}, "slug": "offer-c1"}
    )
    api.ok(
        "PATCH",
        path,
        {
            "identifier": {"type": "SLUG", "value": "offer-c1"},
            "values": {"title": "Now much longer than ten"},
        },
    )
    record = api.ok("GET", f"/schemas/offers/records/{first['id']}")
    assert record["values"] == {"sku": "C", "title": "Now much longer than ten"}
    assert record["slug"] == "offer-c1"
    assert_error(api.patch(path, {"identifier": by_sku("C"), "values": {"price": "cheap"}}), 400, "BKW-001")


def test_an_id_identifier_creates_the_record_with_that_id(api: Api, offers: dict) -> None:
    record_id = "3f0c2a4e-8a8e-4a53-9d7c-0b7d2c1e0f11"
    item = {"identifier": {"type": "ID", "value": record_id}, "values": {"sku": "D"}}
    assert api.ok("PUT", f"/schemas/{offers['id']}/records/upsert", item)["id"] == record_id
    assert api.ok("GET", f"/schemas/offers/records/{record_id}")["values"] == {"sku": "D"}


def test_a_batch_reports_each_item(api: Api, offers: dict) -> None:
    items = [
        {"identifier": by_sku("E"), "values": {"sku": "E"}},
        {"identifier": by_sku("F"), "values": {"title": "No sku"}},
        {"identifier": by_sku("G"), "values": {"sku": "G"}},
    ]
    results = api.ok("PUT", f"/schemas/{offers['id']}/records/upsert/batch", items)
    assert [(r["index"], r["status"]) for r in results] == [(0, "ACCEPTED"), (1, "REJECTED"), (2, "ACCEPTED")]
    assert results[1]["errors"][0]["field"] == "values.sku"
    assert api.ok("GET", "/schemas/offers/records")["meta"]["total"] == 2
    partial = api.ok(
        "PATCH",
        f"/schemas/{offers['id']}/records/upsert/batch",
        [{"identifier": by_sku("E"), "values": {"price": 3}}],
    )
    assert partial[0]["id"] == results[0]["id"]
