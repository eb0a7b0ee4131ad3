"""A slow or stuck remote service cannot take every thread of the web server: the calls a page makes
share a few slots per service, with a shorter timeout; jobs are not held to them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from django.db import connection

from apps.connections.models import Connection
from apps.core import http
from apps.core.http import ApiClient, ApiError, ApiUnavailable, PageLimits, RemoteBusy
from tests.people import client_for, make_user

STUCK_FOR = 5.0  # the stuck service answers after this long at most, so no test can hang on it

# shutdown() waits for the server to look at it: every 0.05 s, not every half second.
POLL = 0.05


class StuckService:
    """A remote service on loopback that holds every request until released (or STUCK_FOR passes)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.arrived = 0
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 -- http.server's name
                with service.lock:
                    service.arrived += 1
                service.release.wait(STUCK_FOR)
                body = b'{"items": [], "nextCursor": null}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + STUCK_FOR
        while self.arrived < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.arrived >= count, f"{self.arrived} of {count} requests arrived"


@pytest.fixture
def stuck() -> Iterator[StuckService]:
    service = StuckService()
    threading.Thread(target=service.server.serve_forever, args=(POLL,), daemon=True).start()
    yield service
    service.release.set()
    service.server.shutdown()
    service.server.server_close()


def call(url: str, results: list[Any], limits: PageLimits | None = None) -> threading.Thread:
    """One GET on a thread of its own, built inside a page's limits when `limits` is given."""

    def run() -> None:
        try:
            if limits is None:
                with ApiClient(http.build_http(url, retries=0)) as api:
                    results.append(api.request("GET", "things").status_code)
            else:
                with http.page_limits(limits), ApiClient(http.build_http(url, retries=0)) as api:
                    results.append(api.request("GET", "things").status_code)
        except Exception as exc:  # noqa: BLE001 -- the test reads what each call ended with
            results.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_page_finds_the_services_slots_taken_and_is_told_at_once(stuck: StuckService) -> None:
    limits = PageLimits(slots=2, wait=0.2, timeout=10, budget=10)
    results: list[Any] = []
    holders = [call(stuck.url, results, limits) for _ in range(2)]
    stuck.wait_for(2)
    started = time.monotonic()
    with (
        http.page_limits(limits),
        ApiClient(http.build_http(stuck.url, retries=0)) as api,
        pytest.raises(RemoteBusy) as caught,
    ):
        api.request("GET", "things")
    assert time.monotonic() - started < 2
    assert caught.value.title == "The remote service is slow to answer"
    assert stuck.arrived == 2  # the refused call was never sent
    stuck.release.set()
    for thread in holders:
        thread.join(STUCK_FOR)
    assert results == [200, 200]


def test_a_page_keeps_its_slot_between_its_calls_and_gives_it_back_when_it_ends(stuck: StuckService) -> None:
    limits = PageLimits(slots=1, wait=0.2, timeout=5, budget=5)
    stuck.release.set()
    others: list[Any] = []
    with http.page_limits(limits), ApiClient(http.build_http(stuck.url, retries=0)) as api:
        assert api.request("GET", "things").status_code == 200
        call(stuck.url, others, limits).join(STUCK_FOR)  # another page, between this page's calls
        assert api.request("GET", "things").status_code == 200  # no second slot needed
        with ApiClient(http.build_http(stuck.url, retries=0)) as other:
            assert other.request("GET", "things").status_code == 200  # nor for a second client
    assert len(others) == 1
    assert isinstance(others[0], RemoteBusy)
    call(stuck.url, others, limits).join(STUCK_FOR)
    assert others[1] == 200  # the next page gets the slot


def test_a_failed_page_gives_its_slot_back() -> None:
    limits = PageLimits(slots=1, wait=0.2, timeout=1, budget=1)

    def one_page() -> ApiError:
        with http.page_limits(limits), ApiClient(http.build_http("http://127.0.0.1:9", retries=0)) as api:
            with pytest.raises(ApiError) as caught:  # noqa: PT012, SIM117 -- the page ends after the failure
                api.request("GET", "things")  # nothing listens on the discard port
            return caught.value

    assert type(one_page()) is ApiUnavailable
    assert type(one_page()) is ApiUnavailable  # not RemoteBusy: the first page gave its slot back


def test_jobs_are_not_held_to_the_page_slots(stuck: StuckService) -> None:
    results: list[Any] = []
    threads = [call(stuck.url, results) for _ in range(3)]
    stuck.wait_for(3)
    stuck.release.set()
    for thread in threads:
        thread.join(STUCK_FOR)
    assert results == [200, 200, 200]


def test_a_page_waits_for_a_service_no_longer_than_its_page_timeout() -> None:
    limits = PageLimits(slots=4, wait=1, timeout=3, budget=6)
    with http.build_http("http://127.0.0.1:9", timeout=15) as job_client:
        assert job_client.timeout == httpx.Timeout(15)
    with http.page_limits(limits), http.build_http("http://127.0.0.1:9", timeout=15) as page_client:
        assert page_client.timeout == httpx.Timeout(3)


@pytest.mark.django_db(transaction=True)
def test_while_a_page_waits_for_a_stuck_service_another_page_needing_it_says_so_at_once(
    stuck: StuckService, settings: Any
) -> None:
    settings.REMOTE_PAGE_SLOTS = 1
    settings.REMOTE_PAGE_WAIT = 0.2
    Connection.objects.create(name="Flows", kind=Connection.Kind.FLOWS, base_url=f"{stuck.url}/api/v1")
    first, second = (client_for(make_user(name, "viewer")) for name in ("vic", "val"))
    answers: list[int] = []

    def wait_on_the_service() -> None:
        answers.append(first.get("/workflows/flows/").status_code)
        connection.close()  # this thread's own database connection

    waiting = threading.Thread(target=wait_on_the_service)
    waiting.start()
    stuck.wait_for(1)

    started = time.monotonic()
    response = second.get("/workflows/flows/")
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert "slow to answer" in response.content.decode()

    stuck.release.set()
    waiting.join(STUCK_FOR)
    assert answers == [200]


def test_a_call_made_after_the_page_was_answered_takes_no_slot(stuck: StuckService) -> None:
    limits = PageLimits(slots=1, wait=0.2, timeout=5, budget=5)
    with http.page_limits(limits):
        late = ApiClient(http.build_http(stuck.url, retries=0))
    stuck.release.set()
    with late:
        assert late.request("GET", "things").status_code == 200
    with http.page_limits(limits), ApiClient(http.build_http(stuck.url, retries=0)) as api:
        assert api.request("GET", "things").status_code == 200  # the slot is still free
