"""Keep a lease or heartbeat fresh while a block runs, from a thread of its own."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections

logger = logging.getLogger(__name__)


@contextmanager
def every(seconds: float, beat: Callable[[], object]) -> Iterator[None]:
    """Call `beat` every `seconds` while the block runs; it stops (and is not called again) on exit.

    The beat runs in a daemon thread with its own database connection, closed when it stops, so a
    worker that dies stops beating and the row it keeps fresh goes stale.
    """
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(seconds):
                try:
                    beat()
                except Exception:
                    logger.exception("heartbeat failed; trying again in %s s", seconds)
        finally:
            connections.close_all()  # this thread's own connections only

    thread = threading.Thread(target=loop, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
