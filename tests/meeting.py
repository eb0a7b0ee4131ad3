"""`meet`: a test fixture for pages that make their remote calls together. Made one after the other,
the calls that must meet never do, and the page fails (BrokenBarrierError after 5 s)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from apps.core import http
from tests import sandboxes

Meet = Callable[..., list[str]]


class Meeting(httpx.BaseTransport):
    """The sandbox's transport, where the next `parties` requests to `service` whose path ends so wait
    for each other (5 s at most) before the sandbox, which serves one at a time, answers them."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.met: list[str] = []
        self.barrier: threading.Barrier | None = None
        self.service = self.ending = ""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/sandbox")
        barrier = self.barrier
        if (
            barrier
            and path.startswith(self.service)
            and path.endswith(self.ending)
            and len(self.met) < barrier.parties
        ):
            self.met.append(path.removeprefix(self.service))
            barrier.wait()  # BrokenBarrierError when the others are not asked at the same time
        return self.inner.handle_request(request)


@pytest.fixture
def meet() -> Iterator[Meet]:
    """`meet(service, n, ending)`: the next n requests to the service (its path prefix) whose path ends so
    must be made together; the paths they asked for, the prefix taken off."""
    meeting = Meeting(http.IN_PROCESS[sandboxes.HOST])
    http.IN_PROCESS[sandboxes.HOST] = meeting

    def arrange(service: str, parties: int, ending: str = "") -> list[str]:
        meeting.service, meeting.ending = service, ending
        meeting.barrier = threading.Barrier(parties, timeout=5)
        return meeting.met

    yield arrange
    http.IN_PROCESS[sandboxes.HOST] = meeting.inner
