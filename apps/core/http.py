"""The remote-API client base: one httpx setup, one mapping of failures into typed errors."""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import re
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self, TypeVar, overload
from urllib.parse import quote

import httpcore
import httpx
from httpx_retries import Retry, RetryTransport
from pydantic import BaseModel, TypeAdapter, ValidationError

from apps import addresses
from apps.addresses import PinnedBackend

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
logger = logging.getLogger(__name__)
# One wording for every way a connection fails (refused, timed out, reset, TLS, not HTTP at all): which
# one it was tells whoever typed the address whether a port is open, closed or filtered.
UNREACHABLE = "no connection could be made, or no answer came in time"


class ApiError(Exception):
    """A remote API call failed; `message` is the remote service's own words where it gave any."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        body: Any = None,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.body = body
        self.field_errors = field_errors or {}

    @property
    def title(self) -> str:
        return TITLES[type(self)]


class ApiUnavailable(ApiError):
    """Connect error, timeout, dropped connection or 5xx."""

    retryable = True


class ApiRateLimited(ApiError):
    """429; `retry_after` is the server's Retry-After in seconds, when it sent one."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ApiUnauthorized(ApiError):
    """401 or 403: the credentials are missing, wrong, expired or lack a permission."""


class ApiNotFound(ApiError):
    """404."""


class ApiAddressRefused(ApiError):
    """The base URL's host resolves to an address this server does not call (`apps.addresses`)."""


class ApiConflict(ApiError):
    """409: the target changed since it was read (an edit made on a stale version)."""


class ApiValidationError(ApiError):
    """400 or 422: the remote service rejected the input; `field_errors` maps fields to messages."""


class ApiProtocolError(ApiError):
    """A 2xx answer that does not fit the documented shape: not JSON, or a key missing or mistyped.

    `operation` names the call ("METHOD path" unless the client says better), `path` is the URL path,
    `detail` says what did not fit. Asking again would get the same answer, so it is not retryable.
    """

    def __init__(self, *, operation: str, path: str, detail: str, status: int | None = None) -> None:
        super().__init__(f"{operation} answered something we cannot read: {detail}", status=status)
        self.operation = operation
        self.path = path
        self.detail = detail


class RemoteBusy(ApiUnavailable):
    """A page found every slot for this remote service taken by other pages waiting for it."""


RETRYABLE = (ApiUnavailable, ApiRateLimited)

TITLES: dict[type[ApiError], str] = {
    ApiError: "The remote service refused the request",
    ApiUnavailable: "The remote service is unavailable",
    RemoteBusy: "The remote service is slow to answer",
    ApiRateLimited: "The remote service asks us to slow down",
    ApiUnauthorized: "The remote service did not accept the credentials",
    ApiNotFound: "Not found on the remote service",
    ApiAddressRefused: "The address of the remote service is not allowed",
    ApiConflict: "Someone else changed this in the meantime",
    ApiValidationError: "The remote service rejected the input",
    ApiProtocolError: "The remote service answered in a form we do not understand",
}

IDEMPOTENT = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]
# Statuses that say "not now" (a gateway, an overload, a rate limit), not "never" like 500 does.
RETRIED_STATUSES = [429, 502, 503, 504]
STREAM = "synadmin.stream"  # a request extension: leave the body for the caller to stream


class BodyReadingTransport(httpx.HTTPTransport):
    """Reads the whole answer inside the transport.

    httpx reads the body after the transport returned the headers, so a connection dropped halfway
    through the body would escape the retry layer. Read here, it is a transport error like any other:
    retried for idempotent methods, an ApiUnavailable for the rest.

    With `addresses` (host, port -> the addresses it may be reached at, or addresses.Refused), each
    connection goes only to an address that function returned (`apps.addresses.PinnedBackend`).
    """

    def __init__(
        self, *, verify: ssl.SSLContext, addresses: Callable[[str, int], list[str]] | None = None
    ) -> None:
        super().__init__(verify=verify)
        if addresses is not None:
            # httpx takes no network backend, so its pool is made again with ours (httpx's own limits).
            self._pool = httpcore.ConnectionPool(
                ssl_context=verify,
                max_connections=100,
                max_keepalive_connections=20,
                keepalive_expiry=5.0,
                network_backend=PinnedBackend(addresses),
            )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.extensions.get(STREAM):
            return response  # ApiClient.stream: the caller reads the body a chunk at a time
        try:
            response.read()
        finally:
            response.close()
        return response


