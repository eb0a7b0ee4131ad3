"""Flows of the flows API: the list, a flow's page, create and edit, switch on and off, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.automations.client import FlowsClient
from apps.automations.forms.flows import FlowEditor, FlowFilters, with_more_rows
from apps.automations.services import flows
from apps.automations.services.workspace import workspace_for
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiError, ApiValidationError
from apps.core.paging import PAGE_SIZE, CursorList, cursor_of, first_page
from apps.core.remote_errors import place_remote_errors

VIEW, MANAGE = "automations.view_workflows", "automations.manage_flows"


@require_GET
@permission_required(VIEW, raise_exception=True)
@vary_on_headers("HX-Request")
def flow_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    filters = FlowFilters(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    active = {"yes": True, "no": False}.get(chosen.get("active", ""))
    try:
        with workspace.client() as api:
            result = api.list_flows(
                size=PAGE_SIZE, cursor=cursor_of(request), type=chosen.get("type") or None, is_active=active
            )
    except ApiValidationError:
        if not cursor_of(request):
            raise
        return first_page(request)
    context = {
        "page": CursorList.of(result),
        "filters": filters,
        "filtered": bool(chosen.get("type") or active is not None),
        "tab": "flows",
    }
    return render(request, partial(request, "automations/flows/list.html"), context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def flow_detail(request: HtmxHttpRequest, flow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    with workspace.client() as api:
        flow = api.get_flow(flow_id)
    context = {
        "flow": flow,
        "tab": "flows",
        "created_by": flows.created_by(flow),
        "changed_by": flows.changed_by(flow),
    }
    return render(request, "automations/flows/detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def flow_new(request: HtmxHttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def flow_edit(request: HtmxHttpRequest, flow_id: str) -> HttpResponse:
    return _edit(request, flow_id)


def _edit(request: HtmxHttpRequest, flow_id: str | None) -> HttpResponse:
    """Create (no id) or replace a flow; the remote service's refusals land on the fields they name."""
    workspace = workspace_for(request.user, api=FlowsClient)
    flow = None
    if flow_id:
        with workspace.client() as api:
            flow = api.get_flow(flow_id)
    more = request.method == "POST" and "more" in request.POST
    data = with_more_rows(request.POST) if more else request.POST if request.method == "POST" else None
    editor = FlowEditor(data, flow=flow)
    if request.method == "POST" and not more and editor.is_valid():
        try:
            saved = flows.save_flow(
                workspace,
                body=editor.body(),
                existing=flow_id,
                secrets=editor.form.secrets_to_send(),
                submission=editor.form.cleaned_data.get("submission", ""),
            )
        except ApiError as exc:
            if exc.status not in (400, 409, 422):
                raise
            place_remote_errors(exc, editor.form, editor.place)
        else:
            messages.success(request, f"Flow {saved.title} saved.")
            return redirect("automations:flow", saved.id)
    status = 400 if request.method == "POST" and not more else 200
    context = {"editor": editor, "form": editor.form, "flow": flow, "tab": "flows"}
    return render(request, "automations/flows/form.html", context, status=status)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def flow_active(request: HtmxHttpRequest, flow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    active = request.POST.get("active") == "1"
    flow = flows.set_active(workspace, flow_id=flow_id, active=active)
    messages.success(request, f"Flow {flow.title} {'activated' if active else 'deactivated'}.")
    return redirect("automations:flow", flow.id)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def flow_delete(request: HtmxHttpRequest, flow_id: str) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    with workspace.client() as api:
        flow = api.get_flow(flow_id)
    return delete_or_confirm(
        request,
        "automations/flows/delete.html",
        {"flow": flow, "tab": "flows"},
        delete=lambda: flows.delete_flow(workspace, flow=flow),
        done=f"Flow {flow.title} deleted.",
        then="automations:flows",
    )
