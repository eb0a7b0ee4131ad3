"""Redis as a cache that may be away: every cache user here can do without it for a while."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from apps.core.queue import CACHE_ERRORS

logger = logging.getLogger(__name__)


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, answering like an empty cache while its server is down (a warning is
    logged when it goes away), so that pages and tokens work without it instead of answering 500.

    `down` tells whether the server was away at the last call of this thread (see `is_down`); Django
    keeps a cache object per thread, so each thread finds out for itself.
    """

    down = False
    # After a failure the server is left alone this long: a frozen Redis costs its timeout once, not
    # at every call of a page.
    pause = 5.0
    _retry_at = 0.0

    def _forgive(self, call: Callable[[], Any], fallback: Any) -> Any:
        if self.down and time.monotonic() < self._retry_at:
            return fallback
        try:
            result = call()
        except CACHE_ERRORS as exc:
            if not self.down:
                logger.warning("cache unreachable, going on without it: %s", exc)
            self.down, self._retry_at = True, time.monotonic() + self.pause
            return fallback
        self.down = False
        return result

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).has_key(key, version), False)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).add(key, value, timeout, version), False)

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data: Any, timeout: Any = None, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).set_many(data, timeout, version), list(data))

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> Any:
        return self._forgive(lambda: super(RedisCache, self).delete_many(keys, version), None)


def is_down() -> bool:
    """Whether the default cache's last call in this thread found its server away."""
    return bool(getattr(cache, "down", False))
