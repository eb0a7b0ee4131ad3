"""A thread pool whose threads' database connections are closed when it shuts down.

Django opens a connection per thread and closes it at the end of a request; a pool's thread is in no
request, so a connection it opened stayed open on the server after the pool was done, until Python
happened to collect it (seen as a session PostgreSQL kept for a test database it was asked to drop).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

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
