"""Brickworks records on the sandbox: validation, slugs, lists, statuses and versions (spec §2.2, §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.sandbox.brickworks import records
from apps.sandbox.brickworks.models import now_ms
from tests.sandbox.brickworks.conftest import Api, assert_error


@pytest.fixture
def articles(api: Api) -> dict:
    return api.schema("articles")


def test_a_record_is_added_and_read_back(api: Api, articles: dict) -> None:
    created = api.record(values={"title": "Hello", "price": 3}, slug="hello-world")
    assert created["status"] == "DRAFT"
    assert created["recordVersion"] == 1
    assert created["schemaId"] == articles["id"]
    assert created["values"] == {"title": "Hello", "price": 3}  # the default colour is not stored
    assert created["name"] == "Hello"  # the useAsRecordName field
    assert api.ok("GET", f"/schemas/articles/records/{created['id']}") == created
    assert api.ok("GET", "/schemas/articles/records/hello-world")["id"] == created["id"]
    assert api.ok("GET", f"/schemas/{articles['id']}/records/{created['id']}", fields="price")["values"] == {
        "price": 3
    }


def test_a_record_without_a_name_is_unnamed(api: Api) -> None:
    api.schema("notes", fields={"text": {"type": "longtext"}})
    assert api.record("notes", values={"text": "x"})["name"] == "Unnamed"
    assert api.record("notes", values={}, name="Kept")["name"] == "Kept"


def test_values_are_validated_against_the_schema(api: Api, articles: dict) -> None:
    body = assert_error(
        api.post("/schemas/articles/records", {"status": "DRAFT", "values": {"title": "x" * 81}}),
        400,
        "BKW-001",
    )
    assert body["field"] == "values.title"
    body = assert_error(
        api.post("/schemas/articles/records", {"status": "DRAFT", "values": {"title": "x", "colour": "red"}}),
        400,
        "BKW-001",
    )
    assert body["errors"][0]["field"] == "values.colour"


def test_required_fields_are_needed_to_publish_not_to_draft(api: Api, articles: dict) -> None:
    assert api.record(values={"price": 1})["status"] == "DRAFT"
    body = assert_error(
        api.post("/schemas/articles/records", {"status": "PUBLISHED", "values": {}}), 400, "BKW-001"
    )
    assert body["field"] == "values.title"


@pytest.mark.parametrize(
    "slug",
    [
        "short",
        "x" * 41,
        "__hidden",
        "has space",
        "497f6eca-6276-4993-bfeb-53cbbbba6f08",
        "ünïcode-ok-but-dots.",
    ],
)
def test_bad_slugs_are_refused(api: Api, articles: dict, slug: str) -> None:
    body = assert_error(
        api.post("/schemas/articles/records", {"status": "DRAFT", "values": {}, "slug": slug}), 400, "BKW-001"
    )
    assert body["field"] == "slug"


def test_a_slug_is_unique_within_its_schema(api: Api, articles: dict) -> None:
    api.record(slug="summer-sale")
    assert_error(
        api.post("/schemas/articles/records", {"status": "DRAFT", "values": {}, "slug": "summer-sale"}),
        409,
        "BKW-021",
    )
    api.schema("pages")
    assert api.record("pages", slug="summer-sale")["slug"] == "summer-sale"


def test_the_list_envelope_and_default_order(api: Api, articles: dict) -> None:
    draft = api.record(values={"title": "Draft"})
    published = api.record(values={"title": "Live"}, status="PUBLISHED")
    unpublished = api.record(values={"title": "Old"}, status="UNPUBLISHED")
    future = (now_ms() + timedelta(days=1)).isoformat()
    scheduled = api.record(
        values={"title": "Soon"}, status="SCHEDULED", actionOnSchedule="PUBLISH", schedule={"startAt": future}
    )
    listed = api.ok("GET", "/schemas/articles/records")
    assert listed["meta"]["total"] == 4
    # Published > scheduled > draft > unpublished.
    assert [r["id"] for r in listed["data"]] == [
        published["id"],
        scheduled["id"],
        draft["id"],
        unpublished["id"],
    ]
    assert [r["id"] for r in api.ok("GET", "/schemas/articles/records", sortBy="title:asc")["data"]] == [
        draft["id"],
        published["id"],
        unpublished["id"],
        scheduled["id"],
    ]
    only = api.ok("GET", "/schemas/articles/records", statuses="DRAFT,UNPUBLISHED")["data"]
    assert {r["id"] for r in only} == {draft["id"], unpublished["id"]}
    by_id = api.ok("GET", "/schemas/articles/records", ids=f"{draft['id']},{published['id']}")["data"]
    assert {r["id"] for r in by_id} == {draft["id"], published["id"]}


def test_lists_follow_each_record_through_its_versions(api: Api, articles: dict) -> None:
    """The list shows one row per record: the live version first, else the latest; a status filter
    picks among the current versions (the flags records.refresh_heads keeps)."""

    def listed(**params: str) -> list[tuple[int, str]]:
        data = api.ok("GET", "/schemas/articles/records", **params)["data"]
        return [(r["recordVersion"], r["status"]) for r in data]

    live = api.record(values={"title": "Live"}, status="PUBLISHED")
    path = f"/schemas/articles/records/{live['id']}"
    api.ok("PUT", path, {"status": "DRAFT", "values": {"title": "Next"}})
    assert listed() == [(1, "PUBLISHED")]
    assert listed(statuses="DRAFT") == [(2, "DRAFT")]
    assert listed(statuses="PUBLISHED,DRAFT") == [(1, "PUBLISHED")]
    api.ok("PUT", path, {"status": "PUBLISHED"})
    assert listed() == [(2, "PUBLISHED")] and listed(statuses="DRAFT") == []
    api.ok("PUT", path, {"status": "UNPUBLISHED"})
    assert listed() == [(2, "UNPUBLISHED")] and listed(statuses="PUBLISHED") == []
    past = (now_ms() - timedelta(minutes=1)).isoformat()
    api.ok("PUT", path, {"status": "DRAFT"})
    api.ok("PUT", path, {"status": "SCHEDULED", "actionOnSchedule": "PUBLISH", "schedule": {"startAt": past}})
    assert listed() == [(2, "PUBLISHED")]  # the schedule applied before the list
    copy = api.ok("POST", f"{path}/duplicate")
    assert sorted(listed(statuses="DRAFT")) == [(1, "DRAFT")] and copy["status"] == "DRAFT"


def test_search_looks_in_searchable_fields(api: Api, articles: dict) -> None:
    match = api.record(values={"title": "Winter Boots"})
    api.record(values={"title": "Summer", "body": "<p>winter</p>"})  # body is not searchable
    assert [r["id"] for r in api.ok("GET", "/schemas/articles/records", search="winter")["data"]] == [
        match["id"]
    ]


def test_rsql_filters_system_and_searchable_fields(api: Api, articles: dict) -> None:
    cheap = api.record(values={"title": "Cheap red", "price": 5, "color": "red"}, slug="cheap-red")
    dear = api.record(values={"title": "Dear blue", "price": 50, "color": "blue"}, status="PUBLISHED")
    api.record(values={"title": "Free", "price": 0})

    def ids(expression: str) -> set[str]:
        return {r["id"] for r in api.ok("GET", "/schemas/articles/records", filters=expression)["data"]}

    assert ids("price>4") == {cheap["id"], dear["id"]}
    assert ids("price=ge=5;color==red") == {cheap["id"]}
    assert ids("status==PUBLISHED,slug==cheap-red") == {cheap["id"], dear["id"]}
    assert ids("title=like=*BLUE*") == {dear["id"]}
    assert ids(f"id=in=({cheap['id']},{dear['id']});values.price<10") == {cheap["id"]}


def test_a_malformed_filter_answers_400_with_the_position(api: Api, articles: dict) -> None:
    body = assert_error(api.get("/schemas/articles/records", filters="price>4;(color==red"), 400, "BKW-002")
    assert body["details"]["position"] == 19
    body = assert_error(api.get("/schemas/articles/records", filters="body==x"), 400, "BKW-002")
    assert body["details"]["position"] == 0  # body is not searchable, so not a selector


def test_a_published_record_is_not_edited_directly(api: Api, articles: dict) -> None:
    live = api.record(values={"title": "Live"}, status="PUBLISHED")
    body = assert_error(
        api.put(f"/schemas/articles/records/{live['id']}", {"values": {"title": "Edited"}}), 400, "BKW-023"
    )
    assert "DRAFT" in body["message"]


def test_a_draft_of_a_published_record_is_a_new_version(api: Api, articles: dict) -> None:
    live = api.record(values={"title": "Live"}, status="PUBLISHED")
    draft = api.ok(
        "PUT", f"/schemas/articles/records/{live['id']}", {"status": "DRAFT", "values": {"title": "Next"}}
    )
    assert (draft["status"], draft["recordVersion"], draft["values"]["title"]) == ("DRAFT", 2, "Next")
    # GET prefers the published version, untouched; `statuses` reaches the draft.
    again = api.ok("GET", f"/schemas/articles/records/{live['id']}")
    assert (again["recordVersion"], again["values"]["title"], again["status"]) == (1, "Live", "PUBLISHED")
    assert api.ok("GET", f"/schemas/articles/records/{live['id']}", statuses="DRAFT")["recordVersion"] == 2
    # Editing again edits the draft; publishing it retires version 1.
    api.ok("PUT", f"/schemas/articles/records/{live['id']}", {"values": {"title": "Next, better"}})
    published = api.ok("PUT", f"/schemas/articles/records/{live['id']}", {"status": "PUBLISHED"})
    assert (published["recordVersion"], published["values"]["title"]) == (2, "Next, better")
    versions = api.ok("GET", f"/schemas/articles/records/{live['id']}/versions")["data"]
    assert [(v["recordVersion"], v["status"]) for v in versions] == [(2, "PUBLISHED"), (1, "UNPUBLISHED")]
    assert versions[1]["values"]["title"] == "Live"


def test_a_second_draft_beside_a_newer_version_is_refused(api: Api, articles: dict) -> None:
    live = api.record(values={"title": "Live"}, status="PUBLISHED")
    api.ok("PUT", f"/schemas/articles/records/{live['id']}", {"status": "DRAFT"})
    assert_error(
        api.put(f"/schemas/articles/records/{live['id']}", {"status": "DRAFT", "fromState": "PUBLISHED"}),
        409,
        "BKW-022",
    )


def test_an_unpublished_record_goes_through_draft(api: Api, articles: dict) -> None:
    record = api.record(values={"title": "Old"}, status="UNPUBLISHED")
    assert_error(
        api.put(f"/schemas/articles/records/{record['id']}", {"status": "PUBLISHED"}), 400, "BKW-022"
    )
    api.ok("PUT", f"/schemas/articles/records/{record['id']}", {"status": "DRAFT"})
    assert (
        api.ok("PUT", f"/schemas/articles/records/{record['id']}", {"status": "PUBLISHED"})["status"]
        == "PUBLISHED"
    )


def test_no_data_edits_while_unpublishing(api: Api, articles: dict) -> None:
    live = api.record(values={"title": "Live"}, status="PUBLISHED")
    body = {"status": "UNPUBLISHED", "values": {"title": "Sneaky"}}
    assert_error(api.put(f"/schemas/articles/records/{live['id']}", body), 400, "BKW-024")
    gone = api.ok("PUT", f"/schemas/articles/records/{live['id']}", {"status": "UNPUBLISHED"})
    assert (gone["status"], gone["values"]["title"]) == ("UNPUBLISHED", "Live")


def test_a_stale_last_updated_at_answers_409(api: Api, articles: dict) -> None:
    draft = api.record(values={"title": "Mine"})
    fresh = api.ok(
        "PUT",
        f"/schemas/articles/records/{draft['id']}",
        {"values": {"title": "Theirs"}, "lastUpdatedAt": draft["updatedAt"]},
    )
    body = assert_error(
        api.put(
            f"/schemas/articles/records/{draft['id']}",
            {"values": {"title": "Mine"}, "lastUpdatedAt": draft["updatedAt"]},
        ),
        409,
        "BKW-029",
    )
    assert body["field"] == "lastUpdatedAt"
    assert api.ok("GET", f"/schemas/articles/records/{draft['id']}")["values"]["title"] == "Theirs"
    assert fresh["updatedAt"] != draft["updatedAt"]


def test_simple_schemas_have_no_drafts_or_versions(api: Api) -> None:
    api.schema("offers", simple=True)
    assert_error(
        api.post("/schemas/offers/records", {"status": "DRAFT", "values": {"title": "x"}}), 400, "BKW-022"
    )
    live = api.record("offers", status="PUBLISHED", values={"title": "Ten off"})
    updated = api.ok("PUT", f"/schemas/offers/records/{live['id']}", {"values": {"title": "Twenty off"}})
    assert (updated["recordVersion"], updated["values"]["title"], updated["status"]) == (
        1,
        "Twenty off",
        "PUBLISHED",
    )
    off = api.ok("PUT", f"/schemas/offers/records/{live['id']}", {"status": "UNPUBLISHED"})
    assert (
        api.ok("PUT", f"/schemas/offers/records/{off['id']}", {"status": "PUBLISHED"})["status"]
        == "PUBLISHED"
    )


def test_a_duplicate_is_a_named_draft_copy(api: Api, articles: dict) -> None:
    original = api.record(values={"title": "Spring"}, status="PUBLISHED", slug="spring-sale")
    copy = api.ok("POST", f"/schemas/articles/records/{original['id']}/duplicate")
    assert copy["id"] != original["id"]
    assert (copy["name"], copy["status"], copy["values"], copy["slug"]) == (
        "Spring - copy",
        "DRAFT",
        original["values"],
        "spring-sale-copy",
    )


def test_a_deleted_record_is_gone(api: Api, articles: dict) -> None:
    record = api.record()
    assert api.delete(f"/schemas/articles/records/{record['id']}") == (204, None)
    assert_error(api.get(f"/schemas/articles/records/{record['id']}"), 404, "BKW-020")
    assert_error(api.delete(f"/schemas/articles/records/{record['id']}"), 404, "BKW-020")


def test_scheduled_records_need_a_schedule(api: Api, articles: dict) -> None:
    body = {"status": "SCHEDULED", "values": {"title": "Soon"}}
    assert_error(api.post("/schemas/articles/records", body), 400, "BKW-001")
    body["schedule"] = {"startAt": "2030-01-01T10:00:00"}  # no time zone
    body["actionOnSchedule"] = "PUBLISH"
    assert_error(api.post("/schemas/articles/records", body), 400, "BKW-001")


def test_a_scheduled_record_is_published_when_its_window_opens(
    api: Api, articles: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = api.record(values={"title": "Now"}, status="PUBLISHED")
    start, end = now_ms() + timedelta(hours=1), now_ms() + timedelta(hours=2)
    api.ok(
        "PUT", f"/schemas/articles/records/{live['id']}", {"status": "DRAFT", "values": {"title": "Later"}}
    )
    scheduled = api.ok(
        "PUT",
        f"/schemas/articles/records/{live['id']}",
        {
            "status": "SCHEDULED",
            "actionOnSchedule": "PUBLISH",
            "schedule": {"startAt": start.isoformat(), "endAt": end.isoformat()},
        },
    )
    assert scheduled["status"] == "SCHEDULED"
    assert api.ok("GET", f"/schemas/articles/records/{live['id']}")["values"]["title"] == "Now"

    monkeypatch.setattr(records, "now_ms", lambda: start + timedelta(minutes=1))
    opened = api.ok("GET", f"/schemas/articles/records/{live['id']}")
    assert (opened["status"], opened["values"]["title"], opened["recordVersion"]) == ("PUBLISHED", "Later", 2)
    assert opened["publishedAt"] == records.iso(start)

    monkeypatch.setattr(records, "now_ms", lambda: end + timedelta(minutes=1))
    closed = api.ok("GET", f"/schemas/articles/records/{live['id']}")
    assert closed["status"] == "UNPUBLISHED"


def test_versions_are_read_by_id_and_by_number(api: Api, articles: dict) -> None:
    live = api.record(values={"title": "One"}, status="PUBLISHED", slug="the-record")
    api.ok("PUT", f"/schemas/articles/records/{live['id']}", {"status": "DRAFT", "values": {"title": "Two"}})
    path = f"/schemas/{articles['id']}/records/{live['id']}/versions"
    listed = api.ok("GET", path)
    assert [v["recordVersion"] for v in listed["data"]] == [2, 1]
    assert (
        api.ok("GET", f"/schemas/{articles['id']}/records/the-record/versions", statuses="DRAFT")["meta"][
            "total"
        ]
        == 1
    )
    first = listed["data"][1]
    assert api.ok("GET", f"{path}/{first['versionId']}") == first
    assert api.ok("GET", f"{path}/1") == first
    assert_error(api.get(f"{path}/7"), 404, "BKW-026")


def test_a_record_whose_slug_is_upsert_is_read_and_deleted_at_its_own_path(api: Api, articles: dict) -> None:
    created = api.record(slug="upsert")
    api.record(slug="another")
    assert api.ok("GET", "/schemas/articles/records/upsert")["id"] == created["id"]
    # Deletion is by id only: the slug answers as any other slug does (not 405, the upsert's own path).
    for slug in ("upsert", "another"):
        assert_error(api.delete(f"/schemas/articles/records/{slug}"), 404, "BKW-020")


def test_a_read_and_a_publish_each_cost_a_few_queries(api: Api, articles: dict) -> None:
    """The bulk jobs make these two calls for every record: each reads the schema (and whether a schedule
    is due) once, and a publish keeps the versions' flags in one UPDATE, whatever the record's history."""
    record = api.record(values={"title": "One"}, status="PUBLISHED")
    path = f"/schemas/articles/records/{record['id']}"
    api.ok("PUT", path, {"status": "DRAFT", "values": {"title": "Two"}})
    with CaptureQueriesContext(connection) as read:
        draft = api.ok("GET", path, statuses="DRAFT,SCHEDULED")
    with CaptureQueriesContext(connection) as publish:
        live = api.ok("PUT", path, {"status": "PUBLISHED", "lastUpdatedAt": draft["updatedAt"]})
    assert (draft["recordVersion"], live["status"], live["recordVersion"]) == (2, "PUBLISHED", 2)
    assert len(read) == 2  # the schema, the version with its record
    # The schema; the record, locked; the version; the old live one unpublished; the version saved; the
    # flags. Savepoints around them are not counted.
    writes = [q["sql"] for q in publish.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == 6, writes
