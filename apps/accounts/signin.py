"""Sign-in limits and idle sessions.

Two limits on failed sign-ins, where django-axes has one: a username at one address
(AXES_FAILURE_LIMIT, 5), and an address whatever the usernames (AXES_IP_FAILURE_LIMIT, 50). An office
behind one NAT shares an address: one person's wrong passwords lock out that person there, not the
office, while an address guessing through many usernames is still stopped.

A signed-in session ends after SESSION_IDLE_HOURS without a request. Its expiry moves forward when the
session is saved, and saving on every request costs a database write per page, so it is saved when the
last mark is more than REFRESH_SECONDS old: an idle session ends between IDLE - REFRESH and IDLE.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse

# The session key holding when the session was last saved (seconds since the epoch).
SEEN = "signin_seen"
REFRESH_SECONDS = 300


class SignInLimits(AxesDatabaseHandler):
    """axes' database handler, with a lock per username at an address and a higher one per address.

    axes compares one count with one limit; this count reaches AXES_FAILURE_LIMIT when either limit is
    reached, so axes' own checks, lockout page and signals work unchanged.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        )
        username = get_client_username(request, credentials)
        person = _failures(recent.filter(username=username))
        if _failures(recent) >= settings.AXES_IP_FAILURE_LIMIT:
            limit: int = get_failure_limit(request, credentials)
            return max(person, limit)
        return person

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """A sign-in clears that person's failures at that address; the address's others still count."""
        username = get_client_username(request, credentials)
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address, username=username)
        count: int = attempts.delete()[0]
        return count


def _failures(attempts: Any) -> int:
    total: int | None = attempts.aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


class IdleSessionMiddleware:
    """Keeps a signed-in session alive while it is used, saving it at most every REFRESH_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        # Anonymous visitors get no session row; signing in saves the session anyway.
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(SEEN, 0) >= REFRESH_SECONDS:
                session[SEEN] = now
        return self.get_response(request)
