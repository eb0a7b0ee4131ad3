"""Latency and failures injected into the sandbox's answers (FaultSettings), for reliability tests.

They wrap the sandbox's views only (apps/sandbox/urls.py), never a dashboard page.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import URLPattern, URLResolver

from apps.sandbox.models import FaultSettings

View = Callable[..., HttpResponseBase]
Urls = tuple[list[URLPattern | URLResolver], str, str]


def with_faults(view: View) -> View:
    """`view`, answered late or not at all as FaultSettings says."""

    @functools.wraps(view)  # keeps csrf_exempt and the other flags set on the view
    def faulty(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        faults = FaultSettings.current()
        if faults is not None and faults.path_contains in request.path:
            if faults.latency_ms:
                time.sleep(faults.latency_ms / 1000)
            if faults.faults and random.random() < faults.error_rate:
                fault = random.choice(faults.faults)
                if fault == FaultSettings.Fault.LOST:
                    return lose(request, view(request, *args, **kwargs))
                return inject(fault, faults)
        return view(request, *args, **kwargs)

    return faulty


def urls_with_faults(urls: Urls) -> Urls:
    """An include() tuple (such as a NinjaAPI's `urls`) whose every view goes through with_faults."""
    patterns, app_name, namespace = urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            raise TypeError(f"Can't inject faults into the nested URLs of {pattern!r}")
        wrapped.append(
            URLPattern(pattern.pattern, with_faults(pattern.callback), pattern.default_args, pattern.name)
        )
    return wrapped, app_name, namespace


def inject(fault: str, faults: FaultSettings) -> HttpResponseBase:
    if fault == FaultSettings.Fault.RATE_LIMITED:
        response = HttpResponse(
            '{"message": "Too many requests (injected)"}', status=429, content_type="application/json"
        )
        response["Retry-After"] = str(faults.retry_after)
        return response
    if fault == FaultSettings.Fault.DROP:
        # Promise a body, then break off: the client sees the connection drop mid-response.
        dropped = StreamingHttpResponse(_broken_body(), content_type="application/json")
        dropped["Content-Length"] = "1000"
        return dropped
    return HttpResponse(
        '{"message": "Service unavailable (injected)"}', status=503, content_type="application/json"
    )


def lose(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """The answer of a write that was made (and committed), cut off halfway: the client sees the
    connection drop and cannot know that the write happened. A read's answer is left whole."""
    if request.method in ("GET", "HEAD", "OPTIONS") or not isinstance(response, HttpResponse):  # streamed
        return response
    body = response.content
    # An empty answer (a 204) is sent as a 200 that breaks off, or the client would see it whole.
    status, start = (response.status_code, body[: len(body) // 2]) if body else (200, b" ")
    lost = StreamingHttpResponse(_broken_body(start), status=status, content_type=response["Content-Type"])
    lost["Content-Length"] = str(max(len(body), 1000))
    return lost


def _broken_body(start: bytes = b'{"partial":') -> Iterator[bytes]:
    yield start
    raise ConnectionAbortedError("sandbox: injected dropped connection")
