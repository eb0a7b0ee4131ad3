"""SyneriseAuth: a JWT obtained once, reused, refreshed before expiry, renewed once on a 401."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from pytest_httpx import HTTPXMock

from apps.connections.auth import MemoryTokenStore, SyneriseAuth, Token
from apps.core.http import ApiClient, ApiUnauthorized, ApiUnavailable, build_http

URL = "https://api.example.test/brickworks/v1/schemas"


def make_jwt(lifetime: float, jti: str = "") -> str:
    return jwt.encode(
        {"sub": "workspace", "exp": int(time.time() + lifetime), "jti": jti},
        "a-test-secret-of-thirty-two-bytes!",
        algorithm="HS256",
    )


class Remote:
    """Counts logins and refreshes, handing out tokens that live `lifetime` seconds."""

    def __init__(self, lifetime: float = 3600) -> None:
        self.lifetime = lifetime
        self.logins: list[str] = []
        self.refreshes: list[str] = []
        self.refresh_fails = False

    def login(self) -> Token:
        token = Token.from_jwt(make_jwt(self.lifetime, f"login-{len(self.logins)}"))
        self.logins.append(token.value)
        return token

    def refresh(self, old: Token) -> Token:
        if self.refresh_fails:
            raise ApiUnauthorized("token cannot be refreshed", status=401)
        token = Token.from_jwt(make_jwt(3600, f"refresh-{len(self.refreshes)}"))
        self.refreshes.append(token.value)
        return token


@pytest.fixture
def remote() -> Remote:
    return Remote()


@pytest.fixture
def store() -> MemoryTokenStore:
    return MemoryTokenStore()


def client_for(remote: Remote, store: MemoryTokenStore) -> ApiClient:
    auth = SyneriseAuth(login=remote.login, refresh=remote.refresh, store=store, margin=300)
    return ApiClient(build_http("https://api.example.test/", auth=auth, retries=0))


def bearer(request: httpx.Request) -> str:
    return request.headers["Authorization"].removeprefix("Bearer ")


def test_the_expiry_is_read_from_the_jwt() -> None:
    value = make_jwt(600)
    assert abs(Token.from_jwt(value).expires_at - (time.time() + 600)) < 2


def test_an_opaque_token_is_trusted_for_an_hour() -> None:
    assert abs(Token.from_jwt("not-a-jwt").expires_at - (time.time() + 3600)) < 2


def test_it_logs_in_once_and_reuses_the_token(
    remote: Remote, store: MemoryTokenStore, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=URL, json=[], is_reusable=True)
    client = client_for(remote, store)
    client.request("GET", "brickworks/v1/schemas")
    client.request("GET", "brickworks/v1/schemas")
    assert len(remote.logins) == 1
    assert [bearer(r) for r in httpx_mock.get_requests()] == remote.logins * 2


def test_a_token_near_expiry_is_refreshed_first(
    remote: Remote, store: MemoryTokenStore, httpx_mock: HTTPXMock
) -> None:
    remote.lifetime = 120  # inside the 300 s margin
    httpx_mock.add_response(url=URL, json=[], is_reusable=True)
    store.set(remote.login())
    client_for(remote, store).request("GET", "brickworks/v1/schemas")
    assert len(remote.refreshes) == 1
    assert bearer(httpx_mock.get_request()) == remote.refreshes[0]
    assert store.get().value == remote.refreshes[0]


def test_a_failed_refresh_falls_back_to_a_login(
    remote: Remote, store: MemoryTokenStore, httpx_mock: HTTPXMock
) -> None:
    remote.lifetime = 120
    remote.refresh_fails = True
    store.set(remote.login())
    httpx_mock.add_response(url=URL, json=[])
    client_for(remote, store).request("GET", "brickworks/v1/schemas")
    assert len(remote.logins) == 2
    assert bearer(httpx_mock.get_request()) == remote.logins[1]


def test_an_expired_token_is_replaced_by_a_login(
    remote: Remote, store: MemoryTokenStore, httpx_mock: HTTPXMock
) -> None:
    store.set(Token(value="old", expires_at=time.time() - 1))
    httpx_mock.add_response(url=URL, json=[])
    client_for(remote, store).request("GET", "brickworks/v1/schemas")
    assert remote.refreshes == []
    assert bearer(httpx_mock.get_request()) == remote.logins[0]


def test_a_401_logs_in_again_and_repeats_once(
    remote: Remote, store: MemoryTokenStore, httpx_mock: HTTPXMock
) -> None:
    store.set(remote.login())  # the server has revoked it meanwhile
    sent: list[tuple[str, bytes]] = []  # recorded as sent: the request object is reused for the repeat

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append((bearer(request), request.content))
        if len(sent) == 1:
            return httpx.Response(401, json={"status": 401, "message": "expired"})
        return httpx.Response(201, json={"id": "s1"})

    httpx_mock.add_callback(answer, url=URL, method="POST", is_reusable=True)
    response = client_for(remote, store).request("POST", "brickworks/v1/schemas", json={"name": "x"})
    assert response.json() == {"id": "s1"}
    assert sent == [(remote.logins[0], b'{"name":"x"}'), (remote.logins[1], b'{"name":"x"}')]


def test_a_second_401_is_reported(remote: Remote, store: MemoryTokenStore, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        url=URL, status_code=401, json={"status": 401, "message": "Invalid token"}, is_reusable=True
    )
    with pytest.raises(ApiUnauthorized, match="Invalid token"):
        client_for(remote, store).request("GET", "brickworks/v1/schemas")
    assert len(httpx_mock.get_requests()) == 2
    assert len(remote.logins) == 2


def test_a_failing_login_surfaces_its_error(store: MemoryTokenStore, httpx_mock: HTTPXMock) -> None:
    def login() -> Token:
        raise ApiUnavailable("auth service down", status=503)

    client = ApiClient(
        build_http("https://api.example.test/", auth=SyneriseAuth(login=login, refresh=None, store=store))
    )
    with pytest.raises(ApiUnavailable, match="auth service down"):
        client.request("GET", "brickworks/v1/schemas")
    assert httpx_mock.get_requests() == []
