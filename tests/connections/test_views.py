from __future__ import annotations

import pytest
from django.db import connection as db
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.core.models import AuditEntry

SYNERISE = {
    "name": "Prod",
    "base_url": "https://api.synerise.com",
    "auth_mode": "api_key",
    "api_key": "64c09614-1b2a-42f7-804d-f647243eb1ab",
}
CANVAS = {
    "name": "Canvas",
    "base_url": "https://canvas.connectmyapps.com/api",
    "consumer": "5D1AEF05263B497182992E324517FFFD0FED85FBEC2342B19CE02AB5ED62D6ED",
    "secret_key": "a5ae515d-d53b-478c-90bd-060c616d37b7",
    "managed_account_id": "A4BA9A9B-CE81-4F06-81C6-032BF7D648F5",
}
FLOWS = {"name": "Flows", "base_url": "https://flows.example.com/api/v1", "token": "flows-secret-token"}
SECRETS = [SYNERISE["api_key"], CANVAS["consumer"], CANVAS["secret_key"], FLOWS["token"]]


def add(client: Client, kind: str, data: dict[str, str]) -> Connection:
    response = client.post(reverse("connections:add", args=[kind]), data)
    assert response.status_code == 302, response.content.decode()
    return Connection.objects.get(name=data["name"])


def test_it_adds_each_kind_of_connection(admin_client: Client) -> None:
    synerise = add(admin_client, "synerise", SYNERISE)
    canvas = add(admin_client, "canvas", CANVAS)
    flows = add(admin_client, "flows", FLOWS)
    assert synerise.api_key == SYNERISE["api_key"]
    assert canvas.secret_key == CANVAS["secret_key"]
    assert canvas.managed_account_id == CANVAS["managed_account_id"].lower()
    assert flows.token == FLOWS["token"]
    entries = AuditEntry.objects.filter(action="connection.create")
    assert sorted(e.target_repr for e in entries) == ["Canvas", "Flows", "Prod"]
    assert all(e.username == "alice" and e.outcome == "ok" for e in entries)


def test_it_stores_secrets_encrypted(admin_client: Client) -> None:
    connection = add(admin_client, "synerise", SYNERISE)
    with db.cursor() as cursor:
        cursor.execute("SELECT api_key FROM connections_connection WHERE id = %s", [connection.pk])
        stored = cursor.fetchone()[0]
    assert stored and SYNERISE["api_key"] not in stored
    assert Connection.objects.get(pk=connection.pk).api_key == SYNERISE["api_key"]


def test_it_never_renders_a_secret(admin_client: Client) -> None:
    connections = [
        add(admin_client, "synerise", SYNERISE),
        add(admin_client, "canvas", CANVAS),
        add(admin_client, "flows", FLOWS),
    ]
    pages = [
        reverse("connections:list"),
        reverse("dashboard:home"),
        reverse("jobs:list"),
        reverse("accounts:audit"),
    ]
    for connection in connections:
        pages += [
            reverse(f"connections:{name}", args=[connection.pk]) for name in ("detail", "edit", "delete")
        ]
        pages.append(reverse("admin:connections_connection_change", args=[connection.pk]))
    for page in pages:
        html = admin_client.get(page).content.decode()
        for secret in SECRETS:
            assert secret not in html, f"{page} shows a secret"


