"""The Synerise tokens a connection caches are encrypted with the keys of the connection secrets."""

from __future__ import annotations

from django.core.cache import cache

from apps.connections import services
from apps.connections.models import Connection


def test_it_keeps_the_token_out_of_the_cache_in_clear(demo: dict[str, Connection]) -> None:
    connection = demo["synerise"]
    store = services.CacheTokenStore(connection)
    with services.http_for(connection) as http:
        sent = http.get("v4/auth/refresh/profile").request.headers["Authorization"].removeprefix("Bearer ")
    stored = cache.get(store.key)
    assert sent and sent not in repr(stored)
    assert sent.split(".")[1] not in repr(stored)  # not even the claims
    assert store.get().value == sent


def test_a_token_cached_in_clear_before_is_no_token(demo: dict[str, Connection]) -> None:
    store = services.CacheTokenStore(demo["synerise"])
    cache.set(store.key, {"value": "eyJhbGciOiJIUzI1NiJ9.e30.x", "expires_at": 4102444800})
    assert store.get() is None
    with services.http_for(demo["synerise"]) as http:
        assert http.get("v4/auth/refresh/profile").status_code == 200  # a fresh login
    assert store.get() is not None
