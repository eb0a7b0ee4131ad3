"""Bulk actions: the readiness list, then the job's page with its progress and per-item results."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.content import tasks
from apps.content.models import BulkRun
from apps.content.services import bulk
from apps.content.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.jobs import enqueue, runner
from apps.jobs import services as jobs_services
from apps.jobs import tasks as jobs_tasks
from apps.jobs.models import JobItem

ITEMS_PAGE = 100


@require_http_methods(["GET", "POST"])
@permission_required("content.publish_content", raise_exception=True)
def bulk_ready(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    """GET: what would happen to each chosen record. POST: start the job for the ready ones."""
    data = request.POST if request.method == "POST" else request.GET
    operation = data.get("operation", "")
    if operation not in BulkRun.Operation.values:
        messages.error(request, "Choose publish, unpublish or delete.")
        return redirect("content:records", app_id=app_id)
    ids = data.getlist("id") or [i for i in data.get("ids", "").split(",") if i]
    everything = data.get("all") == "1"
    if not ids and not everything:
        messages.warning(request, "Select at least one record first.")
        return redirect("content:records", app_id=app_id)
    with workspace_for(request.user).client() as api:
        schema = api.get_schema(app_id)
        try:
            records = bulk.select(
                api,
                schema,
                ids=ids if not everything else None,
                search=data.get("q") or None,
                status=data.get("status") or None,
            )
        except bulk.BadSelection as exc:
            messages.error(request, str(exc))
            return redirect("content:records", app_id=app_id)
        verdicts = bulk.readiness(api, schema, operation, records)
    ready = [v.record for v in verdicts if v.outcome == "ready"]
    if request.method == "POST" and ready:
        connection = workspace_for(request.user).connection
        job = bulk.create_job(
            request.user, connection, schema, operation, ready, task_name=tasks.run_bulk.name
        )
        enqueue.send(tasks.run_bulk, job.pk)
        return redirect("content:bulk_detail", pk=job.pk)
    if request.method == "POST":
        messages.warning(request, "None of these records is ready; nothing was started.")
    context = {
        "schema": schema,
        "operation": operation,
        "operation_label": BulkRun.Operation(operation).label,
        "verdicts": verdicts,
        "ready": ready,
        "ready_ids": ",".join(record.id for record in ready),
        "skipped": sum(v.outcome == "skip" for v in verdicts),
        "failing": sum(v.outcome == "fail" for v in verdicts),
        "everything": everything,
    }
    return render(request, "content/bulk/ready.html", context)


def _run(request: HtmxHttpRequest, pk: int) -> BulkRun:
    runs = BulkRun.objects.filter(connection=workspace_for(request.user).connection)
    return get_object_or_404(runs.select_related("job", "job__created_by"), job_id=pk)


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def bulk_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    context = _context(request, _run(request, pk))
    # Another page of items also moves the poll to that page (its progress comes out of band).
    template = (
        "content/bulk/page.html" if request.htmx and not request.htmx.boosted else "content/bulk/detail.html"
    )
    return render(request, template, context)


@require_GET
@permission_required("content.view_content", raise_exception=True)
def bulk_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The poll: progress, and the items table of the same moment (the buttons only once it ends)."""
    return render(request, "content/bulk/poll.html", _context(request, _run(request, pk)))


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def bulk_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    jobs_services.cancel_job(_run(request, pk).job, user=request.user)
    messages.success(request, "Stopping: calls under way finish, the rest are left as they are.")
    return redirect("content:bulk_detail", pk=pk)


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def bulk_retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if jobs_tasks.retry(_run(request, pk).job, user=request.user):
        messages.success(request, "Queued again: the failed and the not yet started records.")
    else:
        messages.warning(request, "Only a job that failed or was cancelled can be retried.")
    return redirect("content:bulk_detail", pk=pk)


def _context(request: HtmxHttpRequest, run: BulkRun) -> dict[str, object]:
    show = request.GET.get("show", "")
    items = run.job.items.all()
    if show in JobItem.State.values:
        items = items.filter(state=show)
    return {
        "run": run,
        **runner.status(run.job),
        "show": show,
        "states": JobItem.State.choices,
        "page": Paginator(items, ITEMS_PAGE).get_page(request.GET.get("page")),
        "detail_url": reverse("content:bulk_detail", args=[run.job_id]),
        "query": urlencode({k: v for k, v in request.GET.items() if k in ("show", "page") and v}),
    }
