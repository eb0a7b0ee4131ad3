"""Pause or resume the chosen workflows, or every one matching a filter: the readiness list, then the
job's page (both shared: `apps.jobs.bulk`)."""

from __future__ import annotations

from collections.abc import Generator

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.automations import tasks
from apps.automations.client import Workflow
from apps.automations.forms.workflows import WorkflowFilterForm
from apps.automations.models import WorkflowBulkRun
from apps.automations.services import bulk
from apps.automations.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.jobs import bulk as jobs_bulk
from apps.jobs.bulk import Verdict
from apps.jobs.models import Job


class WorkflowsFlow:
    """The readiness page of workflows picked in the list, or of every one its filters find."""

    operations = WorkflowBulkRun.Operation
    noun, pick, parts = "workflow", "workflow", "automations/bulk/ready_parts.html"
    danger: frozenset[str] = frozenset()
    ask_first = frozenset({"pause"})  # pausing stops journeys customers are in

    def __init__(self, request: HtmxHttpRequest) -> None:
        self.request = request
        self.back_url = reverse("automations:workflows")
        data = request.POST if request.method == "POST" else request.GET
        self.filters = WorkflowFilterForm(data, folders={}, tags=[])

    def key(self, workflow: Workflow) -> str:
        return workflow.diagram_id

    def verdicts(self, operation: str, ids: list[str] | None) -> Generator[list[Verdict]]:
        with workspace_for(self.request.user).client() as api:
            for workflows in bulk.select(api, ids=ids, query=self.filters.query()):
                yield bulk.readiness(operation, workflows)

    def create(self, operation: str, ready: list[Workflow]) -> Job:
        workspace = workspace_for(self.request.user)
        return bulk.create_job(workspace, operation, ready, task_name=tasks.run_bulk.name)


@require_http_methods(["GET", "POST"])
@permission_required("automations.operate_workflows", raise_exception=True)
def bulk_ready(request: HtmxHttpRequest) -> HttpResponseBase:
    """GET: what would happen to each workflow. POST: start the job for the ready ones."""
    return jobs_bulk.confirm(request, WorkflowsFlow(request))


bulk_detail, bulk_status, bulk_cancel, bulk_retry = jobs_bulk.job_views(bulk.JOBS)
