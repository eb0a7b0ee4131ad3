"""Bulk actions: the readiness list, then the job's page with its progress and per-item results."""

from __future__ import annotations

from collections.abc import Generator
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.content import tasks
from apps.content.client import Record, Schema
from apps.content.models import BulkRun
from apps.content.services import bulk
from apps.content.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.jobs import bulk as jobs_bulk
from apps.jobs import runner
from apps.jobs import services as jobs_services
from apps.jobs import tasks as jobs_tasks
from apps.jobs.bulk import Verdict
from apps.jobs.models import Job, JobItem

ITEMS_PAGE = 100


class RecordsFlow:
    """The readiness page of a schema's records, chosen in its list or found by its filter."""

    operations = BulkRun.Operation
    noun, pick, parts = "record", "id", "content/bulk/ready_parts.html"
    danger = ask_first = frozenset({"delete"})

    def __init__(self, request: HtmxHttpRequest, app_id: str) -> None:
        self.request, self.app_id = request, app_id
        self.back_url = reverse("content:records", args=[app_id])
        self.schema: Schema | None = None  # read with the records; the page and the job name it

    def key(self, record: Record) -> str:
        return record.id

    def verdicts(self, operation: str, ids: list[str] | None) -> Generator[list[Verdict]]:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        with workspace_for(self.request.user).client() as api:
            self.schema = schema = api.get_schema(self.app_id)
            search, status = data.get("q") or None, data.get("status") or None
            for records in bulk.select(api, schema, ids=ids, search=search, status=status):
                yield bulk.readiness(api, schema, operation, records)

    def create(self, operation: str, ready: list[Record]) -> Job:
        assert self.schema is not None  # verdicts() read it
        workspace = workspace_for(self.request.user)
        return bulk.create_job(workspace, self.schema, operation, ready, task_name=tasks.run_bulk.name)


@require_http_methods(["GET", "POST"])
@permission_required("content.publish_content", raise_exception=True)
def bulk_ready(request: HtmxHttpRequest, app_id: str) -> HttpResponseBase:
    """GET: what would happen to each chosen record. POST: start the job for the ready ones."""
    return jobs_bulk.confirm(request, RecordsFlow(request, app_id))


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
