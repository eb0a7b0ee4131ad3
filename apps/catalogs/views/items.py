"""A catalog's page: its items with the chosen columns and a key search; an item viewed, added, edited
(a full replacement) and deleted, or its new values taken to a launch instead of saved; the columns and
the filterable keys chosen."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.catalogs.client import Catalog, Item
from apps.catalogs.forms.items import ItemForm, ItemSearchForm, KeysForm
from apps.catalogs.services import catalogs, items, steps
from apps.catalogs.services.workspace import workspace_for
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial, redirect_next
from apps.core.http import ApiError
from apps.core.json import exact_dumps
from apps.core.paging import PAGE_SIZE, RemotePage, page_number
from apps.core.remote_errors import Place, place_remote_errors
from apps.core.threads import at_once
from apps.core.values import readable

PLAN_LAUNCHES = "launches.plan_launches"
# The add-step page's address carries the values: gunicorn refuses a request line over 4,094 bytes.
LINK_MAX = 4000


@require_GET
@permission_required("catalogs.view_catalogs", raise_exception=True)
@vary_on_headers("HX-Request")
def catalog_detail(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = ItemSearchForm(request.GET)
    form.is_valid()
    search = form.cleaned_data.get("q", "")
    number = page_number(request)
    with workspace.client() as api:
        found, named, result = at_once(
            lambda: api.get_catalog(catalog_id),
            lambda: api.catalog_keys(catalog_id),
            lambda: api.list_items(
                catalog_id, search=search, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
            ),
        )
    catalog, keys = found.data, named.data
    columns = items.columns_for(workspace, catalog_id=catalog_id, keys=keys)
    rows = items.table_rows(result.data, columns)
    page = RemotePage.of(rows, number=number, limit=PAGE_SIZE, total=result.meta_data.total_count)
    context = {
        "catalog": catalog,
        "keys": keys,
        "columns": columns,
        "columns_form": KeysForm(keys, initial={"keys": columns}, label="Columns"),
        "form": form,
        "search": search,
        "page": page,
        "total": result.meta_data.total_count,
    }
    return render(request, partial(request, "catalogs/items/list.html"), context)


@require_POST
@permission_required("catalogs.view_catalogs", raise_exception=True)
def columns_choose(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        keys = api.catalog_keys(catalog_id).data
    form = KeysForm(keys, request.POST)
    if form.is_valid():
        items.choose_columns(workspace, catalog_id=catalog_id, columns=form.cleaned_data["keys"])
    return redirect_next(request, reverse("catalogs:detail", args=[catalog_id]))


@require_GET
@permission_required("catalogs.view_catalogs", raise_exception=True)
def item_detail(request: HtmxHttpRequest, catalog_id: int, item_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        found, got, named = at_once(
            lambda: api.get_catalog(catalog_id),
            lambda: api.get_item(catalog_id, item_id),
            lambda: api.catalog_keys(catalog_id),
        )
    catalog, item, keys = found.data, got.data, named.data
    names = list(dict.fromkeys([*keys, *item.properties]))
    rows = [(name, readable(item.properties.get(name)), name in item.properties) for name in names]
    return render(request, "catalogs/items/detail.html", {"catalog": catalog, "item": item, "rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.edit_items", raise_exception=True)
def item_new(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        found, named = at_once(lambda: api.get_catalog(catalog_id), lambda: api.catalog_keys(catalog_id))
    catalog, keys = found.data, named.data
    form = ItemForm(request.POST or None, keys=keys)
    if request.method == "POST" and form.is_valid():
        try:
            item = items.add_item(
                workspace,
                catalog=catalog,
                key=form.cleaned_data["item_key"],
                properties=form.cleaned_data["properties"],
            )
        except ApiError as exc:
            place_remote_errors(exc, form, lambda path: _place(form, path))
        else:
            messages.success(request, f"Item {item.item_key} saved.")
            return redirect("catalogs:item", catalog_id, item.id)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalogs/items/form.html", {"catalog": catalog, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.edit_items", raise_exception=True)
def item_edit(request: HtmxHttpRequest, catalog_id: int, item_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        found, got, named = at_once(
            lambda: api.get_catalog(catalog_id),
            lambda: api.get_item(catalog_id, item_id),
            lambda: api.catalog_keys(catalog_id),
        )
    catalog, item, keys = found.data, got.data, named.data
    form = ItemForm(request.POST or None, keys=keys, properties=item.properties)
    if request.method == "POST" and form.is_valid():
        properties = form.cleaned_data["properties"]
        if "to_launch" in request.POST:  # "Add these values to a launch…": planned, not saved now
            link = _launch_link(request, catalog, item, properties)
            if len(link) <= LINK_MAX:
                return redirect(link)
            form.add_error(
                None, "These values are too long to take to a launch from here: save them instead."
            )
        else:
            try:
                items.update_item(workspace, catalog=catalog, item=item, properties=properties)
            except ApiError as exc:
                place_remote_errors(exc, form, lambda path: _place(form, path))
            else:
                messages.success(request, f"Item {item.item_key} saved.")
                return redirect("catalogs:item", catalog_id, item.id)
    status = 400 if request.method == "POST" else 200
    context = {"catalog": catalog, "item": item, "form": form}
    return render(request, "catalogs/items/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.edit_items", raise_exception=True)
def item_delete(request: HtmxHttpRequest, catalog_id: int, item_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        found, got = at_once(lambda: api.get_catalog(catalog_id), lambda: api.get_item(catalog_id, item_id))
    catalog, item = found.data, got.data
    return delete_or_confirm(
        request,
        "catalogs/items/delete.html",
        {"catalog": catalog, "item": item},
        delete=lambda: items.delete_item(workspace, catalog=catalog, item=item),
        done=f"Item {item.item_key} deleted.",
        then=reverse("catalogs:detail", args=[catalog_id]),
    )


@require_http_methods(["GET", "POST"])
@permission_required("catalogs.view_catalogs", raise_exception=True)
def filtering(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    """Which keys are filterable: everyone sees them, admins change them."""
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        found, named = at_once(lambda: api.get_catalog(catalog_id), lambda: api.catalog_keys(catalog_id))
    catalog, keys = found.data, named.data
    form = KeysForm(
        keys, request.POST or None, initial={"keys": catalog.filtered_fields}, label="Filterable keys"
    )
    if request.method == "POST":
        if not request.user.has_perm("catalogs.manage_catalogs"):
            raise PermissionDenied
        if form.is_valid():
            catalogs.set_filterable(workspace, catalog=catalog, fields=form.cleaned_data["keys"])
            messages.success(request, "Filterable keys saved.")
            return redirect("catalogs:filtering", catalog_id)
    return render(request, "catalogs/items/filtering.html", {"catalog": catalog, "form": form, "keys": keys})


def _launch_link(request: HtmxHttpRequest, catalog: Catalog, item: Item, properties: dict[str, Any]) -> str:
    """The add-step page for setting these values in a launch, instead of saving them now."""
    if not request.user.has_perms([steps.ITEM_PERMISSION, PLAN_LAUNCHES]):
        raise PermissionDenied
    query = {
        "kind": steps.UPSERT_ITEM,
        "catalog": catalog.id,
        "item": item.item_key,
        "value": exact_dumps(properties),
        "next": reverse("catalogs:item", args=[catalog.id, item.id]),
    }
    return f"{reverse('launches:add_step')}?{urlencode(query)}"


def _place(form: ItemForm, path: str) -> Place | None:
    name = path.removeprefix("value.")
    field = form.place(name)
    return Place(form, field) if field else None
