from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from apps.core.forms import AuditFilterForm
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.models import AuditEntry
from apps.core.paging import LOCAL_PAGE_SIZE


@require_GET
@permission_required("core.view_auditentry", raise_exception=True)
@vary_on_headers("HX-Request")
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    filtered = form.is_valid() and any(form.cleaned_data.values())
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            entries = entries.filter(
                Q(username__icontains=q) | Q(action__icontains=q) | Q(target_repr__icontains=q)
            )
        if data["outcome"]:
            entries = entries.filter(outcome=data["outcome"])
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    page = Paginator(entries, LOCAL_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": filtered}
    return render(request, partial(request, "core/audit_list.html"), context)


@require_GET
@login_not_required
@cache_control(max_age=86400, public=True)
def favicon(request: HtmxHttpRequest) -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page links: the site's SVG icon."""
    found = finders.find("favicon.svg")
    if not found:
        raise Http404
    return FileResponse(open(found, "rb"), content_type="image/svg+xml")  # noqa: SIM115 -- closed by Django
