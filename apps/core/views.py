from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from apps.core.htmx import HtmxHttpRequest


@require_GET
@login_not_required
@cache_control(max_age=86400, public=True)
def favicon(request: HtmxHttpRequest) -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page links: the site's SVG icon."""
    found = finders.find("favicon.svg")
    if not found:
        raise Http404
    return FileResponse(open(found, "rb"), content_type="image/svg+xml")  # noqa: SIM115 -- closed by Django
