"""What a broker or cache outage raises, and the refusal a person sees when the task queue is down."""

from __future__ import annotations

import kombu.exceptions
import redis.exceptions

# A publish that could not reach the broker: kombu wraps the transport's error in OperationalError;
# OSError covers a socket refused or timed out below it.
BROKER_ERRORS: tuple[type[Exception], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
# A cache whose server is down (Redis in production; the file cache raises OSError).
CACHE_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)

NOT_STARTED = "The task queue cannot be reached; nothing was started. Try again in a minute."


class QueueUnavailable(Exception):
    """The broker did not take a task: nothing was started (the job, if any, is marked failed)."""

    title = "The task queue is down"

    def __init__(self, message: str = NOT_STARTED) -> None:
        super().__init__(message)
        self.message = message
