"""Each kind of service writes its errors its own way; its base client reads them (apps.connections.wire)."""

from __future__ import annotations

import pytest
from pytest_httpx import HTTPXMock

from apps.connections.client import SyneriseAuthClient
from apps.connections.wire import CanvasBase, FlowsBase
from apps.core.http import ApiNotFound, ApiUnauthorized, ApiValidationError, build_http

# pytest-httpx answers for this address; nothing is sent.
OFFLINE = "http://127.0.0.1:9/"


def test_a_synerise_error_body_keeps_its_message(httpx_mock: HTTPXMock) -> None:
    body = {
        "timestamp": "2026-11-24T10:00:00.000+00:00",
        "status": 401,
        "error": "Unauthorized",
        "message": "Invalid API key",
        "path": "/uauth/v2/auth/login/profile",
    }
    httpx_mock.add_response(status_code=401, json=body)
    with SyneriseAuthClient.for_url(OFFLINE, retries=0) as api, pytest.raises(ApiUnauthorized) as caught:
        api.login_workspace("wrong")
    assert caught.value.message == "Invalid API key"
    assert caught.value.body == body


def test_the_canvas_check_reads_msg(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=401, json={"State": 401, "Msg": "Authentication Error: SecretKey"})
    with CanvasBase(build_http(OFFLINE, retries=0)) as api, pytest.raises(ApiUnauthorized) as caught:
        api.request("GET", "Authenticate")
    assert (caught.value.message, caught.value.code) == ("Authentication Error: SecretKey", "401")


@pytest.mark.parametrize(
    ("status", "body", "error_class", "message"),
    [
        (404, {"detail": "Not Found"}, ApiNotFound, "Not Found"),
        (
            422,
            {"detail": [{"loc": ["query", "size"], "msg": "too big"}]},
            ApiValidationError,
            "size: too big",
        ),
    ],
)
def test_the_flows_check_reads_detail(
    httpx_mock: HTTPXMock, status: int, body: object, error_class: type, message: str
) -> None:
    httpx_mock.add_response(status_code=status, json=body)
    with FlowsBase(build_http(OFFLINE, retries=0)) as api, pytest.raises(error_class) as caught:
        api.request("GET", "flows")
    assert caught.value.message == message
