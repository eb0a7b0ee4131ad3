"""What a request works out once and reads many times: the home page asks for the person's workspace once
for each area it shows. Outside a request (a task, a command, a test calling a service) nothing is kept."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_kept: ContextVar[dict[Hashable, Any] | None] = ContextVar("request_memo", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def once_per_request(key: Hashable, work: Callable[[], T]) -> T:
    kept = _kept.get()
    if kept is None:
        return work()
    if key not in kept:
        kept[key] = work()
    return kept[key]  # type: ignore[no-any-return]


def forget(*_: Any, **__: Any) -> None:
    """Drop what this request kept (a signal receiver too: a saved row may change what was worked out)."""
    kept = _kept.get()
    if kept is not None:
        kept.clear()
