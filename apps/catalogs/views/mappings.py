"""A catalog's event mappings: listed, created with enrichment fields, changed and deleted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.catalogs.forms.mappings import MappingForm
from apps.catalogs.services import mappings
from apps.catalogs.services.workspace import workspace_for
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest
from apps.core.http import ApiError
from apps.core.remote_errors import Place, place_remote_errors
from apps.core.threads import at_once

FIELDS = {"action": "action", "paramKey": "param_key", "enrichmentFields": "fields"}


@require_GET
@permission_required("catalogs.view_catalogs", raise_exception=True)
def mapping_list(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        got, found = at_once(
            lambda: api.get_catalog(catalog_id), lambda: mappings.mappings_of(api, catalog_id)
        )
    catalog = got.data
    return render(request, "catalogs/mappings/list.html", {"catalog": catalog, "mappings": found})


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.manage_catalogs", raise_exception=True)
def mapping_new(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        got, named = at_once(lambda: api.get_catalog(catalog_id), lambda: api.catalog_keys(catalog_id))
    catalog, keys = got.data, named.data
    form = MappingForm(keys, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mappings.create_mapping(
                workspace,
                catalog=catalog,
                action=data["action"],
                param_key=data["param_key"],
                fields=data["fields"],
            )
        except ApiError as exc:
            place_remote_errors(exc, form, lambda path: _place(form, path))
        else:
            messages.success(request, f"Mapping of {data['action']} / {data['param_key']} added.")
            return redirect("catalogs:mappings", catalog_id)
    status = 400 if request.method == "POST" else 200
    context = {"catalog": catalog, "form": form, "keys": keys}
    return render(request, "catalogs/mappings/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.manage_catalogs", raise_exception=True)
def mapping_edit(request: HtmxHttpRequest, catalog_id: int, key: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        got, named, mapping = at_once(
            lambda: api.get_catalog(catalog_id),
            lambda: api.catalog_keys(catalog_id),
            lambda: mappings.find_mapping(api, catalog_id, key),
        )
    catalog, keys = got.data, named.data
    if mapping is None:
        raise Http404("No such mapping")
    form = MappingForm(
        keys, request.POST or None, editing=True, initial={"fields": mapping.enrichment_fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            mappings.change_enrichment(
                workspace, catalog=catalog, mapping=mapping, fields=form.cleaned_data["fields"]
            )
        except ApiError as exc:
            place_remote_errors(exc, form, lambda path: _place(form, path))
        else:
            messages.success(request, "Enrichment fields saved.")
            return redirect("catalogs:mappings", catalog_id)
    status = 400 if request.method == "POST" else 200
    context = {"catalog": catalog, "form": form, "mapping": mapping, "keys": keys}
    return render(request, "catalogs/mappings/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.manage_catalogs", raise_exception=True)
def mapping_delete(request: HtmxHttpRequest, catalog_id: int, key: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        got, mapping = at_once(
            lambda: api.get_catalog(catalog_id), lambda: mappings.find_mapping(api, catalog_id, key)
        )
    catalog = got.data
    if mapping is None:
        raise Http404("No such mapping")
    return delete_or_confirm(
        request,
        "catalogs/mappings/delete.html",
        {"catalog": catalog, "mapping": mapping},
        delete=lambda: mappings.delete_mapping(workspace, catalog=catalog, mapping=mapping),
        done=f"Mapping of {mapping.action} / {mapping.param_key} deleted.",
        then=reverse("catalogs:mappings", args=[catalog_id]),
    )


def _place(form: MappingForm, path: str) -> Place | None:
    field = FIELDS.get(path.split(".")[0])
    return Place(form, field) if field and field in form.fields else None
