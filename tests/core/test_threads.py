"""A pool's threads do not leave database connections open behind them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection, connections

from apps.core.threads import ClosingThreadPool


def backend_pid(_: Any) -> tuple[int, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0], connections["default"]


@pytest.mark.django_db(transaction=True)
def test_the_connections_its_threads_opened_are_closed_when_it_shuts_down() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("counts the server's sessions")
    with ClosingThreadPool(3) as pool:
        seen = list(pool.map(backend_pid, range(9)))
    pids = {pid for pid, _ in seen}
    assert all(wrapper.connection is None for _, wrapper in seen)
    assert open_sessions(pids) == 0


def open_sessions(pids: set[int]) -> int:
    """The server's sessions among `pids`, after the moment a closed one takes to leave its list."""
    deadline = time.monotonic() + 2
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)])
            count: int = cursor.fetchone()[0]
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.05)
