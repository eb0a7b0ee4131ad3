"""A thread pool whose threads' database connections are closed when it shuts down, and `at_once`.

Django opens a connection per thread and closes it at the end of a request; a pool's thread is in no
request, so a connection it opened stayed open on the server after the pool was done, until Python
happened to collect it (seen as a session PostgreSQL kept for a test database it was asked to drop).
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, overload

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


class ClosingThreadPool(ThreadPoolExecutor):
    def __init__(self, max_workers: int, thread_name_prefix: str = "") -> None:
        self._opened: list[BaseDatabaseWrapper] = []
        self._noting = threading.Lock()
        super().__init__(max_workers, thread_name_prefix, initializer=self._note)

    def _note(self) -> None:
        with self._noting:
            self._opened.append(connections[DEFAULT_DB_ALIAS])  # this thread's own, not yet connected

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if not wait:
            return
        for connection in self._opened:  # their threads are done: closing them here is safe
            connection.inc_thread_sharing()
            try:
                connection.close()
            finally:
                connection.dec_thread_sharing()
        self._opened.clear()


A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")


@overload
def at_once(first: Callable[[], A], second: Callable[[], B], /) -> tuple[A, B]: ...
@overload
def at_once(first: Callable[[], A], second: Callable[[], B], third: Callable[[], C], /) -> tuple[A, B, C]: ...
@overload
def at_once(*calls: Callable[[], A]) -> tuple[A, ...]: ...
def at_once(*calls: Callable[[], Any]) -> tuple[Any, ...]:
    """The calls' results in their order, the calls made at the same time: a page that needs three
    answers of a remote service waits for the slowest, not for the three one after the other.

    Each call runs in the caller's context (its page's limits on remote calls, the audit's actor); when
    one fails, its error is raised once every call has ended.
    """
    if not calls:
        return ()
    with ClosingThreadPool(len(calls), thread_name_prefix="at-once") as pool:
        futures = [pool.submit(contextvars.copy_context().run, call) for call in calls]
    return tuple(future.result() for future in futures)
