"""External sources: list, create, edit, delete (admins), with the fields that use one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.core.http import ApiNotFound
from apps.core.models import AuditEntry

FORM = {
    "name": "Weather",
    "description": "Today's weather",
    "url": "https://weather.example.test/today",
    "method": "post",
    "headers": "X-Api-Key: secret\nAccept: application/json",
    "body": '{"units": "metric"}',
    "ttl": "300",
}


def test_create_edit_and_list(admin_client: Client, bw: BrickworksClient) -> None:
    response = admin_client.post(reverse("content:source_new"), FORM)
    assert response["Location"] == reverse("content:sources")
    (source,) = bw.list_external_sources().data
    assert source.properties == {
        "url": "https://weather.example.test/today",
        "method": "post",
        "headers": {"X-Api-Key": "secret", "Accept": "application/json"},
        "body": {"units": "metric"},
    }
    assert source.ttl == 300
    page = admin_client.get(reverse("content:sources")).content.decode()
    assert "Weather" in page and "POST https://weather.example.test/today" in page and "secret" not in page

    edit = admin_client.get(reverse("content:source_edit", args=[source.id])).content.decode()
    # PostgreSQL's jsonb keeps object keys in its own order, so either order is the same headers.
    assert (
        "X-Api-Key: \nAccept: " in edit or "Accept: \nX-Api-Key: " in edit
    ) and "{&quot;units&quot;: &quot;metric&quot;}" in edit
    admin_client.post(
        reverse("content:source_edit", args=[source.id]), {**FORM, "method": "get", "ttl": "", "headers": ""}
    )
    changed = bw.get_external_source(source.id)
    assert changed.properties == {"url": "https://weather.example.test/today", "method": "get"}
    sources = AuditEntry.objects.filter(action__startswith="source.").order_by("pk")
    assert [e.action for e in sources] == ["source.create", "source.update"]


def test_our_checks(admin_client: Client, demo: dict[str, Connection]) -> None:
    page = admin_client.post(
        reverse("content:source_new"), {**FORM, "headers": "no colon here", "body": "[1]", "url": "ftp://x"}
    )
    text = page.content.decode()
    assert page.status_code == 400
    assert "Line 1: write it as Name: value." in text and "The body is a JSON object" in text


def test_delete_names_the_fields_that_use_it(admin_client: Client, bw: BrickworksClient) -> None:
    source = bw.create_external_source(name="Weather", properties={"url": "https://w.example.test"})
    schema = bw.get_schema("home-banners")
    bw.update_schema(
        schema.id,
        display_name=schema.display_name,
        fields={**schema.fields, "weather": {"type": "external", "label": "Weather", "source": source.id}},
    )
    page = admin_client.get(reverse("content:source_delete", args=[source.id])).content.decode()
    assert "Home banners</a> → Weather" in page
    admin_client.post(reverse("content:source_delete", args=[source.id]))
    with pytest.raises(ApiNotFound):
        bw.get_external_source(source.id)


def test_viewers_see_the_list_only(
    publisher_client: Client, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    source = bw.create_external_source(name="Weather", properties={"url": "https://w.example.test"})
    client = publisher_client
    assert "Weather" in client.get(reverse("content:sources")).content.decode()
    assert client.get(reverse("content:source_edit", args=[source.id])).status_code == 403
    assert client.post(reverse("content:source_new"), FORM).status_code == 403
    assert client.post(reverse("content:source_delete", args=[source.id])).status_code == 403
    assert bw.get_external_source(source.id).name == "Weather"


SOURCE = {
    "name": "Weather",
    "url": "https://weather.example.test/today",
    "method": "get",
    "headers": "Authorization: Bearer s3cret-token\nAccept: application/json",
}


def test_a_new_source_starts_with_an_empty_body_not_null(admin_client: Client, bw: BrickworksClient) -> None:
    html = admin_client.get(reverse("content:source_new")).content.decode()
    body = html[html.index('name="body"') :]
    assert body[body.index(">") + 1 : body.index("</textarea>")].strip() == ""


def test_source_header_values_are_secrets_kept_unless_replaced(
    admin_client: Client, bw: BrickworksClient
) -> None:
    admin_client.post(reverse("content:source_new"), SOURCE)
    (source,) = bw.list_external_sources().data
    url = reverse("content:source_edit", args=[source.id])
    html = admin_client.get(url).content.decode()
    assert "s3cret-token" not in html and "application/json" not in html
    # PostgreSQL's jsonb keeps object keys in its own order, so either order is the same headers.
    assert "Set: Authorization, Accept." in html or "Set: Accept, Authorization." in html
    admin_client.post(url, {**SOURCE, "headers": "Authorization:\nAccept: text/plain"})
    assert bw.get_external_source(source.id).properties["headers"] == {
        "Authorization": "Bearer s3cret-token",
        "Accept": "text/plain",
    }
    refused = admin_client.post(url, {**SOURCE, "headers": "Authorization:\nX-New:"})
    assert refused.status_code == 400 and "Line 2: give X-New a value." in refused.content.decode()
