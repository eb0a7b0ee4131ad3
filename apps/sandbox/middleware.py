from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from apps.sandbox.models import FaultSettings

PREFIX = "/sandbox/"


class FaultMiddleware:
    """Injects the latency and failures set in FaultSettings into the sandbox's answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.SANDBOX_ENABLED or not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        faults = FaultSettings.current()
        if faults is not None:
            if faults.latency_ms:
                time.sleep(faults.latency_ms / 1000)
            if faults.faults and random.random() < faults.error_rate:
                return inject(random.choice(faults.faults), faults)
        return self.get_response(request)


def inject(fault: str, faults: FaultSettings) -> HttpResponse:
    if fault == FaultSettings.Fault.RATE_LIMITED:
        response = HttpResponse(
            '{"message": "Too many requests (injected)"}', status=429, content_type="application/json"
        )
        response["Retry-After"] = str(faults.retry_after)
        return response
    if fault == FaultSettings.Fault.DROP:
        # Promise a body, then break off: the client sees the connection drop mid-response.
        response = StreamingHttpResponse(_broken_body(), content_type="application/json")
        response["Content-Length"] = "1000"
        return response
    return HttpResponse(
        '{"message": "Service unavailable (injected)"}', status=503, content_type="application/json"
    )


def _broken_body() -> Iterator[bytes]:
    yield b'{"partial":'
    raise ConnectionAbortedError("sandbox: injected dropped connection")
