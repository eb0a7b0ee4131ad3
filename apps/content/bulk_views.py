"""Bulk actions: the readiness list, then the job's page with its progress and per-item results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.content import bulk, services
from apps.content.models import BulkItem, BulkRun
from apps.core.htmx import HtmxHttpRequest
from apps.jobs import services as jobs_services
from apps.jobs import tasks as jobs_tasks

FAILED_SHOWN = 50


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
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        try:
            records = bulk.select(
                api,
                schema,
                ids=ids if not everything else None,
                search=data.get("q") or None,
                status=data.get("status") or None,
            )
        except bulk.TooMany as exc:
            messages.error(request, str(exc))
            return redirect("content:records", app_id=app_id)
        verdicts = bulk.readiness(api, schema, operation, records)
    ready = [v.record for v in verdicts if v.outcome == "ready"]
    if request.method == "POST" and ready:
        job = bulk.start(request.user, services.workspace_for(request.user), schema, operation, ready)
        return redirect("bulk:detail", pk=job.pk)
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
    return render(request, "content/bulk_ready.html", context)


@require_GET
@permission_required("content.view_content", raise_exception=True)
def bulk_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BulkRun.objects.select_related("job", "job__created_by"), job_id=pk)
    show = request.GET.get("show", "")
    items = run.items.all()
    if show in BulkItem.State.values:
        items = items.filter(state=show)
    context = {
        **_status(run),
        "show": show,
        "states": BulkItem.State.choices,
        "page": Paginator(items, 100).get_page(request.GET.get("page")),
    }
    template = "content/bulk_detail.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@require_GET
@permission_required("content.view_content", raise_exception=True)
def bulk_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BulkRun.objects.select_related("job"), job_id=pk)
    return render(request, "content/bulk_detail.html#status", _status(run))


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def bulk_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BulkRun.objects.select_related("job"), job_id=pk)
    jobs_services.cancel_job(run.job, user=request.user)
    messages.success(request, "Stopping: calls under way finish, the rest are left as they are.")
    return redirect("bulk:detail", pk=pk)


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def bulk_retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BulkRun.objects.select_related("job"), job_id=pk)
    if jobs_tasks.retry(run.job, user=request.user):
        messages.success(request, "Queued again: the failed and the not yet started records.")
    else:
        messages.warning(request, "Only a job that failed or was cancelled can be retried.")
    return redirect("bulk:detail", pk=pk)


def _status(run: BulkRun) -> dict[str, object]:
    """Counts, rate and time left, and the failures so far."""
    job = run.job
    totals = bulk.counts(run)
    finished = totals["done"] + totals["failed"]
    rate = eta = None
    if job.started_at and finished:
        # Items finished in this attempt of the job, over the time it has run.
        recent = run.items.filter(finished_at__gte=job.started_at).count()
        elapsed = ((job.finished_at or timezone.now()) - job.started_at).total_seconds()
        rate = recent / elapsed if elapsed > 0 and recent else None
        if rate and not job.is_finished:
            eta = totals["waiting"] / rate
    return {
        "run": run,
        "job": job,
        "totals": totals,
        "percent": finished * 100 // max(1, totals["total"]),
        "rate": rate,
        "eta": eta,
        "failures": run.items.filter(state=BulkItem.State.FAILED)[:FAILED_SHOWN],
    }
