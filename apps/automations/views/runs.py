"""A workflow's runs: the live run (W6) that follows itself while it goes, its full log as a file,
and a stored run of the history."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from apps.automations.forms.workflows import LogFilterForm
from apps.automations.services import runs, workflows
from apps.automations.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiNotFound

VIEW = "automations.view_workflows"
TAIL = 500  # lines of each stage read for the page; the download takes them all
SHOWN = 300  # lines shown after the filters


@require_GET
@permission_required(VIEW, raise_exception=True)
@vary_on_headers("HX-Request")
def live(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = LogFilterForm(request.GET)
    with workspace.client() as api:
        workflow = workflows.find(workspace, api=api, workflow_id=workflow_id)
        try:
            last = api.last_run(workflow_id, limit=TAIL)
        except ApiNotFound:
            last = None
        if last is not None:
            runs.record(workspace, workflow_id=workflow_id, run=last, name=workflow.name)
    # a person's run (or resume) is on its way: the header says so, not the state it leaves
    starting = workflows.starting(workspace, workflow_id=workflow_id, last_run_id=last.run_id if last else "")
    shown = "Starting" if starting else workflow.status
    context = {
        "workflow": workflow,
        "workflow_id": workflow_id,
        "form": form,
        "run": last,
        "starting": starting,
        "shown_status": shown,
        # follow while the run goes, or while a person's run job has not reached W6 yet
        "going": (last is not None and not runs.is_final(last.overall_run_status)) or starting,
        # a poll that finds the state shown changed brings the header and controls (htmx out-of-band)
        "changed": bool(request.htmx) and request.GET.get("seen") != shown,
        "job": workflows.latest_job(workspace, workflow_id=workflow_id),
    }
    if last is not None:
        lines = runs.matching(runs.lines_of(last), **form.filters())
        context |= {
            "stages": runs.stages_of(last),
            "timeline": runs.timeline(last),
            "lines": lines[-SHOWN:],
            "hidden": max(0, len(lines) - SHOWN),
        }
    return render(request, partial(request, "automations/runs/live.html", "run"), context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def live_log(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    """The last run's whole log (W6 with its largest limit) as a text file."""
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        last = api.last_run(workflow_id, limit=runs.FULL_LOG)
    body = "".join(f"{line.text()}\n" for line in runs.lines_of(last))
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="run-{last.run_id}.log"'
    return response


@require_GET
@permission_required(VIEW, raise_exception=True)
def stored_run(request: HtmxHttpRequest, workflow_id: str, pk: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    run = get_object_or_404(runs.history(workspace, workflow_id=workflow_id), pk=pk)
    form = LogFilterForm(request.GET)
    stored = [runs.parse_stored(row) for row in run.log.splitlines()]
    lines = runs.matching(stored, **form.filters())
    if request.GET.get("download"):
        response = HttpResponse(run.log + "\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="run-{run.run_id}.log"'
        return response
    context = {"stored": run, "workflow_id": workflow_id, "form": form, "lines": lines, "hidden": 0}
    return render(request, partial(request, "automations/runs/stored.html", "log"), context)
