"""Workflows: the list, create from a template, the detail with its chain and runs, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from apps.canvas.forms.workflows import WorkflowForm
from apps.canvas.models import WorkflowRun
from apps.canvas.services import runs, schedule, workflows
from apps.canvas.services.workspace import workspace_for
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiValidationError
from apps.core.paging import PAGE_SIZE
from apps.core.threads import at_once

STATUSES = [("", "Any status"), ("Ready", "Ready"), ("Running", "Running"), ("Failed", "Failed")]


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
@vary_on_headers("HX-Request")
def workflow_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    query, status, scheduled = (request.GET.get(k, "").strip() for k in ("q", "status", "scheduled"))
    with workspace.client() as api:
        found = workflows.list_rows(api, query=query, status=status, scheduled=scheduled)
    context = {
        "workspace": workspace,
        "tab": "workflows",
        # Rows is only sliced and measured, which is all Paginator does with it.
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),  # type: ignore[arg-type]  # not a Sequence
        "query": query,
        "status": status,
        "scheduled": scheduled,
        "statuses": STATUSES,
        "filtered": bool(query or status or scheduled),
    }
    return render(request, partial(request, "canvas/workflows/list.html"), context)


@require_http_methods(["GET", "POST"])
@permission_required("canvas.operate_integrations", raise_exception=True)
def workflow_new(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    template_id = request.POST.get("template") or request.GET.get("template", "")
    with workspace.client() as api:
        templates = workflows.templates_by_id(api)
        template = templates.get(template_id)
        if template is None:
            choices = sorted(templates.values(), key=lambda t: t.name.lower())
            return render(
                request,
                "canvas/workflows/pick.html",
                {"workspace": workspace, "tab": "workflows", "templates": choices},
            )
        catalogue = {a.id: a for a in api.list_applications()}
        registered = api.list_reg_applications()
    form = WorkflowForm(template, registered, catalogue, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow_id = workflows.create_workflow(
                workspace,
                template=template,
                applications=form.applications(),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                chain=form.chain(),
            )
        except ApiValidationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Workflow created.")
            return redirect("canvas:workflow", workflow_id=workflow_id)
    context = {"template": template, "form": form}
    return render(
        request, "canvas/workflows/new.html", {"workspace": workspace, "tab": "workflows", **context}
    )


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
@vary_on_headers("HX-Request")
def workflow_detail(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        workflow, templates, listed = at_once(
            lambda: api.get_workflow(workflow_id),
            lambda: workflows.templates_by_id(api),
            lambda: [] if request.htmx else api.list_reg_applications(),  # the poll shows none of them
        )
    registered = {r.id: r for r in listed}
    chain = workflows.chain_of(workflow, templates)
    # a run the scheduler started shows without waiting for the poll
    runs.record_seen(workspace, workflows=[workflow])
    history = runs.history(workspace, workflow_id=workflow.id)
    names = {block.number: block.name for block in chain or []}
    for run in history:
        run.block_name = names.get(run.current_block, "")  # type: ignore[attr-defined]
    context = {
        "workspace": workspace,
        "tab": "workflows",
        "workflow": workflow,
        "template": templates.get(workflow.workflow_template_id or ""),
        "chain": chain,
        "history": history,
        "following": next((r for r in history if r.status == WorkflowRun.Status.RUNNING and r.job_id), None),
        "starting": runs.starting(workspace, workflow_id=workflow.id),
    }
    if request.htmx:
        return render(request, "canvas/workflows/detail.html#live", context)
    found = [registered[reg_id] for reg_id in workflow.reg_application_ids if reg_id in registered]
    context["connections"] = [reg.tag_text or reg.name for reg in found]
    context["schedule_words"] = schedule.in_words(workflow.cron)
    context["other_connections"] = len(workflow.reg_application_ids) - len(found)
    return render(request, "canvas/workflows/detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("canvas.operate_integrations", raise_exception=True)
def workflow_delete(request: HtmxHttpRequest, workflow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        workflow = api.get_workflow(workflow_id)
    return delete_or_confirm(
        request,
        "canvas/workflows/delete.html",
        {"workspace": workspace, "tab": "workflows", "workflow": workflow},
        delete=lambda: workflows.delete_workflow(workspace, workflow=workflow),
        done=f"Workflow {workflow.name} deleted.",
        gone=f"Canvas had no workflow {workflow.name} to delete.",
        then="canvas:workflows",
    )