def test_it_keeps_a_secret_when_the_field_is_left_empty(admin_client: Client) -> None:
    connection = add(admin_client, "synerise", SYNERISE)
    page = admin_client.get(reverse("connections:edit", args=[connection.pk])).content.decode()
    assert "Set. Leave empty to keep it" in page
    response = admin_client.post(
        reverse("connections:edit", args=[connection.pk]), {**SYNERISE, "name": "Production", "api_key": ""}
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Production"
    assert connection.api_key == SYNERISE["api_key"]


def test_it_replaces_a_secret_when_a_new_one_is_typed(admin_client: Client) -> None:
    connection = add(admin_client, "flows", FLOWS)
    admin_client.post(reverse("connections:edit", args=[connection.pk]), {**FLOWS, "token": "new-token"})
    connection.refresh_from_db()
    assert connection.token == "new-token"


BAD_INPUT = [
    ("synerise", {**SYNERISE, "base_url": "not a url"}, "base_url", "Enter a valid URL."),
    ("synerise", {**SYNERISE, "base_url": "ftp://api.synerise.com"}, "base_url", "Enter a valid URL."),
    ("synerise", {**SYNERISE, "api_key": ""}, "api_key", "This field is required."),
    ("synerise", {**SYNERISE, "auth_mode": "user", "username": ""}, "username", "This field is required."),
    ("synerise", {**SYNERISE, "auth_mode": "sideways"}, "auth_mode", "Select a valid choice"),
    ("synerise", {**SYNERISE, "name": ""}, "name", "This field is required."),
    ("synerise", {**SYNERISE, "name": "x" * 101}, "name", "at most 100 characters"),
    ("canvas", {**CANVAS, "managed_account_id": "not-a-guid"}, "managed_account_id", "a GUID"),
    ("canvas", {**CANVAS, "secret_key": ""}, "secret_key", "This field is required."),
    ("flows", {**FLOWS, "base_url": "x" * 400}, "base_url", "Enter a valid URL."),
    ("flows", {}, "name", "This field is required."),
]


@pytest.mark.parametrize(("kind", "data", "field", "message"), BAD_INPUT)
def test_it_explains_bad_input_next_to_the_field(
    admin_client: Client, kind: str, data: dict[str, str], field: str, message: str
) -> None:
    response = admin_client.post(reverse("connections:add", args=[kind]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split(".")[0] in response.content.decode()
    assert Connection.objects.count() == 0


def test_it_keeps_what_was_typed_when_input_is_bad(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("connections:add", args=["synerise"]), {**SYNERISE, "base_url": "nope", "name": "Kept name"}
    )
    assert 'value="Kept name"' in response.content.decode()


def test_it_refuses_an_unknown_kind(admin_client: Client) -> None:
    assert admin_client.get(reverse("connections:add", args=["ftp"])).status_code == 404


def test_it_rejects_a_duplicate_name(admin_client: Client) -> None:
    add(admin_client, "flows", FLOWS)
    response = admin_client.post(reverse("connections:add", args=["flows"]), FLOWS)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_it_deletes_after_confirmation(admin_client: Client) -> None:
    connection = add(admin_client, "flows", FLOWS)
    page = admin_client.get(reverse("connections:delete", args=[connection.pk]))
    assert "Delete Flows?" in page.content.decode()
    assert Connection.objects.filter(pk=connection.pk).exists()
    response = admin_client.post(reverse("connections:delete", args=[connection.pk]))
    assert response.status_code == 302
    assert not Connection.objects.filter(pk=connection.pk).exists()
    assert AuditEntry.objects.filter(action="connection.delete", target_repr="Flows").exists()


def test_it_switches_the_current_workspace_and_remembers_it(admin_client: Client) -> None:
    first = add(admin_client, "synerise", SYNERISE)
    second = add(admin_client, "synerise", {**SYNERISE, "name": "Staging"})
    assert admin_client.get(reverse("dashboard:home")).context["current_workspace"] == first
    response = admin_client.post(
        reverse("workspace_switch"), {"workspace": second.pk, "next": "/operations/"}
    )
    assert response["Location"] == "/operations/"
    assert admin_client.get(reverse("dashboard:home")).context["current_workspace"] == second


def test_it_does_not_redirect_off_site_after_switching(admin_client: Client) -> None:
    connection = add(admin_client, "synerise", SYNERISE)
    response = admin_client.post(
        reverse("workspace_switch"), {"workspace": connection.pk, "next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("dashboard:home")


def test_it_explains_a_bad_workspace_choice(admin_client: Client) -> None:
    response = admin_client.post(reverse("workspace_switch"), {"workspace": "999"}, follow=True)
    assert "Choose one of the listed workspaces." in response.content.decode()
