from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Field
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.connections import forms, services, tasks
from apps.connections.models import Connection
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial, redirect_next
from apps.core.paging import LOCAL_PAGE_SIZE
from apps.jobs import services as job_services
from apps.jobs import tasks as job_tasks
from apps.jobs.models import Job


@require_GET
@permission_required("connections.view_connection", raise_exception=True)
@vary_on_headers("HX-Request")
def connection_list(request: HtmxHttpRequest) -> HttpResponse:
    page = Paginator(Connection.objects.all(), LOCAL_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": Connection.Kind.choices}
    return render(request, partial(request, "connections/connection_list.html"), context)


@require_GET
@permission_required("connections.view_connection", raise_exception=True)
def connection_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    context = {
        "connection": connection,
        "secrets": [
            # Secrets are plain fields of the model, never relations.
            (
                cast(Field[Any, Any], connection._meta.get_field(name)).verbose_name,
                bool(getattr(connection, name)),
            )
            for name in services.secret_fields(connection)
        ],
        "jobs": Job.objects.for_object(connection)[:5],
    }
    return render(request, "connections/connection_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("connections.add_connection", raise_exception=True)
def connection_add(request: HtmxHttpRequest, kind: str) -> HttpResponse:
    if kind not in Connection.Kind.values:
        raise Http404("No such kind of connection.")
    form = forms.FORMS[kind](
        request.POST if request.method == "POST" else None, instance=Connection(kind=kind)
    )
    if request.method == "POST" and form.is_valid():
        connection = services.save_connection(form.save(commit=False), user=request.user)
        messages.success(request, f"Connection {connection} added. Test it to check the credentials.")
        return redirect("connections:detail", pk=connection.pk)
    return render(request, "connections/connection_form.html", {"form": form, "kind": Connection.Kind(kind)})


@require_http_methods(["GET", "POST"])
@permission_required("connections.change_connection", raise_exception=True)
def connection_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    form = forms.FORMS[connection.kind](
        request.POST if request.method == "POST" else None, instance=connection
    )
    if request.method == "POST" and form.is_valid():
        services.save_connection(form.save(commit=False), user=request.user)
        messages.success(request, "Connection saved.")
        return redirect("connections:detail", pk=connection.pk)
    context = {"form": form, "connection": connection, "kind": Connection.Kind(connection.kind)}
    return render(request, "connections/connection_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("connections.delete_connection", raise_exception=True)
def connection_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    return delete_or_confirm(
        request,
        "connections/connection_delete.html",
        {"connection": connection},
        delete=lambda: services.delete_connection(connection, user=request.user),
        done=f"Connection {connection} deleted.",
        then="connections:list",
    )


@require_POST
@permission_required("connections.test_connection", raise_exception=True)
def connection_test(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(Connection, pk=pk)
    job = job_tasks.start(
        tasks.test_connection,
        kind=services.TEST,
        label=f"Test connection {connection}",
        target=connection,
        user=request.user,
    )
    if request.htmx:
        return render(request, "jobs/job_detail.html#status", job_services.status_context(job, request.user))
    return redirect("jobs:detail", pk=job.pk)


@require_http_methods(["GET", "POST"])
@permission_required("connections.change_connection", raise_exception=True)
def connection_workspace(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(
        Connection, pk=pk, kind=Connection.Kind.SYNERISE, auth_mode=Connection.AuthMode.USER
    )
    choices = services.list_remote_workspaces(connection)
    form = forms.WorkspaceChoiceForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"workspace": connection.workspace_uuid},
    )
    if request.method == "POST" and form.is_valid():
        uuid = form.cleaned_data["workspace"]
        services.choose_workspace(connection, uuid=uuid, name=dict(choices)[uuid], user=request.user)
        messages.success(request, f"Workspace {dict(choices)[uuid]} chosen.")
        return redirect("connections:detail", pk=connection.pk)
    return render(request, "connections/connection_workspace.html", {"form": form, "connection": connection})


@require_POST
def workspace_switch(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.SwitchWorkspaceForm(request.POST)
    if form.is_valid():
        services.set_current_workspace(request.user, form.cleaned_data["workspace"])
        messages.success(request, f"Now working in {form.cleaned_data['workspace']}.")
    else:
        messages.error(request, "Choose one of the listed workspaces.")
    return redirect_next(request, reverse("dashboard:home"))
