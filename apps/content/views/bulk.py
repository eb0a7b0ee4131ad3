"""Bulk actions on records: the readiness list, then the job's page (both shared: `apps.jobs.bulk`)."""

from __future__ import annotations

from collections.abc import Generator

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.content import tasks
from apps.content.client import Record, Schema
from apps.content.models import BulkRun
from apps.content.services import bulk
from apps.content.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.jobs import bulk as jobs_bulk
from apps.jobs.bulk import Verdict
from apps.jobs.models import Job


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


bulk_detail, bulk_status, bulk_cancel, bulk_retry = jobs_bulk.job_views(bulk.JOBS)
