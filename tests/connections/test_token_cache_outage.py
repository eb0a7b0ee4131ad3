"""With the cache (Redis) down, the Synerise token is fetched and kept in the process, with a warning."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import cache

from apps.connections import services
from apps.connections.models import Connection
from apps.core.cache import RedisCache
from tests.outage import RedisServer


def bearer(connection: Connection) -> str:
    with services.http_for(connection) as http:
        response = http.get("v4/auth/refresh/profile")
    assert response.status_code == 200
    return response.request.headers["Authorization"]


def test_requests_go_on_with_one_token_kept_while_the_cache_is_down(
    demo: dict[str, Connection],
    outage: RedisServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(RedisCache, "pause", 0.1)  # how long a cache that failed is left alone
    connection = demo["synerise"]
    outage.stop()
    with caplog.at_level(logging.WARNING):
        first = bearer(connection)
        assert bearer(connection) == first  # kept, not a login per request
    assert "cache unreachable" in caplog.text

    outage.start()
    time.sleep(0.2)
    store = services.CacheTokenStore(connection)
    bearer(connection)
    assert cache.get(store.key) is not None  # back in the shared cache
