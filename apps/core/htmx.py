from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request type of every view: django-htmx sets `request.htmx`."""

    htmx: HtmxDetails


def partial(request: HtmxHttpRequest, template: str, name: str = "results") -> str:
    """The template to render: only its `name` partial when htmx swaps part of the page.

    A boosted request (a link or form htmx took over) still wants the whole page.
    """
    return f"{template}#{name}" if request.htmx and not request.htmx.boosted else template


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` the form sent (POST, else GET) when it is a path on this site, else `default`.

    Only an absolute local path counts: no scheme, no other host, no `foo` (which `redirect` would
    try as a view name), no control characters.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = target.startswith("/") and not _CONTROL.search(target)
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if local and allowed else default


def redirect_next(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Redirect to the safe `next` of the request, else to `default` (a URL, not a view name)."""
    return HttpResponseRedirect(safe_next(request, default))
