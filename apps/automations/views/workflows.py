"""Workflows: the list, a workflow's page with its run history, and its controls (run, pause, stop)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.automations import tasks
from apps.automations.client import WorkflowsClient
from apps.automations.forms.schedule import WorkflowScheduleForm
from apps.automations.forms.workflows import StopForm, WorkflowFilterForm, folder_label
from apps.automations.models import WorkflowRun
from apps.automations.services import runs, schedule, workflows
from apps.automations.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.paging import PAGE_SIZE, page_number
from apps.jobs import enqueue

VIEW = "automations.view_workflows"
OPERATE = "automations.operate_workflows"
HISTORY_SHOWN = 30


@require_GET
@permission_required(VIEW, raise_exception=True)
@vary_on_headers("HX-Request")
def workflow_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    folders, tags = workflows.choices(workspace)
    form = WorkflowFilterForm(request.GET or None, folders=folders, tags=tags)
    page = workflows.list_page(workspace, number=page_number(request), limit=PAGE_SIZE, **form.query())
    context = {"form": form, "page": page, "filtered": form.filtered}
    return render(request, partial(request, "automations/workflows/list.html"), context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def workflow_detail(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        workflow = workflows.find(workspace, api=api, workflow_id=workflow_id)
    history = list(runs.history(workspace, workflow_id=workflow_id).defer("log")[:HISTORY_SHOWN])
    context = {
        "workflow": workflow,
        "history": history,
        "chart": _chart(history),
        "kept_days": settings.WORKFLOW_RUNS_KEPT_DAYS,
        "scheduled": schedule.open_for(workspace, workflow_id=workflow_id),
        "schedule_form": WorkflowScheduleForm(),
        "folder": _folder_name(workspace, workflow.directory_id or ""),
    }
    return render(request, "automations/workflows/detail.html", context)


def _folder_name(workspace: Workspace[WorkflowsClient], folder: str) -> str:
    if not folder:
        return ""
    return workflows.folder_names(workspace, folder=folder).get(folder) or folder_label(folder)


def _chart(history: list[WorkflowRun]) -> dict[str, Any]:
    """SVG bars of records done (green) over rejected (red) per run, oldest first, 100 units tall."""
    shown = list(reversed(history))
    top = max((run.success_count + run.failure_count for run in shown), default=0) or 1
    bars = []
    for index, run in enumerate(shown):
        ok, bad = round(100 * run.success_count / top), round(100 * run.failure_count / top)
        bars.append(
            {"run": run, "x": index * 10, "ok": ok, "ok_y": 100 - ok, "bad": bad, "bad_y": 100 - ok - bad}
        )
    return {"runs": bars, "top": top, "half": top // 2 if top > 1 else "", "width": max(10 * len(shown), 300)}


@require_POST
@permission_required(OPERATE, raise_exception=True)
def workflow_run(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    """Run or resume: a Job sends W3 and follows the run; the person watches it on the live page."""
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        workflow = workflows.find(workspace, api=api, workflow_id=workflow_id)
    if not workflow.can_run:
        messages.error(request, f"“{workflow.name}” is {workflow.status.lower()}, so it cannot be run now.")
        return redirect("automations:workflow", workflow_id)
    live = reverse("automations:live", args=[workflow_id])
    job = workflows.create_run(
        workspace,
        workflow_id=workflow_id,
        name=workflow.name,
        task_name=tasks.run_workflow.name,
        result_url=live,
        has_stages=workflow.has_transformation is not False,
    )
    enqueue.send(tasks.run_workflow, job.pk)
    verb = "Resuming" if workflow.status == "Paused" else "Starting"
    messages.success(request, f"{verb} “{workflow.name}”.")
    return redirect(live)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def workflow_pause(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    workflow = workflows.pause_workflow(workspace_for(request.user), workflow_id=workflow_id)
    messages.success(request, f"“{workflow.name}” is paused. Resume it to go on.")
    back = "automations:live" if request.POST.get("back") == "live" else "automations:workflow"
    return redirect(back, workflow_id)


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def workflow_stop(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        workflow = workflows.find(workspace, api=api, workflow_id=workflow_id)
    form = StopForm(request.POST or None, workflow_name=workflow.name)
    if request.method == "POST" and form.is_valid():
        workflows.stop_workflow(workspace, workflow_id=workflow_id, name=workflow.name)
        messages.success(request, f"“{workflow.name}” is stopped for good.")
        return redirect("automations:workflow", workflow_id)
    return render(request, "automations/workflows/stop.html", {"workflow": workflow, "form": form})
