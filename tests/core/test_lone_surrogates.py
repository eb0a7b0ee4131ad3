"""A lone surrogate (half of a UTF-16 pair, which UTF-8 cannot carry) in any form field is a field error
at the form, never a 500 when the value is sent on (issue 18, defect 4)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.forms.items import field_name
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.fields import JSONField
from apps.core.json import load_json
from apps.sandbox.brickworks.models import ContentSchema, ExternalSource, Record
from apps.sandbox.brickworks.seed import create_schema
from apps.sandbox.models import Flow, Suggestion, Workspace

# The JSON text a browser sends when a person types or pastes the escape into a JSON box.
LONE = ['"\\ud800"', '{"a": "\\udfff"}', '{"\\ud800": 1}', '["ok", {"deep": ["x\\udbffy"]}]']
# What a hostile client can send as the raw form value: the UTF-8-like bytes of U+D800 (WTF-8).
RAW = "%ED%A0%80"


@pytest.mark.parametrize("text", LONE)
def test_the_strict_json_reader_refuses_a_lone_surrogate_as_bad_json(text: str) -> None:
    with pytest.raises(json.JSONDecodeError, match="half of a character"):
        load_json(text)
    with pytest.raises(forms.ValidationError):
        JSONField().clean(text)


def test_a_surrogate_pair_is_one_character_and_is_taken() -> None:
    assert load_json('{"smile": "\\ud83d\\ude00"}') == {"smile": "\U0001f600"}


def test_a_lone_surrogate_character_in_the_text_itself_is_refused() -> None:
    with pytest.raises(json.JSONDecodeError):
        load_json('"a\ud800b"')


def flow_form(**fields: str) -> dict[str, Any]:
    """A new flow as the browser posts it, each list with its one empty row."""
    data: dict[str, Any] = {"id": "lone", "title": "Lone", "type": "automation"}
    for prefix in ("tags", "triggers", "actions", "conditions"):
        data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {"triggers-0-type": "onEvent", "triggers-0-resource": "entity"}
    data |= {"actions-0-type": "upsertResource"}
    data |= {"conditions-0-owner": "trigger-0", "conditions-0-operator": "eq"}
    return data | fields


SUGGESTION = {"title": "Lone", "origin_id": "welcome-series", "source_id": "p-1", "target_id": "p-1"}
SOURCE = {"name": "Lone", "url": "https://lone.example.test/", "method": "post"}
JSON_FIELDS = [
    ("/content/sources/new/", SOURCE, "body"),
    ("/workflows/suggestions/new/", SUGGESTION, "data"),
    ("/workflows/suggestions/new/", SUGGESTION, "source_context"),
    ("/workflows/suggestions/new/", SUGGESTION, "target_context"),
    ("/workflows/flows/new/", flow_form(), "arguments"),
    ("/workflows/flows/new/", flow_form(), "outputs"),
    ("/workflows/flows/new/", flow_form(), "secrets"),
]


def nothing_made() -> bool:
    return not (
        ExternalSource.objects.filter(name="Lone").exists()
        or Suggestion.objects.filter(title="Lone").exists()
        or Flow.objects.filter(id="lone").exists()
    )


@pytest.mark.parametrize(("url", "data", "field"), JSON_FIELDS, ids=[f"{u}{f}" for u, _, f in JSON_FIELDS])
@pytest.mark.parametrize("text", LONE[1:2] + LONE[3:])
def test_every_json_field_of_every_form_answers_a_lone_surrogate_with_a_field_error(
    admin_client: Client, demo: dict[str, Connection], url: str, data: dict[str, Any], field: str, text: str
) -> None:
    response = admin_client.post(url, {**data, field: text})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "half of a character" in response.content.decode()
    assert nothing_made()


@pytest.fixture
def books(demo: dict[str, Connection]) -> Iterator[tuple[CatalogsClient, int]]:
    with CatalogsClient(connections.http_for(demo["synerise"])) as catalogs:
        yield catalogs, catalogs.create_catalog("lone-books").data.id


@pytest.mark.parametrize("text", LONE)
def test_a_catalog_item_property_answers_a_lone_surrogate_with_a_field_error(
    admin_client: Client, books: tuple[CatalogsClient, int], text: str
) -> None:
    catalogs, catalog_id = books
    catalogs.add_item(catalog_id, item_key="k", value={"pages": 3})
    item = catalogs.get_item_by_key(catalog_id, "k").data
    url = reverse("catalogs:item_edit", args=[catalog_id, item.id])
    response = admin_client.post(url, {field_name("pages"): text})
    assert response.status_code == 400 and "Enter a JSON value" in response.content.decode()
    assert catalogs.get_item(catalog_id, item.id).data.properties == {"pages": 3}


@pytest.mark.parametrize("text", LONE)
def test_a_json_field_of_the_record_editor_answers_a_lone_surrogate_with_a_field_error(
    admin_client: Client, demo: dict[str, Connection], text: str
) -> None:
    workspace = Workspace.objects.get(name="Demo workspace")
    fields = {"title": {"type": "text", "useAsRecordName": True}, "extra": {"type": "json"}}
    create_schema(workspace, "lone-json", "Lone JSON", fields, simple=True)
    url = reverse("content:record_new", args=["lone-json"])
    response = admin_client.post(url, {"values-title": "Lone", "values-extra": text, "action": "save"})
    assert response.status_code == 400 and "half of a character" in response.content.decode()
    assert not Record.objects.filter(schema__app_id="lone-json").exists()


@pytest.mark.parametrize("text", LONE)
def test_the_default_of_a_json_field_in_the_schema_builder_answers_a_lone_surrogate_with_a_field_error(
    admin_client: Client, demo: dict[str, Connection], text: str
) -> None:
    data = {"app_id": "lone", "display_name": "Lone", "fields-TOTAL_FORMS": "1", "fields-INITIAL_FORMS": "0"}
    data |= {
        "fields-0-ORDER": "1",
        "fields-0-name": "extra",
        "fields-0-type": "json",
        "fields-0-default": text,
    }
    response = admin_client.post(reverse("content:schema_new"), data)
    assert response.status_code in (200, 400) and "half of a character" in response.content.decode()
    assert not ContentSchema.objects.filter(app_id="lone").exists()


@pytest.mark.parametrize(("url", "data", "field"), JSON_FIELDS[:2] + JSON_FIELDS[4:5])
def test_a_lone_surrogate_sent_raw_in_any_text_field_is_read_as_a_replacement_character(
    admin_client: Client, demo: dict[str, Connection], url: str, data: dict[str, Any], field: str
) -> None:
    """Django reads a form body's bytes that are no UTF-8 as U+FFFD, so a raw one never reaches a remote."""
    for name in [*data, field]:
        body = urlencode({**data, name: "MARK"}).replace("MARK", RAW)
        response = admin_client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in (200, 302, 400), (name, response.status_code)


def test_a_lone_surrogate_sent_raw_in_a_query_is_read_as_a_replacement_character(
    admin_client: Client, demo: dict[str, Connection]
) -> None:
    for url in ("/content/records/home-banners/", "/workflows/flows/", "/workflows/", "/catalogs/"):
        response = admin_client.get(f"{url}?q={RAW}&search={RAW}&page={RAW}&tag={RAW}")
        assert response.status_code in (200, 400), url
