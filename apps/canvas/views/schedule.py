"""The Scheduler of one Canvas workflow: a Quartz expression, its words and next fires, Pause and Resume."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.canvas.forms.schedule import CronForm, PresetForm
from apps.canvas.quartz import presets
from apps.canvas.services import schedule
from apps.canvas.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest, partial

TEMPLATE = "canvas/schedule/detail.html"


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
@vary_on_headers("HX-Request")
def schedule_page(request: HtmxHttpRequest, workflow_id: UUID) -> HttpResponse:
    workspace = workspace_for(request.user)
    workflow = schedule.read(workspace, workflow_id=workflow_id)
    zone = timezone.get_current_timezone()
    preset_form = PresetForm(request.GET if "kind" in request.GET else None)
    resumable = schedule.paused(workspace, workflow=workflow)
    # The expression Canvas fills into a new workflow is nobody's choice: shown only once it is one.
    cron = workflow.cron if workflow.is_scheduled or resumable else ""
    text = request.GET.get("cron") or cron
    written = None
    if preset_form.is_bound and preset_form.is_valid():
        written = presets.write(preset_form.preset(), zone)
        text = written.cron
    form = CronForm(initial={"cron": text})
    context = {
        "workflow": workflow,
        "form": form,
        "preset_form": preset_form,
        "written": written,
        "preview": schedule.preview(text, zone) if text else None,
        "cron": cron,
        "current": schedule.preview(cron, zone, count=1) if cron else None,
        "clock_changes": presets.has_clock_changes(zone, timezone.now()),
        "resumable": resumable,
        "can_operate": request.user.has_perm("canvas.operate_integrations"),
    }
    return render(request, partial(request, TEMPLATE, "preview"), context)


@require_POST
@permission_required("canvas.operate_integrations", raise_exception=True)
def schedule_save(request: HtmxHttpRequest, workflow_id: UUID) -> HttpResponse:
    workspace = workspace_for(request.user)
    workflow = schedule.read(workspace, workflow_id=workflow_id)
    form = CronForm(request.POST)
    preview = schedule.preview(form.data.get("cron", ""), timezone.get_current_timezone())
    if not form.is_valid() or preview.error or preview.never_fires:
        errors = form.errors.get("cron")
        reason = errors[0] if errors else preview.error or "it never fires again"
        messages.error(request, f"Not saved: {reason}")
        return redirect(_page(workflow_id, form.data.get("cron", "")))
    turn_on = request.POST.get("turn_on", "1") == "1"
    schedule.save(workspace, workflow=workflow, cron=preview.text, turn_on=turn_on)
    state = "on" if turn_on else "off"
    messages.success(request, f"Saved. The scheduler of {workflow.name} is {state}: {preview.words} (UTC).")
    return redirect("canvas:schedule", workflow_id=workflow_id)


@require_POST
@permission_required("canvas.operate_integrations", raise_exception=True)
def schedule_pause(request: HtmxHttpRequest, workflow_id: UUID) -> HttpResponse:
    workspace = workspace_for(request.user)
    workflow = schedule.read(workspace, workflow_id=workflow_id)
    schedule.pause(workspace, workflow=workflow)
    messages.success(
        request,
        f"Paused {workflow.name}: no more scheduled runs until you resume. "
        "Canvas has no call to stop a run in progress, so a run already going will finish.",
    )
    return redirect("canvas:schedule", workflow_id=workflow_id)


@require_POST
@permission_required("canvas.operate_integrations", raise_exception=True)
def schedule_resume(request: HtmxHttpRequest, workflow_id: UUID) -> HttpResponse:
    workspace = workspace_for(request.user)
    workflow = schedule.read(workspace, workflow_id=workflow_id)
    try:
        schedule.resume(workspace, workflow=workflow)
    except schedule.NothingToResume as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Resumed {workflow.name} on its schedule.")
    return redirect("canvas:schedule", workflow_id=workflow_id)


def _page(workflow_id: UUID, cron: str) -> str:
    return f"{reverse('canvas:schedule', args=[workflow_id])}?{urlencode({'cron': cron})}"
