"""Pause or resume the chosen workflows, or every one matching a filter: the readiness list, then a job."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.automations import tasks
from apps.automations.forms.workflows import WorkflowFilterForm
from apps.automations.models import WorkflowBulkRun
from apps.automations.services import bulk
from apps.automations.services.workspace import workspace_for
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.htmx import HtmxHttpRequest
from apps.jobs import enqueue


@require_http_methods(["GET", "POST"])
@permission_required("automations.operate_workflows", raise_exception=True)
def bulk_ready(request: HtmxHttpRequest) -> HttpResponse:
    """GET: what would happen to each workflow. POST: start the job for the ready ones."""
    data = request.POST if request.method == "POST" else request.GET
    operation = data.get("operation", "")
    if operation not in WorkflowBulkRun.Operation.values:
        messages.error(request, "Choose pause or resume.")
        return redirect("automations:workflows")
    ids = data.getlist("workflow") or [i for i in data.get("ids", "").split(",") if i]
    everything = data.get("all") == "1"
    if not ids and not everything:
        messages.warning(request, "Select at least one workflow first.")
        return redirect("automations:workflows")
    filters = WorkflowFilterForm(data, folders=[], tags=[])
    query = filters.query()
    with workspace_for(request.user).client() as api:
        try:
            workflows = bulk.select(api, ids=None if everything else ids, query=query)
        except bulk.BadSelection as exc:
            messages.error(request, str(exc))
            return redirect("automations:workflows")
    verdicts = bulk.readiness(operation, workflows)
    ready = [v.workflow for v in verdicts if v.outcome == "ready"]
    if request.method == "POST" and ready:
        connection = connections.connection_for(request.user, Connection.Kind.SYNERISE)
        job = bulk.create_job(request.user, connection, operation, ready, task_name=tasks.run_bulk.name)
        enqueue.send(tasks.run_bulk, job.pk)
        return redirect("jobs:detail", pk=job.pk)
    if request.method == "POST":
        messages.warning(request, "None of these workflows is ready; nothing was started.")
    context = {
        "operation": operation,
        "operation_label": WorkflowBulkRun.Operation(operation).label,
        "verdicts": verdicts,
        "ready": ready,
        "ready_ids": ",".join(workflow.diagram_id for workflow in ready),
        "skipped": sum(v.outcome == "skip" for v in verdicts),
        "failing": sum(v.outcome == "fail" for v in verdicts),
        "everything": everything,
        "filters": filters if everything else None,
    }
    return render(request, "automations/bulk/ready.html", context)
