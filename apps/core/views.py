from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from apps.content.models import ScheduledAction
from apps.core.forms import AuditFilterForm
from apps.core.htmx import HtmxHttpRequest
from apps.core.models import AuditEntry
from apps.jobs import services as jobs_services
from apps.jobs.models import Job
from synadmin.celery import app as celery_app


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=7)
    context = {
        "running": Job.objects.active().select_related("created_by")[:10],
        "failed": Job.objects.failed().filter(created_at__gte=since).select_related("created_by")[:10],
        "beat_is_late": jobs_services.beat_is_late(),
        "scheduled": ScheduledAction.objects.filter(state__in=ScheduledAction.OPEN)[:8],
        "failed_schedule": ScheduledAction.objects.filter(
            state=ScheduledAction.State.FAILED, finished_at__gte=since
        )[:10],
    }
    return render(request, "core/home.html", context)


@require_GET
@never_cache
@login_not_required
def healthz(request: HtmxHttpRequest) -> JsonResponse:
    """Database and broker reachability: 200 when both answer, 503 otherwise."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises transport-specific errors
        return f"error: {type(exc).__name__}"
    return "ok"


@require_GET
@permission_required("core.view_auditentry", raise_exception=True)
@vary_on_headers("HX-Request")
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
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
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template_name = "core/audit_list.html"
    if request.htmx and not request.htmx.boosted:
        template_name += "#results"
    return render(request, template_name, {"form": form, "page": page})
