"""Input PostgreSQL can't store or a bigint can't hold answers 400 with the Brickworks error body, not 500."""

from __future__ import annotations

import pytest

from tests.sandbox.brickworks.conftest import Api, assert_error


@pytest.fixture
def articles(api: Api) -> dict:
    return api.schema("articles")


def test_it_refuses_a_page_past_what_a_bigint_holds(api: Api, articles: dict) -> None:
    body = assert_error(api.get("/schemas/articles/records", page="24008278683922022400"), 400, "BKW-001")
    assert body["field"] == "page"
    assert_error(api.get("/schemas", page="24008278683922022400"), 400, "BKW-001")


def test_it_refuses_a_nul_byte_in_a_search(api: Api, articles: dict) -> None:
    body = assert_error(api.get("/schemas/articles/records", search="\x00abc"), 400, "BKW-001")
    assert body["field"] == "search"
    assert_error(api.get("/schemas", search="\x00abc"), 400, "BKW-001")


def test_it_refuses_a_nul_byte_as_a_record_id(api: Api, articles: dict) -> None:
    body = assert_error(api.get("/schemas/articles/records/%00"), 400, "BKW-001")
    assert body["field"] == "record_key"
    assert_error(api.get("/schemas/%00"), 400, "BKW-001")


def test_it_refuses_a_nul_byte_in_a_description_or_a_value(api: Api, articles: dict) -> None:
    schema = {"appId": "nul", "displayName": "Nul", "description": "a\x00b"}
    body = assert_error(api.post("/schemas", schema), 400, "BKW-001")
    assert body["field"] == "description"
    body = assert_error(
        api.post("/schemas/articles/records", {"status": "DRAFT", "values": {"title": "a\x00"}}),
        400,
        "BKW-001",
    )
    assert body["field"] == "values.title"


def test_it_refuses_nan_and_infinity_in_a_value(api: Api) -> None:
    api.schema("notes", fields={"data": {"type": "json"}})
    for number in (float("nan"), float("inf")):
        body = assert_error(
            api.post("/schemas/notes/records", {"status": "DRAFT", "values": {"data": {"x": [number]}}}),
            400,
            "BKW-001",
        )
        assert body["field"] == "values.data.x.0"
    source = {"name": "s", "properties": {"url": "https://example.com", "body": {"n": float("nan")}}}
    assert_error(api.post("/external-sources", source), 400, "BKW-001")


def test_nothing_is_stored_when_a_value_is_refused(api: Api, articles: dict) -> None:
    api.post("/schemas/articles/records", {"status": "DRAFT", "values": {"title": "a\x00"}})
    assert api.ok("GET", "/schemas/articles/records")["meta"]["total"] == 0
