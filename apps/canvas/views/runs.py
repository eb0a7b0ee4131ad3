"""Run a workflow: all of it, till block N or blocks A to B; a confirm step when it may surprise."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.canvas import tasks
from apps.canvas.forms.runs import RunForm
from apps.canvas.services import runs, workflows
from apps.canvas.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.core.paging import whole_number
from apps.core.threads import at_once
from apps.jobs import enqueue


@require_http_methods(["GET", "POST"])
@permission_required("canvas.operate_integrations", raise_exception=True)
def workflow_run(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        workflow, templates = at_once(
            lambda: api.get_workflow(workflow_id), lambda: workflows.templates_by_id(api)
        )
    chain = workflows.chain_of(workflow, templates)
    form = RunForm(chain, request.POST or None, initial=_initial(request, chain))
    plan = None
    if request.method == "POST" and form.is_valid():
        first, last = form.bounds()
        try:
            plan = runs.plan_run(workflow, chain, first=first, last=last)
        except runs.RangeError as exc:
            form.add_error(None, str(exc))
        else:
            if not plan.warnings or form.cleaned_data["confirmed"]:
                job = runs.start_run(
                    workspace,
                    workflow=workflow,
                    plan=plan,
                    task_name=tasks.follow_run.name,
                    result_url=reverse("canvas:workflow", args=[workflow.id]),
                )
                enqueue.send(tasks.follow_run, job.pk)
                messages.success(request, f"{workflow.name} is starting ({plan.blocks}).")
                return redirect("canvas:workflow", workflow_id=workflow.id)
    first, last = _shown(form)
    context = {"workflow": workflow, "chain": chain, "form": form, "plan": plan, "first": first, "last": last}
    return render(
        request, "canvas/workflows/run.html", {"workspace": workspace, "tab": "workflows", **context}
    )


def _shown(form: RunForm) -> tuple[int | None, int | None]:
    """The range to outline on the chain: what the form holds, when it is a range of numbers."""
    values = []
    for name in ("first", "last"):
        value = form[name].value()
        values.append(whole_number(value))
    return (values[0], values[1]) if values[0] and values[1] else (None, None)


def _initial(request: HtmxHttpRequest, chain: list[workflows.Block] | None) -> dict[str, object]:
    """A block picked on the drawn chain arrives as ?till=N or ?first=A&last=B."""
    values: dict[str, object] = {}
    for name in ("till", "first", "last"):
        number = whole_number(request.GET.get(name))
        if number is not None:
            values[name] = number
    if "first" in values or "last" in values:
        values["scope"] = "range"
    elif "till" in values:
        values["scope"] = "till"
    return values
