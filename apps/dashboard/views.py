"""The home page and the health check: the only views that look across every app."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.automations.services import runs as workflow_runs
from apps.automations.services.workspace import workspace_for as workflows_workspace
from apps.canvas.models import WorkflowRun
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.htmx import HtmxHttpRequest
from apps.jobs import scheduling
from apps.jobs import services as jobs_services
from apps.jobs.models import Job, ScheduledBase
from apps.launches.models import Launch
from apps.launches.services import launches
from synadmin.celery import app as celery_app

SHOWN = 10
State = ScheduledBase.State


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=7)
    sources = scheduling.visible(request.user)
    scheduled = scheduling.items_for(
        request.user, sources, lambda rows: rows.filter(state__in=ScheduledBase.OPEN)[:8]
    )
    failed_schedule = scheduling.items_for(
        request.user, sources, lambda rows: rows.filter(state=State.FAILED, finished_at__gte=since)[:SHOWN]
    )
    context = {
        "running": Job.objects.active().select_related("created_by")[:SHOWN],
        "failed": Job.objects.failed().filter(created_at__gte=since).select_related("created_by")[:SHOWN],
        "beat_is_late": jobs_services.beat_is_late(),
        "scheduled": sorted(scheduled, key=lambda item: item.due_at)[:8],
        "failed_schedule": sorted(failed_schedule, key=lambda item: item.finished_at, reverse=True)[:SHOWN],
    }
    if request.user.has_perm("launches.view_launches"):
        halted = launches.in_workspace(request.user).filter(
            state__in=[Launch.State.HELD, Launch.State.STOPPED]
        )
        context["halted_launches"] = halted[:SHOWN]
    if request.user.has_perm("canvas.view_integrations"):
        # Ours fail their job, listed above; these are the runs Canvas's scheduler started.
        failed_runs = WorkflowRun.objects.filter(status=WorkflowRun.Status.FAILED, job__isnull=True)
        context["failed_runs"] = failed_runs.filter(started_at__gte=since)[:SHOWN]
    if request.user.has_perm("automations.view_workflows"):
        current = connections.current_workspace(request.user)
        synerise = current if current and current.kind == Connection.Kind.SYNERISE else None
        workspace = workflows_workspace(request.user, connection=synerise) if synerise else None
        context["run_alerts"] = workflow_runs.alerts(workspace)
    return render(request, "dashboard/home.html", context)


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
            # Asked once: a refused connection is the answer, not a reason to ask again two seconds later
            # (kombu's first retry waits 2 s, which a load balancer's probe would spend waiting).
            conn.ensure_connection(max_retries=0, timeout=2)
    except Exception as exc:  # kombu raises transport-specific errors
        return f"error: {type(exc).__name__}"
    return "ok"
