"""Scheduling a record's publish or unpublish from its editor; the Scheduled screens are shared (jobs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.content.forms import records as forms
from apps.content.services import schedule
from apps.content.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.core.templatetags.times import plain_times


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def record_schedule(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = forms.ScheduleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, f"Not scheduled: {error[0]}")
        return redirect("content:record", app_id=app_id, record_id=record_id)
    action, at = form.cleaned_data["action"], form.cleaned_data["at"]
    with workspace.client() as api:
        schema = api.get_schema(app_id)
        record = schedule.version_acted_on(api, schema, record_id, action)
    try:
        schedule.schedule(workspace, schema=schema, record=record, action=action, at=at)
    except schedule.AlreadyScheduled as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{record.name} will {action} at {plain_times(at)}.")
    return redirect("content:record", app_id=app_id, record_id=record_id)
