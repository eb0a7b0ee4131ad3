"""Scheduling a workflow's pause, resume or stop from its page; the Scheduled screens are shared (jobs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.automations.forms.schedule import WorkflowScheduleForm
from apps.automations.services import schedule, workflows
from apps.automations.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.core.templatetags.times import plain_times


@require_POST
@permission_required("automations.operate_workflows", raise_exception=True)
def workflow_schedule(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    form = WorkflowScheduleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, f"Not scheduled: {error[0]}")
        return redirect("automations:workflow", workflow_id=workflow_id)
    action, at = form.cleaned_data["action"], form.cleaned_data["at"]
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        workflow = workflows.find(workspace, api=api, workflow_id=workflow_id)
    try:
        item = schedule.schedule(workspace, workflow=workflow, action=action, at=at)
    except schedule.AlreadyScheduled as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{item} at {plain_times(at)}.")
    return redirect("automations:workflow", workflow_id=workflow_id)
