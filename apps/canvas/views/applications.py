"""The application catalogue, Connect from an application's credential fields, registered applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.canvas.client import CanvasClient
from apps.canvas.forms.applications import CredentialsForm
from apps.canvas.services import applications
from apps.canvas.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core.htmx import HtmxHttpRequest
from apps.core.http import ApiValidationError
from apps.core.threads import at_once


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
def application_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    query = request.GET.get("q", "").strip()
    with workspace.client() as api:
        catalogue, registered = at_once(api.list_applications, api.list_reg_applications)
    connected = {reg.application_id for reg in registered}
    found = applications.search(catalogue, query)
    context = {"applications": found, "query": query, "connected": connected, "total": len(catalogue)}
    return render(
        request, "canvas/applications/list.html", {"workspace": workspace, "tab": "applications", **context}
    )


@require_http_methods(["GET", "POST"])
@permission_required("canvas.operate_integrations", raise_exception=True)
def application_connect(request: HtmxHttpRequest, application_id: str) -> HttpResponse:
    return _connect(request, workspace_for(request.user), application_id, reenter=None)


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
def registered_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        rows = applications.registered_applications(api)
    return render(
        request, "canvas/registered/list.html", {"workspace": workspace, "tab": "registered", "rows": rows}
    )


@require_http_methods(["GET", "POST"])
@permission_required("canvas.manage_integrations", raise_exception=True)
def registered_reenter(request: HtmxHttpRequest, reg_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        row = next((r for r in applications.registered_applications(api) if r.reg.id == reg_id), None)
    if row is None or row.application is None:
        raise Http404("No such registered application")
    return _connect(request, workspace, row.application.id, reenter=row)


def _connect(
    request: HtmxHttpRequest,
    workspace: Workspace[CanvasClient],
    application_id: str,
    *,
    reenter: applications.Registered | None,
) -> HttpResponse:
    with workspace.client() as api:
        application = applications.application_of(api, application_id)
    if application is None:
        raise Http404("No such application")
    form = CredentialsForm(application, request.POST or None)
    if reenter is not None and not request.POST:
        form.fields["tag_text"].initial = reenter.label
    if request.method == "POST" and form.is_valid():
        try:
            applications.connect_application(
                workspace,
                application=application,
                tag_text=form.cleaned_data["tag_text"] or application.name,
                credentials=form.credentials(),
            )
        except ApiValidationError as exc:
            form.place_authentication_error(exc.message)
        else:
            messages.success(request, f"{application.name} connected.")
            return redirect("canvas:registered")
    context = {"form": form, "application": application, "reenter": reenter}
    return render(
        request,
        "canvas/applications/connect.html",
        {"workspace": workspace, "tab": "applications", **context},
    )
