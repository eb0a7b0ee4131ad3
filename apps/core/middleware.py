from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable
from typing import Any

import kombu.exceptions
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django_htmx.http import reswap, retarget

from apps.core import audit, http, memo
from apps.core.http import ApiConflict, ApiError, ApiNotFound, ApiValidationError, RemoteBusy
from apps.core.queue import QueueUnavailable

logger = logging.getLogger(__name__)


def _exempt(request: HttpRequest) -> bool:
    """Whether the path is one of settings.LOGIN_EXEMPT_PREFIXES (an API whose clients bring keys)."""
    return request.path_info.startswith(tuple(settings.LOGIN_EXEMPT_PREFIXES))


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if _exempt(request):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ActorMiddleware:
    """Tells the audit log who is acting, for the changes only signals see (users, groups, roles)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.acting(lambda: getattr(request, "user", None)):
            return self.get_response(request)


class MemoMiddleware:
    """Each request keeps what it works out once (apps.core.memo) until it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with memo.request_scope():
            return self.get_response(request)


class BadInputMiddleware:
    """Input no database column can hold, refused once for every view (LOGIN_EXEMPT_PREFIXES aside: an
    API served there answers for itself).

    A NUL character in any query or form name or value is a 400: PostgreSQL text cannot hold NUL, so one
    that reached a filter or a saved row was a 500, and no person types one. A number in the path beyond
    a 64-bit integer (`/operations/99999999999999999999/`) names no row: a 404, not a database overflow.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if _exempt(request):
            return None
        if any(isinstance(value, int) and not -BIGINT <= value < BIGINT for value in view_kwargs.values()):
            raise Http404("No such row")
        in_path = any(isinstance(value, str) and "\x00" in value for value in view_kwargs.values())
        if not in_path and not _has_nul(request):
            return None
        context = {"problem": "A NUL character (\\0) was sent in a field or in the address."}
        return render(request, "400.html", context, status=400)


BIGINT = 2**63


def _has_nul(request: HttpRequest) -> bool:
    params = [request.GET] + ([request.POST] if request.method == "POST" else [])
    return any(
        "\x00" in key or any("\x00" in value for value in values) for p in params for key, values in p.lists()
    )


class RemotePageMiddleware:
    """Bounds the remote calls a page makes (settings.REMOTE_PAGE_*, apps.core.http.page_limits)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limits = http.PageLimits(
            slots=settings.REMOTE_PAGE_SLOTS,
            wait=settings.REMOTE_PAGE_WAIT,
            timeout=settings.REMOTE_PAGE_TIMEOUT,
            budget=settings.REMOTE_PAGE_BUDGET,
        )
        with http.page_limits(limits):
            return self.get_response(request)


class ApiErrorMiddleware:
    """Turns a remote-API failure into an inline alert (htmx) or an error page, and a page opened with
    a method its view does not take (Django answers an empty 405) into a page in words: for GET and POST,
    what a browser sends; OPTIONS and the rest are asked by programs, which read the Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        blank = response.status_code == 405 and not response.streaming and not response.content
        if blank and request.method in ("GET", "POST") and not _exempt(request):
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, kombu.exceptions.OperationalError):
            # A send that went around the queue's own guard (which raises QueueUnavailable): still a
            # refusal, not a 500.
            exception = QueueUnavailable()
        if isinstance(exception, QueueUnavailable):
            return _queue_down(request, exception)
        if not isinstance(exception, ApiError):
            return None
        logger.warning("remote API error on %s: %s (%s)", request.path, exception.message, exception.status)
        context = {"error": exception}
        if getattr(request, "htmx", False):
            # htmx swaps only 2xx answers; the alert goes to the messages region instead of the target.
            response = render(request, "core/api_error.html#alert", context)
            return reswap(retarget(response, "#messages"), "beforeend")
        status = {ApiNotFound: 404, ApiConflict: 409, ApiValidationError: 400, RemoteBusy: 503}.get(
            type(exception), 502
        )
        return render(request, "core/api_error.html", context, status=status)


def _queue_down(request: HttpRequest, exception: QueueUnavailable) -> HttpResponse:
    """The broker did not take a task: a 503 page, or for htmx the alert in the messages region."""
    logger.warning("task queue unreachable on %s", request.path)
    context = {"error": exception}
    if getattr(request, "htmx", False):
        response = render(request, "core/queue_down.html#alert", context)
        return reswap(retarget(response, "#messages"), "beforeend")
    return render(request, "core/queue_down.html", context, status=503)


class TimezoneMiddleware:
    """Show times in the person's zone: the browser reports it in the `tz` cookie (see app.js)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = person_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)


def person_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    name = request.COOKIES.get("tz", "")
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
