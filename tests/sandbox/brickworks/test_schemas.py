"""Brickworks schemas and external sources on the sandbox (spec §2.1, §2.7)."""

from __future__ import annotations

import pytest

from apps.sandbox import tokens
from tests.sandbox.brickworks.conftest import ARTICLE_FIELDS, Api, assert_error


def test_requests_need_a_valid_token(api: Api) -> None:
    api.token = ""
    status, body = api.get("/schemas")
    assert status == 401 and body["message"] == "Unauthorized"
    api.token = tokens.issue(workspace=api.workspace, user=None, ttl=-5)
    status, body = api.get("/schemas")
    assert status == 401 and body["message"] == "Token expired"


def test_a_schema_is_created_and_read_by_id_or_app_id(api: Api) -> None:
    created = api.schema("articles")
    assert created["schemaType"] == "VERSIONED"
    assert list(created["fields"]) == list(ARTICLE_FIELDS)  # the order of the fields is kept
    assert api.ok("GET", f"/schemas/{created['id']}") == created
    assert api.ok("GET", "/schemas/articles")["id"] == created["id"]
    assert api.schema("offers", simple=True)["schemaType"] == "SIMPLE"


def test_app_ids_are_unique_and_not_uuids(api: Api) -> None:
    api.schema("articles")
    assert_error(api.post("/schemas", {"appId": "articles", "displayName": "Again"}), 409, "BKW-011")
    body = assert_error(
        api.post("/schemas", {"appId": "497f6eca-6276-4993-bfeb-53cbbbba6f08", "displayName": "x"}),
        400,
        "BKW-001",
    )
    assert body["field"] == "appId"


def test_bad_field_definitions_are_refused_with_their_path(api: Api) -> None:
    body = assert_error(
        api.post("/schemas", {"appId": "bad", "displayName": "Bad", "fields": {"title": {"type": "colour"}}}),
        400,
        "BKW-001",
    )
    assert body["errors"][0]["field"].startswith("fields.title")


def test_a_missing_display_name_is_a_validation_error(api: Api) -> None:
    body = assert_error(api.post("/schemas", {"appId": "x-schema"}), 400, "BKW-001")
    assert body["errors"][0]["field"] == "displayName"


def test_an_unknown_schema_is_not_found(api: Api) -> None:
    assert_error(api.get("/schemas/nothing-here"), 404, "BKW-010")
    assert_error(api.get("/schemas/497f6eca-6276-4993-bfeb-53cbbbba6f08"), 404, "BKW-010")


def test_schemas_of_another_workspace_are_invisible(api: Api) -> None:
    from apps.sandbox.models import Workspace

    api.schema("articles")
    other = Api(Workspace.objects.create(name="Other"))
    assert_error(other.get("/schemas/articles"), 404, "BKW-010")
    assert other.ok("GET", "/schemas")["data"] == []


def test_the_list_pages_searches_and_filters_by_type(api: Api) -> None:
    for app_id in ("alpha", "beta", "gamma"):
        api.schema(app_id, simple=app_id == "beta")
    page = api.ok("GET", "/schemas", limit=2, page=2, sortBy="appId:asc")
    assert [s["appId"] for s in page["data"]] == ["gamma"]
    assert page["meta"] == {"page": 2, "limit": 2, "total": 3, "pages": 2}
    assert [s["appId"] for s in api.ok("GET", "/schemas", search="ET")["data"]] == ["beta"]
    assert [s["appId"] for s in api.ok("GET", "/schemas", schemaTypes="SIMPLE")["data"]] == ["beta"]
    # Default order: the most recently updated first.
    assert [s["appId"] for s in api.ok("GET", "/schemas")["data"]] == ["gamma", "beta", "alpha"]


@pytest.mark.parametrize(
    "params", [{"sortBy": "colour:asc"}, {"sortBy": "name:up"}, {"schemaTypes": "FANCY"}]
)
def test_bad_list_parameters_answer_400(api: Api, params: dict) -> None:
    assert_error(api.get("/schemas", **params), 400, "BKW-003")


def test_an_update_keeps_what_it_omits_and_counts_field_changes(api: Api) -> None:
    created = api.schema("articles")
    updated = api.ok("PUT", f"/schemas/{created['id']}", {"displayName": "News"})
    assert updated["displayName"] == "News"
    assert updated["fields"] == created["fields"]
    assert updated["version"] == created["version"]
    fields = {**ARTICLE_FIELDS, "summary": {"type": "longtext"}}
    assert api.ok("PUT", f"/schemas/{created['id']}", {"displayName": "News", "fields": fields})[
        "version"
    ] == (created["version"] + 1)
    assert_error(
        api.put(f"/schemas/{created['id']}", {"displayName": "x", "appId": "renamed"}), 400, "BKW-001"
    )


def test_deleting_a_schema_deletes_its_records(api: Api) -> None:
    schema = api.schema("articles")
    record = api.record(values={"title": "Gone soon"})
    assert api.delete(f"/schemas/{schema['id']}") == (204, None)
    assert_error(api.get(f"/schemas/{schema['id']}"), 404, "BKW-010")
    from apps.sandbox.models import Record

    assert not Record.objects.filter(id=record["id"]).exists()


SOURCE = {
    "name": "Weather",
    "properties": {"url": "https://weather.example.test/today", "method": "get"},
    "ttl": 60,
}


def test_external_sources_are_managed(api: Api) -> None:
    created = api.ok("POST", "/external-sources", SOURCE)
    assert created["name"] == "Weather" and created["ttl"] == 60
    assert api.ok("GET", f"/external-sources/{created['id']}") == created
    post = api.ok(
        "POST",
        "/external-sources",
        {"name": "Scores", "properties": {"url": "https://x.test/", "method": "post"}},
    )
    assert [s["name"] for s in api.ok("GET", "/external-sources", method="post")["data"]] == ["Scores"]
    assert [s["name"] for s in api.ok("GET", "/external-sources", sortBy="name:asc")["data"]] == [
        "Scores",
        "Weather",
    ]
    updated = api.ok("PUT", f"/external-sources/{post['id']}", {"description": "Live scores"})
    assert (updated["name"], updated["description"]) == ("Scores", "Live scores")
    assert api.delete(f"/external-sources/{post['id']}") == (204, None)
    assert_error(api.get(f"/external-sources/{post['id']}"), 404, "BKW-030")


@pytest.mark.parametrize(
    "properties",
    [
        {"url": "ftp://x.test/"},
        {"url": "https://x.test/", "method": "put"},
        {"url": "https://x.test", "verb": "get"},
    ],
)
def test_external_source_properties_are_checked(api: Api, properties: dict) -> None:
    assert_error(api.post("/external-sources", {"name": "Bad", "properties": properties}), 400, "BKW-001")


def test_the_openapi_document_lists_every_operation(api: Api) -> None:
    document = api.client.get("/sandbox/synerise/brickworks/v1/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert operations >= 25
    assert "/sandbox/synerise/brickworks/v1/schemas/{key}/records/{record_key}/versions" in document["paths"]
