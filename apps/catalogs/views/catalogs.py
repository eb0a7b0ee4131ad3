"""The catalogs list: search, order, item counts; create; delete one or several with the names typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from apps.catalogs.client import Catalog, CatalogsClient, OrderBy
from apps.catalogs.forms.catalogs import CatalogFilterForm, CatalogForm, DeleteCatalogsForm
from apps.catalogs.services import catalogs
from apps.catalogs.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiError, ApiNotFound
from apps.core.paging import PAGE_SIZE, RemotePage, page_number, whole_number
from apps.core.remote_errors import Place, place_remote_errors


@require_GET
@permission_required("catalogs.view_catalogs", raise_exception=True)
@vary_on_headers("HX-Request")
def catalog_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = CatalogFilterForm(request.GET)
    form.is_valid()
    search = form.cleaned_data.get("q") or None
    order: OrderBy = form.cleaned_data.get("order") or "id"  # the form's choices are the remote's orders
    number = page_number(request)
    with workspace.client() as api:
        result = api.list_catalogs(
            search=search, order_by=order, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        rows = catalogs.with_counts(api, result.data)
    page = RemotePage.of(rows, number=number, limit=PAGE_SIZE, total=result.meta_data.total_count)
    context = {"page": page, "form": form, "filtered": bool(search)}
    return render(request, partial(request, "catalogs/catalogs/list.html"), context)


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.manage_catalogs", raise_exception=True)
def catalog_new(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = CatalogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalog = catalogs.create_catalog(workspace, name=form.cleaned_data["name"])
        except ApiError as exc:
            place_remote_errors(exc, form, lambda path: Place(form, "name") if path == "name" else None)
        else:
            messages.success(request, f"Catalog {catalog.name} created. Add items or import a CSV file.")
            return redirect("catalogs:detail", catalog.id)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalogs/catalogs/form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.manage_catalogs", raise_exception=True)
def catalog_delete(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    numbers = [whole_number(v) for v in request.POST.getlist("id") or request.GET.getlist("id")]
    ids = [number for number in numbers if number is not None][:100]
    with workspace.client() as api:
        chosen = _existing(api, list(dict.fromkeys(ids)))
        counts = {row.catalog.id: row.items for row in catalogs.with_counts(api, chosen)}
    if not chosen:
        messages.info(request, "Choose the catalogs to delete first.")
        return redirect("catalogs:list")
    # The page posts to itself: its URL carries the ids (?id=…), the POST the typed names.
    form = DeleteCatalogsForm(chosen, request.POST if request.method == "POST" else None, counts=counts)
    if form.is_bound and form.is_valid():
        for catalog, deleted in catalogs.delete_catalogs(workspace, catalogs=chosen):
            if deleted:
                messages.success(request, f"Catalog {catalog.name} deleted with its items and mappings.")
            else:
                messages.error(request, f"Catalog {catalog.name} was not deleted: it no longer exists.")
        return redirect("catalogs:list")
    status = 400 if form.is_bound else 200
    return render(request, "catalogs/catalogs/delete.html", {"form": form, "catalogs": chosen}, status=status)


def _existing(api: CatalogsClient, ids: list[int]) -> list[Catalog]:
    found = []
    for pk in ids:
        try:
            found.append(api.get_catalog(pk).data)
        except ApiNotFound:
            continue
    return found