# Transports that serve a host inside this process, by the base URL's netloc (e.g. "testserver"). Tests
# mount the fake services here, reached without a socket or a server thread; the retry and slot layers
# around them stay as in production. Production mounts none.
IN_PROCESS: dict[str, httpx.BaseTransport] = {}


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: loading the CA bundle took ~20 ms per client built."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class PageLimits:
    """How the remote calls made while serving one page are bounded (settings.REMOTE_PAGE_*).

    `slots`: pages at once, in this process, that may be calling one remote service; `wait`: how
    long a page waits for a free slot; `timeout`: each attempt's timeout; `budget`: when retries stop.
    """

    slots: int
    wait: float
    timeout: float
    budget: float


class Page:
    """One page being served: its limits and the slots it holds, one per remote service it called.

    A page keeps its slot from its first call to that service until it is answered, so a page that
    got one finishes instead of being refused halfway through its calls.
    """

    def __init__(self, limits: PageLimits) -> None:
        self.limits = limits
        self.held: dict[str, threading.BoundedSemaphore] = {}
        self.lock = threading.Lock()
        self.answered = False

    def take(self, service: str) -> None:
        with self.lock:
            # A call after the answer (a streamed body) must not take a slot nobody gives back.
            if service in self.held or self.answered:
                return
            slots = _slots_for(service, self.limits.slots)
            if not slots.acquire(timeout=self.limits.wait):
                raise RemoteBusy(
                    "It is slow to answer and other pages are waiting for it. Try again in a moment."
                )
            self.held[service] = slots

    def give_back(self) -> None:
        with self.lock:
            self.answered = True
            for slots in self.held.values():
                slots.release()
            self.held.clear()


_page: contextvars.ContextVar[Page | None] = contextvars.ContextVar("page", default=None)
_slots: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


@contextmanager
def page_limits(limits: PageLimits) -> Iterator[None]:
    """Clients built inside the block are bounded by `limits` (the web middleware wraps each page)."""
    page = Page(limits)
    token = _page.set(page)
    try:
        yield
    finally:
        _page.reset(token)
        page.give_back()


