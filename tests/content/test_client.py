"""The dashboard's Brickworks client against the sandbox over real HTTP, signed in as the demo connection."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpx import HTTPXMock

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.core.http import ApiConflict, ApiNotFound, ApiValidationError, build_http

# pytest-httpx answers for this address; nothing is sent.
OFFLINE = "http://127.0.0.1:9/"

FIELDS = {
    "title": {"type": "text", "required": True, "useAsRecordName": True, "searchable": True, "maxLength": 40},
    "price": {"type": "number", "searchable": True},
}


@pytest.fixture
def bw(demo: dict[str, Connection]) -> Iterator[BrickworksClient]:
    with BrickworksClient(connections.http_for(demo["synerise"])) as client:
        yield client


def test_it_reads_the_demo_content(bw: BrickworksClient) -> None:
    schemas = bw.list_schemas(sort_by="appId:asc")
    assert [s.app_id for s in schemas.data] == ["home-banners", "offers"]
    banners = bw.get_schema("home-banners")
    assert not banners.is_simple
    assert list(banners.fields)[:2] == ["headline", "greeting"]
    page = bw.list_records("home-banners", statuses=["PUBLISHED", "DRAFT"])
    assert page.meta.total == 2
    assert bw.get_record("home-banners", "winter-sale").status == "PUBLISHED"
    out = bw.generate(
        "home-banners", "winter-sale", identifier_type="email", identifier_value="ann@example.test"
    )
    assert out["headline"] == "Winter sale, Ann"
    assert out["greeting"] == "Hello Ann!"


def test_a_record_goes_through_its_life(bw: BrickworksClient) -> None:
    schema = bw.create_schema(app_id="news", display_name="News", fields=FIELDS)
    draft = bw.create_record(schema.id, values={"title": "First"}, slug="first-news")
    assert (draft.status, draft.name, draft.record_version) == ("DRAFT", "First", 1)
    edited = bw.update_record(
        schema.id, draft.id, values={"title": "First!"}, last_updated_at=draft.updated_at
    )
    with pytest.raises(ApiConflict) as conflict:
        bw.update_record(schema.id, draft.id, values={"title": "Stale"}, last_updated_at=draft.updated_at)
    assert conflict.value.code == "BKW-029"
    published = bw.update_record(schema.id, draft.id, status="PUBLISHED", last_updated_at=edited.updated_at)
    assert published.published_at is not None
    next_draft = bw.update_record(schema.id, draft.id, status="DRAFT", values={"title": "Second"})
    assert next_draft.record_version == 2
    versions = bw.list_versions(schema.id, "first-news")
    assert [v.record_version for v in versions.data] == [2, 1]
    assert bw.get_version(schema.id, draft.id, 1).values == {"title": "First!"}
    assert bw.get_version(schema.id, draft.id, versions.data[0].version_id).status == "DRAFT"
    preview = bw.preview("news", draft.id, values={"title": "Preview"})
    assert preview["title"] == "Preview"
    copy = bw.duplicate_record(schema.id, draft.id)
    assert copy.name == "First! - copy"
    found = bw.list_records("news", filters="title==First*", sort_by="createdAt:asc")
    assert [r.id for r in found.data] == [draft.id, copy.id]
    bw.delete_record(schema.id, copy.id)
    with pytest.raises(ApiNotFound):
        bw.get_record(schema.id, copy.id)
    bw.delete_schema(schema.id)
    with pytest.raises(ApiNotFound):
        bw.get_schema("news")


def test_a_schema_keeps_the_audience_it_is_given(bw: BrickworksClient) -> None:
    # S6 and S3 document `audience`; the sandbox keeps it as sent (its inside is not in the doc, §4.1).
    audience = {"segments": ["vip"], "anonymous": False}
    schema = bw.create_schema(app_id="members", display_name="Members", fields=FIELDS, audience=audience)
    assert schema.audience == audience
    assert bw.get_schema("members").audience == audience
    wider = {"segments": ["vip", "newsletter"]}
    assert bw.update_schema(schema.id, display_name="Members", audience=wider).audience == wider
    assert bw.update_schema(schema.id, display_name="Members only").audience == wider  # omitted: kept


def test_a_record_keeps_the_action_on_schedule_sent_without_a_schedule(bw: BrickworksClient) -> None:
    # R3 and R8 document `actionOnSchedule` on its own: it is sent when asked, not only with a schedule.
    schema = bw.create_schema(app_id="promos", display_name="Promos", fields=FIELDS)
    draft = bw.create_record(schema.id, values={"title": "Soon"}, action_on_schedule="PUBLISH")
    assert draft.action_on_schedule == "PUBLISH" and not draft.schedule
    plain = bw.create_record(schema.id, values={"title": "Plain"})
    assert plain.action_on_schedule is None
    marked = bw.update_record(schema.id, plain.id, values={"title": "Plain"}, action_on_schedule="PUBLISH")
    assert marked.action_on_schedule == "PUBLISH"


def test_versions_are_listed_newest_first_unless_sorted_otherwise(bw: BrickworksClient) -> None:
    schema = bw.create_schema(app_id="notes", display_name="Notes", fields=FIELDS)
    record = bw.create_record(schema.id, values={"title": "One"}, slug="a-note")
    for n in (2, 3):
        bw.update_record(schema.id, record.id, status="PUBLISHED")
        bw.update_record(schema.id, record.id, status="DRAFT", values={"title": f"Take {n}"})
    assert [v.record_version for v in bw.list_versions(schema.id, record.id).data] == [3, 2, 1]
    oldest_first = bw.list_versions(schema.id, "a-note", sort_by="recordVersion:asc")
    assert [v.record_version for v in oldest_first.data] == [1, 2, 3]
    with pytest.raises(ApiValidationError) as caught:
        bw.list_versions(schema.id, record.id, sort_by="colour:asc")
    assert caught.value.code == "BKW-003"


def test_remote_validation_errors_name_their_fields(bw: BrickworksClient) -> None:
    with pytest.raises(ApiValidationError) as caught:
        bw.create_record("home-banners", values={"headline": "x" * 81}, status="DRAFT")
    assert "values.headline" in caught.value.field_errors
    with pytest.raises(ApiValidationError) as caught:
        bw.list_records("home-banners", filters="priority>")
    assert caught.value.code == "BKW-002"


def test_upserts_and_external_sources(bw: BrickworksClient) -> None:
    offers = bw.get_schema("offers")
    item = {"identifier": {"type": "FIELD", "field": "sku", "value": "HAT-03"}, "values": {"sku": "HAT-03"}}
    accepted = bw.upsert_record(offers.id, item)
    assert accepted is not None
    assert accepted.status == "ACCEPTED"
    results = bw.upsert_records(
        offers.id, [item, {"identifier": item["identifier"], "values": {"discount": 500}}]
    )
    assert [r.status for r in results] == ["ACCEPTED", "REJECTED"]
    assert bw.get_record("offers", accepted.id or "").values == {"sku": "HAT-03"}

    source = bw.create_external_source(
        name="Stock", properties={"url": "https://stock.example.test/", "method": "get"}
    )
    assert bw.list_external_sources(method="get").meta.total == 1
    assert bw.update_external_source(source.id, ttl=30).ttl == 30
    bw.delete_external_source(source.id)
    with pytest.raises(ApiNotFound):
        bw.get_external_source(source.id)


def test_a_brickworks_error_body_keeps_its_code_and_field(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        status_code=409,
        json={
            "errorCode": "BKW-029",
            "httpStatus": 409,
            "message": "Record was modified in the meantime",
            "errors": [],
            "field": "lastUpdatedAt",
        },
    )
    with BrickworksClient(build_http(OFFLINE, retries=0)) as api, pytest.raises(ApiConflict) as caught:
        api.request("PUT", "/schemas/s/records/r")
    assert caught.value.code == "BKW-029"
    assert caught.value.message == "Record was modified in the meantime"
    assert caught.value.field_errors == {"lastUpdatedAt": ["Record was modified in the meantime"]}


def test_brickworks_field_errors_are_gathered(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        status_code=400,
        json={
            "errorCode": "BKW-002",
            "httpStatus": 400,
            "message": "Validation failed",
            "errors": [
                {"field": "slug", "message": "too short"},
                {"field": "slug", "message": "bad characters"},
            ],
        },
    )
    with BrickworksClient(build_http(OFFLINE, retries=0)) as api, pytest.raises(ApiValidationError) as caught:
        api.request("POST", "/schemas/s/records")
    assert caught.value.field_errors == {"slug": ["too short", "bad characters"]}
