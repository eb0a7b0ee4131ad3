"""The sandbox served inside the test's own thread, without a socket or a server thread.

`InProcessTransport` hands each request to Django (the test client's handler: every middleware, CSRF
enforced as on a real server) and turns the answer into an httpx.Response. Mounted in
`apps.core.http.IN_PROCESS` under `testserver` (tests/conftest.py), it serves every client whose base URL
is `http://testserver/...`; the retry and slot layers of `build_http` wrap it as they wrap the network.
The sandbox then shares the test's database connection and transaction, so a rollback (`db`) test sees
what the sandbox wrote and undoes it at its end.

It is an httpx.HTTPTransport whose connection pool is Django: httpx maps a body that breaks off into
its own errors as for a socket, and pytest-httpx's `httpx_mock` (which patches HTTPTransport) still
decides which requests it answers itself.

A live server (the `live_sandbox` fixture) stays for what only a socket shows: timeouts, slow answers,
a real Celery worker, a browser.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponseBase
from django.test import Client
from django.test.client import ClientHandler
from django.test.signals import setting_changed

HOST = "testserver"  # Django's own test host: in ALLOWED_HOSTS under test, resolves nowhere
BASE_URL = f"http://{HOST}/sandbox"
READ_SIZE = 64 * 1024  # httpcore's read size for HTTP/1.1
STREAM = "synadmin.stream"  # apps.core.http.STREAM: the caller reads the body itself
# Left to Django's request factory, which sets them from the body it is given.
_BODY_HEADERS = {"content-length", "content-type"}


class InProcessTransport(httpx.HTTPTransport):
    """An httpx transport that answers from this process's Django, in the calling thread.

    Made in the thread that runs the tests: every request is served on that thread's database
    connection, also when a worker thread of the code under test (the job runner's pool) makes the
    call, because the data it must see is in the test's open transaction. One request at a time, as
    they then share a connection and its transaction state.
    """

    def __init__(self) -> None:
        super().__init__()
        self._pool = _DjangoPool()  # type: ignore[assignment]
        self.home: BaseDatabaseWrapper = connections[DEFAULT_DB_ALIAS]
        self.lock = threading.RLock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock, self._home_connection():
            response = super().handle_request(request)
            if request.extensions.get(STREAM):
                return response
            # As BodyReadingTransport does: a body that breaks off is a transport error the retry sees.
            try:
                response.read()
            finally:
                response.close()
            return response

    @contextmanager
    def _home_connection(self) -> Iterator[None]:
        own = connections[DEFAULT_DB_ALIAS]
        if own is self.home:
            yield
            return
        self.home.inc_thread_sharing()
        connections[DEFAULT_DB_ALIAS] = self.home
        try:
            yield
        finally:
            connections[DEFAULT_DB_ALIAS] = own
            self.home.dec_thread_sharing()


class _DjangoPool:
    """What httpx.HTTPTransport calls its connection pool: here, one Django request per call.

    Its calls share one middleware chain, built again after a setting changes (a chain built for every
    call took 9% of the content and catalog tests).
    """

    def __init__(self) -> None:
        self._handler: ClientHandler | None = None
        setting_changed.connect(self._settings_changed, weak=False)

    def _settings_changed(self, **_: object) -> None:
        self._handler = None

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        # A copy of the context: the nested request's timezone, translation, audit actor and page limits
        # (asgiref Locals and contextvars) must not leak into the request that made the call.
        return contextvars.copy_context().run(self._handle, request)

    def _handle(self, request: httpcore.Request) -> httpcore.Response:
        headers: dict[str, str] = {}
        content_type = "application/octet-stream"
        for raw_name, raw_value in request.headers:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            if name.lower() == "content-type":
                content_type = value
            elif name.lower() not in _BODY_HEADERS:
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
        # A client per request: no cookie or state is carried from one call to the next but what
        # httpx sends. raise_request_exception=False: an error in a view is a 500, as over the network.
        client = Client(raise_request_exception=False, enforce_csrf_checks=True)
        if self._handler is None:
            self._handler = client.handler
        client.handler = self._handler
        response = client.generic(
            request.method.decode("ascii"),
            request.url.target.decode("ascii"),
            b"".join(request.stream),  # type: ignore[arg-type]
            content_type=content_type,
            secure=request.url.scheme == b"https",
            headers=headers,
        )
        return httpcore.Response(
            response.status_code,
            headers=_headers(response),
            content=_Body(response),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason_phrase.encode()},
        )

    def close(self) -> None:
        pass


def _headers(response: HttpResponseBase) -> list[tuple[str, str]]:
    headers = list(response.items())
    headers += [("Set-Cookie", cookie.output(header="").strip()) for cookie in response.cookies.values()]
    return headers


class _Body:
    """The response's body; one that stops short of its Content-Length, or raises, drops as a socket
    would (h11: the peer closed the connection)."""

    def __init__(self, response: HttpResponseBase) -> None:
        self.response = response

    def __iter__(self) -> Iterator[bytes]:
        length = self.response.get("Content-Length")
        sent = 0
        try:
            for chunk in _chunks(self.response):
                # In pieces of at most what httpcore reads from a socket at once, as over the network.
                for start in range(0, len(chunk), READ_SIZE):
                    sent += len(chunk[start : start + READ_SIZE])
                    yield chunk[start : start + READ_SIZE]
        except Exception as exc:  # noqa: BLE001 -- whatever broke the body, the client sees a drop
            raise httpcore.RemoteProtocolError(f"peer closed connection: {exc!r}") from exc
        if length is not None and sent < int(length):
            raise httpcore.RemoteProtocolError(
                f"peer closed connection without sending complete message body (received {sent} bytes,"
                f" expected {length})"
            )

    def close(self) -> None:
        # As the test client does: closing fires request_finished, whose close_old_connections would
        # close the connection the test's transaction is on.
        request_finished.disconnect(close_old_connections)
        try:
            self.response.close()
        finally:
            request_finished.connect(close_old_connections)


def _chunks(response: HttpResponseBase) -> Iterable[bytes]:
    if response.streaming:
        return response.streaming_content  # type: ignore[attr-defined]
    return [response.content]  # type: ignore[attr-defined]