def _slots_for(service: str, size: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault((service, size), threading.BoundedSemaphore(size))


class SharedSlotsTransport(httpx.BaseTransport):
    """Takes the page's slot for the remote service before its first call (see `Page`).

    Without it, pages waiting for a slow service held every thread of the web server, and pages
    that call no service at all queued behind them.
    """

    def __init__(self, transport: httpx.BaseTransport, service: str, page: Page) -> None:
        self.transport = transport
        self.service = service
        self.page = page

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.page.take(self.service)
        return self.transport.handle_request(request)

    def close(self) -> None:
        self.transport.close()


def build_http(
    base_url: str,
    *,
    auth: httpx.Auth | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
    retries: int = 3,
    backoff: float = 0.5,
    addresses: Callable[[str, int], list[str]] | None = None,
) -> httpx.Client:
    """An httpx client with a timeout, a connection pool, and retries of idempotent calls.

    `addresses`: where a host may be reached (see BodyReadingTransport); connections pass theirs.
    A host mounted in `IN_PROCESS` is served by its transport instead (tests only).

    Retries cover connect errors, connections dropped before or during the answer, 502, 503, 504 and
    429 (honouring Retry-After), with exponential backoff and jitter. A 500 is not retried: it is the
    remote's own error, and the same request gets it again. POSTs are not retried here: the task that
    made them decides. Built while a page is served (`page_limits`), its calls share the process's
    slots for the service and have the page's shorter timeout and retry budget.
    """
    page = _page.get()
    limits = page.limits if page else None
    retry = Retry(
        total=retries,
        allowed_methods=IDEMPOTENT,
        status_forcelist=RETRIED_STATUSES,
        backoff_factor=backoff,
        backoff_jitter=1.0,
        max_backoff_wait=30.0,
        total_timeout=limits.budget if limits else 60.0,
    )
    inner = IN_PROCESS.get(httpx.URL(base_url).netloc.decode())
    if inner is None:
        inner = BodyReadingTransport(verify=_tls(), addresses=addresses)
    transport: httpx.BaseTransport = RetryTransport(transport=inner, retry=retry)
    if page and limits:
        timeout = min(timeout, limits.timeout)
        transport = SharedSlotsTransport(transport, httpx.URL(base_url).netloc.decode(), page)
    return httpx.Client(
        base_url=base_url.rstrip("/") + "/",
        auth=auth,
        headers={"Accept": "application/json", **(headers or {})},
        timeout=timeout,
        transport=transport,
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        follow_redirects=False,
    )


# A path template is written in code: letters, digits, `-_.~/`, and `{}` where a value goes.
_TEMPLATE = re.compile(r"(?:[A-Za-z0-9\-_.~/]|\{\})*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def segment(value: str | int) -> str:
    """`value` as one percent-encoded path segment: it can name a thing, never move to another endpoint.

    Refuses what no remote id can be and what a server or proxy may read as a step in the path: an
    empty value, `.`, `..` and control characters. Everything else, `/`, `%`, `?` and `#` included, is
    encoded, so the remote service receives the value and nothing but the value. A refusal is an
    ApiNotFound without a request: nothing on the remote service can have that name.
    """
    text = str(value)
    if text in ("", ".", "..") or _CONTROL.search(text):
        raise ApiNotFound(f"Nothing on the remote service is named {text!r}", status=404)
    return quote(text, safe="")


def fill(template: str, values: tuple[str | int, ...]) -> str:
    """The path `template` with each `{}` replaced by one encoded segment (see `segment`).

    The template must be a constant: a value formatted into it with an f-string is refused when it
    brings a character, a `%` escape or a `.`/`..` step that a constant path never has.
    """
    if not _TEMPLATE.fullmatch(template) or {".", ".."} & set(template.split("/")):
        raise ValueError(f"A remote path is a constant template, values go in as segments: {template!r}")
    if template.count("{}") != len(values):
        raise ValueError(f"{template!r} has {template.count('{}')} places for {len(values)} values")
    return template.format(*(segment(value) for value in values))


def present(**values: Any) -> dict[str, Any]:
    """The query parameters or body fields that are set: a None is left out, not sent as null."""
    return {name: value for name, value in values.items() if value is not None}


class ApiClient:
    """Base of every remote client: owns one httpx.Client and maps every failure to an ApiError."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def read_error(self, body: Any) -> RemoteError:
        """What the service said in an error body; a client overrides it with its service's shape."""
        return read_error(body)

    def request(self, method: str, path: str, *segments: str | int, **kwargs: Any) -> httpx.Response:
        """Send one request; return the response, or raise the ApiError that fits the failure.

        `path` is a constant template and `segments` fill its `{}`s, each encoded as one segment:
        `request("GET", "folders/{}/files/{}", folder, name)`. See `fill`.
        """
        path = fill(path, segments)
        try:
            response = self.http.request(method, path.lstrip("/"), **kwargs)
        except (httpx.TransportError, addresses.Refused) as exc:
            raise _unreached(method, path, exc) from exc
        # httpx's response and its stream refer to each other, so the body (half a megabyte for a page of
        # 1000 items) would wait for a full collection, rare in a process holding Django: a job reading
        # 1,000,000 items held 90 MB of answers so. The body is read already (BodyReadingTransport).
        response.stream = httpx.ByteStream(response.content)
        if response.is_error:
            raise error_for(response, self.read_error)
        if response.is_redirect:
            # A redirect from an API usually means a wrong base URL (a login page, http -> https).
            raise ApiError(
                f"Unexpected redirect to {response.headers.get('location', '?')}; check the base URL",
                status=response.status_code,
            )
        return response

    @contextmanager
    def stream(self, method: str, path: str, *segments: str | int, **kwargs: Any) -> Iterator[httpx.Response]:
        """Like `request`, but the body is left unread: iterate it (`iter_bytes`) inside the block.

        A connection dropped mid-body is then the caller's ApiUnavailable, not a transport retry.
        """
        path = fill(path, segments)
        request = self.http.build_request(method, path.lstrip("/"), extensions={STREAM: True}, **kwargs)
        try:
            response = self.http.send(request, stream=True)
        except (httpx.TransportError, addresses.Refused) as exc:
            raise _unreached(method, path, exc) from exc
        try:
            if response.is_error:
                response.read()
                raise error_for(response, self.read_error)
            yield response
        except httpx.TransportError as exc:
            logger.info("%s %s broke off: %r", method, path, exc)
            raise ApiUnavailable(f"{method} {path}: the answer broke off") from exc
        finally:
            response.close()

    @overload
    def parse(self, target: type[M], response: httpx.Response, *, operation: str = "") -> M: ...

    @overload
    def parse(self, target: TypeAdapter[T], response: httpx.Response, *, operation: str = "") -> T: ...

    def parse(
        self, target: type[M] | TypeAdapter[T], response: httpx.Response, *, operation: str = ""
    ) -> M | T:
        """The body read as `target` (a model or TypeAdapter); raises ApiProtocolError if it does not fit."""
        try:
            if isinstance(target, TypeAdapter):
                return target.validate_json(response.content)
            return target.model_validate_json(response.content)
        except ValidationError as exc:
            path = response.request.url.path
            raise ApiProtocolError(
                operation=operation or f"{response.request.method} {path}",
                path=path,
                detail=summarize(exc),
                status=response.status_code,
            ) from exc


def _unreached(method: str, path: str, exc: Exception) -> ApiError:
    """The error shown for a request that got no answer: the same words whatever the reason."""
    if isinstance(exc, addresses.Refused):
        return ApiAddressRefused(f"{exc}; ask the administrator of this server to allow it if it is yours")
    logger.info("%s %s: %r", method, path, exc)  # the reason, for whoever reads the logs
    return ApiUnavailable(f"{method} {path}: {UNREACHABLE}")


def summarize(exc: ValidationError, *, limit: int = 3) -> str:
    """The first few validation errors as "location: message", e.g. "data.0.id: Field required"."""
    errors = exc.errors(include_url=False, include_input=False)
    parts = [f"{'.'.join(map(str, error['loc'])) or 'body'}: {error['msg']}" for error in errors[:limit]]
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)


@dataclass(frozen=True)
class RemoteError:
    """What an error body says: the message, the service's own error code, field errors by remote path."""

    message: str = ""
    code: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)


