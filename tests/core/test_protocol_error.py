"""A 2xx answer that does not fit the wire model is an ApiProtocolError, shown like any remote error."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_httpx import HTTPXMock

from apps.connections.client import SyneriseAuthClient
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.core import http
from apps.core.http import RETRYABLE, ApiError, ApiProtocolError

BASE = "https://api.example.test"


@pytest.fixture
def bw() -> BrickworksClient:
    return BrickworksClient(http.build_http(BASE, retries=0))


def test_a_missing_key_names_the_operation_the_path_and_the_field(
    bw: BrickworksClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        method="GET", url=f"{BASE}/brickworks/v1/schemas/news", json={"id": "s1", "appId": "news"}
    )
    with pytest.raises(ApiProtocolError) as caught:
        bw.get_schema("news")
    error = caught.value
    assert error.operation == "GET /brickworks/v1/schemas/news"
    assert error.path == "/brickworks/v1/schemas/news"
    assert error.detail == "displayName: Field required; schemaType: Field required"
    assert error.status == 200
    assert error.detail in error.message
    assert not error.retryable
    assert not isinstance(error, RETRYABLE)
    assert error.title == "The remote service answered in a form we do not understand"
    assert error.__cause__ is not None


def test_only_the_first_three_problems_are_listed(bw: BrickworksClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"meta": {}, "data": [{"id": 1}]})
    with pytest.raises(ApiProtocolError) as caught:
        bw.list_schemas()
    assert caught.value.detail == (
        "data.0.id: Input should be a valid string; data.0.appId: Field required; "
        "data.0.displayName: Field required; and 1 more"
    )


def test_an_html_page_with_200_is_a_protocol_error(bw: BrickworksClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        text="<html><body>Please sign in</body></html>", headers={"Content-Type": "text/html"}
    )
    with pytest.raises(ApiProtocolError) as caught:
        bw.preview("news", "rec-1", values={})
    assert caught.value.operation == "POST /brickworks/v1/schemas/news/records/rec-1/preview"
    assert caught.value.detail.startswith("body: Invalid JSON")


def test_an_empty_body_where_one_is_documented_is_a_protocol_error(
    bw: BrickworksClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=200, content=b"")
    with pytest.raises(ApiProtocolError):
        bw.get_external_source("x1")


def test_unknown_keys_and_missing_optional_keys_are_fine(bw: BrickworksClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json={
            "id": "r1",
            "schemaId": "s1",
            "status": "DRAFT",
            "somethingNew": {"a": 1},
            "createdBy": None,
            "schedule": None,
        }
    )
    record = bw.get_record("news", "r1")
    assert (record.values, record.created_by, record.schedule, record.deleted_at) == ({}, {}, {}, None)


@pytest.mark.parametrize("status", [200, 202, 204])
def test_empty_success_bodies_are_accepted_where_the_doc_shows_none(
    bw: BrickworksClient, httpx_mock: HTTPXMock, status: int
) -> None:
    httpx_mock.add_response(method="DELETE", status_code=status, content=b"", is_reusable=True)
    httpx_mock.add_response(method="PUT", status_code=status, content=b"")
    assert bw.delete_record("news", "r1") is None
    assert bw.delete_schema("s1") is None
    assert bw.delete_external_source("x1") is None
    assert bw.upsert_record("s1", {"identifier": {}, "values": {}}) is None


def test_a_json_string_is_not_a_boolean_for_canvas(httpx_mock: HTTPXMock) -> None:
    from apps.canvas.client import CanvasClient

    httpx_mock.add_response(json="true")
    with (
        CanvasClient(http.build_http(BASE, retries=0)) as api,
        pytest.raises(ApiProtocolError),
    ):
        api.authenticate()


@pytest.fixture
def user_connection(db: None) -> Connection:
    return Connection.objects.create(
        kind="synerise",
        name="Odd gateway",
        base_url=BASE,
        auth_mode="user",
        username="u@example.test",
        password="p",
    )


def answer_workspaces_with_html(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(method="POST", url=f"{BASE}/uauth/auth/login/user", json={"token": "user-token"})
    httpx_mock.add_response(
        method="GET",
        url=f"{BASE}/uauth/business-profile/",
        text="<html><h1>Maintenance</h1></html>",
        headers={"Content-Type": "text/html"},
    )


def test_the_page_shows_a_protocol_error_as_a_502(
    admin_client: Client, user_connection: Connection, httpx_mock: HTTPXMock
) -> None:
    answer_workspaces_with_html(httpx_mock)
    response = admin_client.get(reverse("connections:workspace", args=[user_connection.pk]))
    assert response.status_code == 502
    page = response.content.decode()
    assert "The remote service answered in a form we do not understand" in page
    assert "GET /uauth/business-profile/" in page
    assert "Invalid JSON" in page
    assert httpx_mock.get_request(method="GET").headers["Authorization"] == "Bearer user-token"


def test_htmx_gets_the_protocol_error_as_an_alert_in_the_messages_region(
    admin_client: Client, user_connection: Connection, httpx_mock: HTTPXMock
) -> None:
    answer_workspaces_with_html(httpx_mock)
    response = admin_client.get(
        reverse("connections:workspace", args=[user_connection.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reswap"] == "beforeend"
    alert = response.content.decode()
    assert 'role="alert"' in alert
    assert "The remote service answered in a form we do not understand" in alert
    assert "<html" not in alert.lower()


def test_the_auth_client_reports_a_token_answer_without_a_token(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"jwt": "x"})
    with SyneriseAuthClient.for_url(BASE, retries=0) as api, pytest.raises(ApiError) as caught:
        api.login_workspace("key")
    assert isinstance(caught.value, ApiProtocolError)
    assert caught.value.detail == "token: Field required"
