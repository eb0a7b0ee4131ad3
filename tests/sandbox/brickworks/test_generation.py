"""Brickworks preview and generation on the sandbox: defaults, drift, inserts, relations (spec §2.4, §2.5)."""

from __future__ import annotations

import httpx
import pytest
from pytest_httpx import HTTPXMock

from apps.sandbox.models import Profile
from tests.sandbox.brickworks.conftest import ARTICLE_FIELDS, Api, assert_error

FIELDS = {
    **ARTICLE_FIELDS,
    "greeting": {"type": "text", "default": "Hi {{ customer.firstName }}!"},
    "banner": {
        "type": "object",
        "properties": {
            "text": {"type": "text", "default": "Sale"},
            "tone": {"type": "text", "default": "calm"},
        },
    },
}


@pytest.fixture
def ann(api: Api) -> Profile:
    return Profile.objects.create(
        workspace=api.workspace, email="ann@example.test", custom_id="c-1", attributes={"firstName": "Ann"}
    )


@pytest.fixture
def live(api: Api) -> dict:
    api.schema("articles", fields=FIELDS)
    return api.record(
        values={"title": "For {{ customer.firstName }}", "banner": {"text": "Winter"}},
        status="PUBLISHED",
        slug="for-you",
    )


def test_generation_applies_inserts_and_defaults_in_order(api: Api, ann: Profile, live: dict) -> None:
    out = api.ok(
        "POST", "/schemas/articles/records/for-you/generate/by/email", {"identifierValue": "ann@example.test"}
    )
    assert out["title"] == "For Ann"
    assert out["greeting"] == "Hi Ann!"  # a default, rendered too
    assert out["color"] == "blue"  # the schema's default, not stored in the record
    assert out["banner"] == {"text": "Winter", "tone": "calm"}  # nested default fills the missing key
    assert "body" not in out and "price" not in out  # no value and no default: ignored
    assert (out["__id"], out["__slug"], out["__recordVersion"]) == (live["id"], "for-you", 1)
    with_context = api.ok(
        "POST",
        f"/schemas/articles/records/{live['id']}/generate/by/id",
        {"identifierValue": str(ann.pk), "fieldContext": {"color": "red"}},
    )
    assert with_context["color"] == "red"  # fieldContext comes first


@pytest.mark.parametrize(("kind", "value"), [("uuid", None), ("custom_identify", "c-1")])
def test_profiles_are_found_by_each_identifier(
    api: Api, ann: Profile, live: dict, kind: str, value: str | None
) -> None:
    out = api.ok(
        "POST",
        f"/schemas/articles/records/for-you/generate/by/{kind}",
        {"identifierValue": value or str(ann.uuid)},
    )
    assert out["title"] == "For Ann"


def test_an_unknown_profile_is_not_found(api: Api, live: dict) -> None:
    body = {"identifierValue": "nobody@example.test"}
    assert_error(api.post("/schemas/articles/records/for-you/generate/by/email", body), 404, "BKW-027")


def test_generation_as_any_consumer_has_no_profile(api: Api, live: dict) -> None:
    out = api.ok("POST", "/schemas/articles/records/for-you/generate", {})
    assert out["title"] == "For "


def test_generation_uses_the_published_version(api: Api, ann: Profile, live: dict) -> None:
    api.ok(
        "PUT",
        f"/schemas/articles/records/{live['id']}",
        {"status": "DRAFT", "values": {"title": "Unfinished"}},
    )
    assert api.ok("POST", "/schemas/articles/records/for-you/generate", {})["title"] == "For "
    draft_only = api.record(values={"title": "Draft"})
    assert_error(api.post(f"/schemas/articles/records/{draft_only['id']}/generate", {}), 404, "BKW-040")


def test_schema_drift_ignores_deleted_fields_and_defaults_new_ones(api: Api, live: dict) -> None:
    schema = api.ok("GET", "/schemas/articles")
    fields = {k: v for k, v in FIELDS.items() if k != "banner"}
    fields["badge"] = {"type": "text", "default": "New"}
    fields["note"] = {"type": "text"}
    api.ok("PUT", f"/schemas/{schema['id']}", {"displayName": "Articles", "fields": fields})
    out = api.ok("POST", "/schemas/articles/records/for-you/generate", {})
    assert "banner" not in out
    assert out["badge"] == "New"
    assert "note" not in out


def test_preview_uses_the_sent_values_only(api: Api, ann: Profile, live: dict) -> None:
    body = {"identifierValue": "ann@example.test", "values": {"title": "Draft for {{ customer.firstName }}"}}
    out = api.ok("POST", "/schemas/articles/records/for-you/preview/by/email", body)
    assert out["title"] == "Draft for Ann"
    assert out["banner"] == {"text": "Sale", "tone": "calm"}  # the stored banner is not used
    assert api.ok("POST", "/schemas/articles/records/for-you/preview", {"values": {}})["color"] == "blue"


def test_inserts_cannot_reach_outside_their_context(api: Api, live: dict) -> None:
    body = {"values": {"title": "{{ customer.__class__.__mro__ }}"}}
    status, out = api.post("/schemas/articles/records/for-you/preview", body)
    assert "<class" not in str(out)


def test_relations_are_generated_one_level_deep(api: Api, live: dict) -> None:
    api.schema(
        "pages", fields={"heading": {"type": "text"}, "article": {"type": "relation", "schema": "articles"}}
    )
    page = api.record("pages", values={"heading": "Home", "article": live["id"]}, status="PUBLISHED")
    out = api.ok("POST", f"/schemas/pages/records/{page['id']}/generate", {})
    assert out["article"]["__id"] == live["id"]
    assert out["article"]["color"] == "blue"
    body = assert_error(
        api.post(
            "/schemas/pages/records",
            {"status": "DRAFT", "values": {"article": "497f6eca-6276-4993-bfeb-53cbbbba6f08"}},
        ),
        400,
        "BKW-001",
    )
    assert body["field"] == "values.article"


def test_external_source_fields_fetch_and_cache(api: Api, httpx_mock: HTTPXMock) -> None:
    source = api.ok(
        "POST",
        "/external-sources",
        {
            "name": "Weather",
            "properties": {"url": "https://weather.example.test/today", "method": "get"},
            "ttl": 60,
        },
    )
    api.schema("forecast", fields={"weather": {"type": "external", "source": source["id"]}})
    record = api.record("forecast", values={"weather": {"city": "Krakow"}}, status="PUBLISHED")
    httpx_mock.add_response(url="https://weather.example.test/today?city=Krakow", json={"sky": "clear"})
    for _ in range(2):  # the second answer comes from the cache
        out = api.ok("POST", f"/schemas/forecast/records/{record['id']}/generate", {})
        assert out["weather"] == {"sky": "clear"}
    assert len(httpx_mock.get_requests()) == 1


def test_a_failing_external_source_is_reported(api: Api, httpx_mock: HTTPXMock) -> None:
    source = api.ok(
        "POST", "/external-sources", {"name": "Down", "properties": {"url": "https://down.example.test/"}}
    )
    api.schema("forecast", fields={"weather": {"type": "external", "source": source["id"]}})
    record = api.record("forecast", values={}, status="PUBLISHED")
    httpx_mock.add_exception(httpx.ConnectError("refused"))
    body = assert_error(api.post(f"/schemas/forecast/records/{record['id']}/generate", {}), 400, "BKW-028")
    assert "refused" in body["message"]