# Where services commonly put their words (RFC 9457 problem details among them), in the order tried.
MESSAGE_KEYS = ("message", "detail", "error", "title")


def read_error(body: Any) -> RemoteError:
    """The generic reading of an error body: a text body is the message; a JSON object's first string
    under MESSAGE_KEYS is. A client whose service writes more (codes, field errors) overrides
    `ApiClient.read_error`."""
    if isinstance(body, str):
        return RemoteError(body[:500])
    if isinstance(body, dict):
        for key in MESSAGE_KEYS:
            if isinstance(body.get(key), str) and body[key]:
                return RemoteError(body[key])
    return RemoteError()


def error_for(response: httpx.Response, read: Callable[[Any], RemoteError] = read_error) -> ApiError:
    """The ApiError for an error response, keeping the remote message, code and status.

    `read` takes the body (parsed JSON, or the text when it is not JSON) and says what it means.
    """
    status = response.status_code
    body = _body(response)
    said = read(body)
    message = said.message or response.reason_phrase or f"HTTP {status}"
    kwargs: dict[str, Any] = {"status": status, "code": said.code, "body": body, "field_errors": said.fields}
    if status == 429:
        return ApiRateLimited(message, retry_after=_retry_after(response), **kwargs)
    if status >= 500:
        return ApiUnavailable(message, **kwargs)
    error_class = {
        400: ApiValidationError,
        401: ApiUnauthorized,
        403: ApiUnauthorized,
        404: ApiNotFound,
        409: ApiConflict,
        422: ApiValidationError,
    }.get(status, ApiError)
    return error_class(message, **kwargs)


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text.strip()


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds, sent as seconds or as an HTTP date (RFC 9110 §10.2.3)."""
    value: str = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
