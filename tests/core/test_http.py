"""The remote-API client base: failures mapped to typed errors, retries where they are safe."""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pytest_httpx import HTTPXMock

from apps.core import http
from apps.core.http import (
    UNREACHABLE,
    ApiClient,
    ApiConflict,
    ApiError,
    ApiNotFound,
    ApiRateLimited,
    ApiUnauthorized,
    ApiUnavailable,
    ApiValidationError,
)

BASE = "https://api.example.test/v1"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses the retry transport takes, recorded instead of slept."""
    taken: list[float] = []
    monkeypatch.setattr("httpx_retries.retry.time.sleep", taken.append)
    return taken


@pytest.fixture
def client(sleeps: list[float]) -> ApiClient:
    return ApiClient(http.build_http(BASE, retries=2, backoff=0.5))


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, ApiValidationError),
        (401, ApiUnauthorized),
        (403, ApiUnauthorized),
        (404, ApiNotFound),
        (409, ApiConflict),
        (418, ApiError),
        (422, ApiValidationError),
    ],
)
def test_each_status_maps_to_its_error(
    client: ApiClient, httpx_mock: HTTPXMock, status: int, error_class: type
) -> None:
    httpx_mock.add_response(status_code=status, json={"message": "nope"})
    with pytest.raises(error_class) as caught:
        client.request("POST", "/things")
    assert type(caught.value) is error_class
    assert caught.value.status == status
    assert caught.value.message == "nope"
    assert not caught.value.retryable


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"status": 401, "error": "Unauthorized", "message": "Invalid API key"}, "Invalid API key"),
        ({"detail": "Not Found"}, "Not Found"),
        ({"error": "Bad Request"}, "Bad Request"),
        ({"title": "Out of stock", "status": 400}, "Out of stock"),
        ({"message": 42, "detail": "the words"}, "the words"),
        ("Unauthorized", "Unauthorized"),
        ([1, 2], "Bad Request"),
    ],
)
def test_the_generic_reading_finds_the_message(
    client: ApiClient, httpx_mock: HTTPXMock, body: object, message: str
) -> None:
    if isinstance(body, str):
        httpx_mock.add_response(status_code=400, text=body)
    else:
        httpx_mock.add_response(status_code=400, json=body)
    with pytest.raises(ApiValidationError) as caught:
        client.request("POST", "/things")
    assert caught.value.message == message
    assert (caught.value.code, caught.value.field_errors, caught.value.body) == ("", {}, body)


PROBLEM = {"problem": {"text": "Taken", "id": "E-7", "where": "slug"}}


class Coded(ApiClient):
    """A service that writes `{"problem": {"text", "id", "where"}}`: its client says so."""

    def read_error(self, body: object) -> http.RemoteError:
        problem = body["problem"] if isinstance(body, dict) else {}
        return http.RemoteError(problem["text"], problem["id"], {problem["where"]: [problem["text"]]})


def test_a_client_reads_its_own_error_shape(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=409, json=PROBLEM)
    with Coded(http.build_http(BASE, retries=0)) as coded, pytest.raises(ApiConflict) as caught:
        coded.request("PUT", "/things/1")
    assert (caught.value.message, caught.value.code) == ("Taken", "E-7")
    assert caught.value.field_errors == {"slug": ["Taken"]}


def test_a_streamed_error_is_read_by_the_client_too(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=409, json=PROBLEM)
    with (
        Coded(http.build_http(BASE, retries=0)) as coded,
        pytest.raises(ApiConflict) as caught,
        coded.stream("GET", "/things/1"),
    ):
        pass
    assert caught.value.code == "E-7"


def test_an_empty_error_body_falls_back_to_the_reason(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=404, content=b"")
    with pytest.raises(ApiNotFound) as caught:
        client.request("DELETE", "/things/1")
    assert caught.value.message == "Not Found"


def test_a_get_is_retried_after_a_5xx(client: ApiClient, httpx_mock: HTTPXMock, sleeps: list[float]) -> None:
    httpx_mock.add_response(status_code=503, json={"message": "busy"})
    httpx_mock.add_response(status_code=200, json={"ok": True})
    assert client.request("GET", "/things").json() == {"ok": True}
    assert len(httpx_mock.get_requests()) == 2
    assert len(sleeps) == 1


def test_a_get_gives_up_after_the_retries(
    client: ApiClient, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    httpx_mock.add_response(status_code=502, json={"message": "bad gateway"}, is_reusable=True)
    with pytest.raises(ApiUnavailable) as caught:
        client.request("GET", "/things")
    assert caught.value.retryable
    assert caught.value.message == "bad gateway"
    assert len(httpx_mock.get_requests()) == 3
    # Exponential backoff with jitter: the second pause is drawn from a larger range than the first.
    assert len(sleeps) == 2 and all(0 <= pause <= 30 for pause in sleeps)


@pytest.mark.parametrize("status", [500, 501, 505])
def test_a_get_answered_500_is_sent_once_for_the_same_answer_would_come_again(
    client: ApiClient, httpx_mock: HTTPXMock, sleeps: list[float], status: int
) -> None:
    httpx_mock.add_response(status_code=status, json={"message": "bigint out of range"}, is_reusable=True)
    with pytest.raises(ApiUnavailable) as caught:
        client.request("GET", "/things", params={"page": 10**20})
    assert caught.value.message == "bigint out of range"
    assert len(httpx_mock.get_requests()) == 1 and sleeps == []


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_a_get_answered_a_passing_failure_is_tried_again(
    client: ApiClient, httpx_mock: HTTPXMock, sleeps: list[float], status: int
) -> None:
    httpx_mock.add_response(status_code=status, json={"message": "busy"})
    httpx_mock.add_response(status_code=200, json={"ok": True})
    assert client.request("GET", "/things").json() == {"ok": True}
    assert len(httpx_mock.get_requests()) == 2


def test_a_post_is_not_retried(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=503, json={"message": "busy"})
    with pytest.raises(ApiUnavailable):
        client.request("POST", "/things", json={})
    assert len(httpx_mock.get_requests()) == 1


def test_retry_after_is_honoured(client: ApiClient, httpx_mock: HTTPXMock, sleeps: list[float]) -> None:
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "7"}, json={"message": "slow down"})
    httpx_mock.add_response(status_code=200, json=[])
    client.request("GET", "/things")
    assert sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(
    client: ApiClient, httpx_mock: HTTPXMock, sleeps: list[float]
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    httpx_mock.add_response(status_code=429, headers={"Retry-After": when}, json={"message": "later"})
    httpx_mock.add_response(status_code=200, json=[])
    client.request("GET", "/things")
    assert len(sleeps) == 1 and 17 <= sleeps[0] <= 20


def test_a_lasting_429_keeps_its_retry_after_in_seconds_or_as_a_date(
    client: ApiClient, httpx_mock: HTTPXMock
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    httpx_mock.add_response(
        status_code=429, headers={"Retry-After": when}, json={"message": "slow"}, is_reusable=True
    )
    with pytest.raises(ApiRateLimited) as caught:
        client.request("GET", "/things")
    assert caught.value.retry_after is not None and 55 <= caught.value.retry_after <= 60


def test_a_lasting_429_keeps_its_retry_after(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        status_code=429, headers={"Retry-After": "2"}, json={"message": "slow"}, is_reusable=True
    )
    with pytest.raises(ApiRateLimited) as caught:
        client.request("GET", "/things")
    assert caught.value.retry_after == 2.0
    assert caught.value.retryable


def test_connect_errors_are_retried_then_reported(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"), is_reusable=True)
    with pytest.raises(ApiUnavailable) as caught:
        client.request("GET", "/things")
    # The reason stays on the cause (and in the log), not in the message: it would tell a port's state.
    assert caught.value.message == f"GET /things: {UNREACHABLE}"
    assert "Connection refused" in str(caught.value.__cause__)
    assert len(httpx_mock.get_requests()) == 3


def test_a_timeout_is_unavailable(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("slow"), is_reusable=True)
    with pytest.raises(ApiUnavailable) as caught:
        client.request("GET", "/things")
    assert caught.value.message == f"GET /things: {UNREACHABLE}"  # as a refused connection reads


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectTimeout("timed out"),
        httpx.ReadError("[Errno 104] Connection reset by peer"),
        httpx.RemoteProtocolError("illegal status line: bytearray(b'-ERR unknown command')"),
        httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number"),
    ],
)
def test_every_failed_connection_reads_the_same(
    client: ApiClient, httpx_mock: HTTPXMock, exc: Exception
) -> None:
    httpx_mock.add_exception(exc, is_reusable=True)
    with pytest.raises(ApiUnavailable) as caught:
        client.request("POST", "/things", json={})
    assert caught.value.message == f"POST /things: {UNREACHABLE}"


def test_a_redirect_points_at_the_base_url(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=302, headers={"Location": "https://login.example.test/"})
    with pytest.raises(ApiError, match="check the base URL"):
        client.request("GET", "/things")


def test_the_client_has_explicit_timeouts() -> None:
    with http.build_http(BASE, timeout=4.0) as client:
        assert client.timeout == httpx.Timeout(4.0)
        assert str(client.base_url) == BASE + "/"


class _BrokenBody(httpx.SyncByteStream):
    """Headers arrived, then the connection dropped halfway through the body."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield b'{"partial":'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def _dropped_mid_body(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Length": "1000"}, stream=_BrokenBody())


def test_a_get_dropped_while_its_body_is_read_is_retried(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_callback(_dropped_mid_body)
    httpx_mock.add_response(json={"ok": True})
    assert client.request("GET", "/things").json() == {"ok": True}
    assert len(httpx_mock.get_requests()) == 2


def test_a_post_dropped_while_its_body_is_read_is_not_retried(
    client: ApiClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_callback(_dropped_mid_body)
    with pytest.raises(ApiUnavailable):
        client.request("POST", "/things")
    assert len(httpx_mock.get_requests()) == 1


def test_an_answer_is_freed_when_its_reader_lets_go(client: ApiClient, httpx_mock: HTTPXMock) -> None:
    # httpx's response and its stream refer to each other: each answer's body waited for a full
    # collection, and a dry run reading a catalog of a million items held 90 MB of them.
    httpx_mock.add_response(url=f"{BASE}/items", content=b"x" * 100_000)
    gc.disable()
    try:
        answer = weakref.ref(client.request("GET", "items"))
        assert answer() is None
    finally:
        gc.enable()
