"""Exports of a catalog to CSV: started as a job, followed on their page, downloaded for 7 days."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.catalogs import tasks
from apps.catalogs.forms.items import ItemSearchForm
from apps.catalogs.models import Export
from apps.catalogs.services import exports
from apps.catalogs.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest, partial
from apps.jobs import enqueue
from apps.jobs import services as jobs


@require_POST
@permission_required("catalogs.view_catalogs", raise_exception=True)
def export_start(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = ItemSearchForm(request.POST)
    search = form.cleaned_data.get("q", "") if form.is_valid() else ""
    with workspace.client() as api:
        catalog = api.get_catalog(catalog_id).data
    export = exports.start_export(workspace, catalog=catalog, search=search, task_name=tasks.run_export.name)
    enqueue.send(tasks.run_export, export.job_id)
    return redirect("catalogs:export", export.pk)


@require_GET
@permission_required("catalogs.view_catalogs", raise_exception=True)
@vary_on_headers("HX-Request")
def export_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    export = _mine(request, pk)
    context = {
        **jobs.status_context(export.job, request.user),
        "export": export,
        "file": exports.file_of(export),
        "expires_at": exports.expires_at(export),
    }
    return render(request, partial(request, "catalogs/exports/detail.html", "status"), context)


@require_GET
@permission_required("catalogs.view_catalogs", raise_exception=True)
def export_download(request: HtmxHttpRequest, pk: int) -> HttpResponseBase:
    export = _mine(request, pk)
    path = exports.file_of(export)
    if path is None:
        if not export.job.is_finished:
            return redirect("catalogs:export", pk)
        return render(request, "catalogs/exports/gone.html", {"export": export}, status=410)
    name = f"{export.catalog_name}{'-' + export.search if export.search else ''}.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")


def _mine(request: HtmxHttpRequest, pk: int) -> Export:
    """An export of the person's current workspace (another workspace's is not found)."""
    workspace = workspace_for(request.user)
    export = get_object_or_404(Export.objects.select_related("job"), pk=pk)
    if export.connection_id != workspace.connection.pk:
        raise Http404("No such export")
    return export
