"""A page sent as it is made: its top at once, the rest as remote answers come (a bulk readiness list)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse
from django.middleware.csrf import get_token


def page(request: HttpRequest, parts: Iterator[str]) -> StreamingHttpResponse:
    """Sends each of `parts` as soon as it is made.

    The parts are made after the view has returned, so they are made in the request's context (the
    audit's actor, the page's remote-call limits; a call made then takes no slot, see `http.Page`),
    and the CSRF cookie a form among them needs goes out with the headers.
    """
    get_token(request)
    context = contextvars.copy_context()

    def sent() -> Iterator[bytes]:
        try:
            while (part := context.run(next, parts, None)) is not None:
                yield part.encode()
        finally:
            # A reader gone midway: the parts' client closes now, in the context it was opened in.
            close = getattr(parts, "close", None)
            if close:
                context.run(close)

    response = StreamingHttpResponse(sent(), content_type="text/html; charset=utf-8")
    response["X-Accel-Buffering"] = "no"  # a proxy such as nginx passes each part on as it comes
    response["Cache-Control"] = "no-store"
    return response
