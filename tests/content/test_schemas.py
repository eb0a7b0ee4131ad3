"""Schema screens: detail, the field builder (create, edit, reorder, remove), typed delete."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.forms.schemas import FieldRows
from apps.core.http import ApiNotFound
from apps.core.models import AuditEntry


def rows(*fields: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"fields-TOTAL_FORMS": str(len(fields)), "fields-INITIAL_FORMS": "0"}
    for index, field in enumerate(fields):
        data.update({f"fields-{index}-{key}": value for key, value in field.items()})
    return data


def page_rows(page: str) -> dict[str, Any]:
    """The builder's inputs as the browser would post them (text, hidden, ticked boxes, selects)."""
    data: dict[str, Any] = {}
    for name, value in re.findall(
        r'<input type="(?:text|hidden|number)" name="(fields-[^"]+)" value="([^"]*)"', page
    ):
        data[name] = value.replace("&quot;", '"').replace("&amp;", "&")
    for name in re.findall(r'<input type="checkbox" name="(fields-[^"]+)"[^>]* checked', page):
        data[name] = "on"
    for name, body in re.findall(r'<select name="(fields-[^"]+)"[^>]*>(.*?)</select>', page, re.S):
        data[name] = re.search(r'<option value="([^"]*)" selected', body).group(1)
    for name, body in re.findall(r'<textarea name="(fields-[^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = body.strip()
    return data


def test_create_a_schema_with_the_builder(admin_client: Client, bw: BrickworksClient) -> None:
    url = reverse("content:schema_new")
    assert admin_client.get(url).status_code == 200
    form = {"app_id": "promos", "display_name": "Promos", "description": "Site promos", "versioned": "1"}
    fields = rows(
        {
            "name": "title",
            "label": "Title",
            "type": "text",
            "required": "on",
            "use_as_name": "on",
            "ORDER": "1",
            "maximum": "60",
        },
        {
            "name": "kind",
            "label": "Kind",
            "type": "select",
            "options": "sale | Sale\nnews",
            "default": "news",
            "ORDER": "3",
            "searchable": "on",
        },
        {
            "name": "weight",
            "label": "Weight",
            "type": "number",
            "integer": "on",
            "minimum": "0",
            "maximum": "9",
            "ORDER": "2",
        },
    )
    added = admin_client.post(url, {**form, **fields, "add": "1"})
    assert added.status_code == 200 and 'name="fields-3-name"' in added.content.decode()
    response = admin_client.post(url, {**form, **fields})
    assert response["Location"] == reverse("content:schema", args=["promos"])
    schema = bw.get_schema("promos")
    assert list(schema.fields) == ["title", "weight", "kind"] and not schema.is_simple
    assert schema.fields["title"] == {
        "type": "text",
        "label": "Title",
        "required": True,
        "useAsRecordName": True,
        "maxLength": 60,
    }
    assert schema.fields["kind"]["options"] == [
        {"value": "sale", "label": "Sale"},
        {"value": "news", "label": "news"},
    ]
    assert schema.fields["weight"] == {
        "type": "number",
        "label": "Weight",
        "integer": True,
        "min": 0,
        "max": 9,
    }
    assert AuditEntry.objects.filter(action="schema.create", outcome="ok").exists()
    detail = admin_client.get(response["Location"]).content.decode()
    assert "record name" in detail and "Sale, news" in detail


def test_our_and_the_remote_errors_show_on_the_rows(admin_client: Client, bw: BrickworksClient) -> None:
    url = reverse("content:schema_new")
    form = {"app_id": "promos", "display_name": "Promos", "versioned": "1"}
    page = admin_client.post(
        url, {**form, **rows({"name": "kind", "type": "select", "ORDER": "1"})}
    ).content.decode()
    assert "A choice needs options" in page
    page = admin_client.post(
        url, {**form, **rows({"name": "a", "type": "text"}, {"name": "a", "type": "number"})}
    ).content.decode()
    assert "Two fields have the same name: a." in page
    # The remote refuses a searchable JSON field: the error lands on that row.
    response = admin_client.post(url, {**form, **rows({"name": "blob", "type": "json", "searchable": "on"})})
    assert response.status_code == 400 and "searchable:" in response.content.decode()
    response = admin_client.post(
        url, {**form, "app_id": "home-banners", **rows({"name": "x", "type": "text"})}
    )
    assert response.status_code == 400 and "exists" in response.content.decode()
    with pytest.raises(ApiNotFound):
        bw.get_schema("promos")


def test_edit_reorders_removes_and_keeps_what_the_builder_does_not_show(
    admin_client: Client, bw: BrickworksClient
) -> None:
    url = reverse("content:schema_edit", args=["home-banners"])
    page = admin_client.get(url).content.decode()
    data = {"display_name": "Homepage banners", "description": "", **page_rows(page)}
    names = {v: k.split("-")[1] for k, v in data.items() if k.endswith("-name")}
    data[f"fields-{names['priority']}-ORDER"] = "0"  # first
    data[f"fields-{names['body']}-DELETE"] = "on"
    data[f"fields-{names['headline']}-maximum"] = "100"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    schema = bw.get_schema("home-banners")
    assert schema.display_name == "Homepage banners" and list(schema.fields)[0] == "priority"
    assert "body" not in schema.fields and schema.version == 2
    assert schema.fields["headline"]["maxLength"] == 100 and schema.fields["headline"]["useAsRecordName"]
    assert schema.fields["tone"]["default"] == "calm" and len(schema.fields["tone"]["options"]) == 2
    assert AuditEntry.objects.get(action="schema.update").detail == {"removed": ["body"]}


def test_delete_needs_the_typed_name_and_says_what_happens_to_the_records(
    admin_client: Client, bw: BrickworksClient
) -> None:
    url = reverse("content:schema_delete", args=["home-banners"])
    page = admin_client.get(url).content.decode()
    assert "<strong>3 records</strong>" in page and "1 of them is live" in page
    wrong = admin_client.post(url, {"confirm": "home"})
    assert wrong.status_code == 400 and "Type home-banners exactly" in wrong.content.decode()
    assert bw.get_schema("home-banners")
    assert admin_client.post(url, {"confirm": "home-banners"})["Location"] == reverse("content:schemas")
    with pytest.raises(ApiNotFound):
        bw.get_schema("home-banners")
    assert AuditEntry.objects.get(action="schema.delete").detail == {"records": 3}


@pytest.mark.parametrize("role", ["viewer", "editor", "publisher"])
def test_only_admins_manage_schemas(
    request: pytest.FixtureRequest, demo: dict[str, Connection], bw: BrickworksClient, role: str
) -> None:
    client = request.getfixturevalue(f"{role}_client")
    assert client.get(reverse("content:schema", args=["home-banners"])).status_code == 200
    for name, args in (
        ("content:schema_new", []),
        ("content:schema_edit", ["home-banners"]),
        ("content:schema_delete", ["home-banners"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403
        assert client.post(reverse(name, args=args), {"confirm": "home-banners"}).status_code == 403
    assert bw.get_schema("home-banners").version == 1


def test_add_a_field_gives_a_fresh_row_without_errors_which_may_be_left_empty(
    admin_client: Client, bw: BrickworksClient
) -> None:
    url = reverse("content:schema_new")
    form = {"app_id": "promos", "display_name": "Promos", "versioned": "1"}
    shown = page_rows(admin_client.get(url).content.decode())
    added = admin_client.post(url, {**form, **shown, "add": "1"})
    page = added.content.decode()
    assert 'name="fields-1-name"' in page
    assert "This field is required" not in page
    response = admin_client.post(url, {**form, **page_rows(page)})
    assert response.status_code == 302
    assert list(bw.get_schema("promos").fields) == ["title"]


def test_two_fields_with_the_same_name_are_named() -> None:
    data = {"fields-TOTAL_FORMS": "2", "fields-INITIAL_FORMS": "0"}
    for index in range(2):
        data.update({f"fields-{index}-name": "title", f"fields-{index}-type": "text"})
    rows = FieldRows(data, prefix="fields")
    assert not rows.is_valid()
    assert rows.non_form_errors() == ["Two fields have the same name: title."]


def test_a_huge_field_count_builds_no_more_rows_than_allowed_and_is_refused() -> None:
    rows = FieldRows({"fields-TOTAL_FORMS": "100000", "fields-INITIAL_FORMS": "0"}, prefix="fields")
    assert len(rows.forms) <= 200
    assert not rows.is_valid()
    assert any("at most" in error for error in rows.non_form_errors())
