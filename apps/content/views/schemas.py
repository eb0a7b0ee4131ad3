"""Schemas: detail, create and edit with the field builder, delete with a typed confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from apps.content.client import Schema
from apps.content.forms.records import SchemaFilterForm
from apps.content.forms.schemas import FieldRowForm, FieldRows, SchemaForm, row_initial
from apps.content.services import schemas
from apps.content.services.workspace import workspace_for
from apps.core.confirm import TypedName, delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiError
from apps.core.paging import PAGE_SIZE, RemotePage, page_number
from apps.core.remote_errors import Place, place_remote_errors
from apps.core.threads import at_once


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def schema_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = SchemaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    number = page_number(request)
    with workspace.client() as api:
        result = api.list_schemas(
            page=number,
            limit=PAGE_SIZE,
            search=filters.get("q") or None,
            schema_types=[filters["type"]] if filters.get("type") else None,
            sort_by=filters.get("sort") or None,
        )
    page = RemotePage.of(result.data, number=number, limit=PAGE_SIZE, total=result.meta.total)
    context = {
        "form": form,
        "page": page,
        "total": page.total,
        "filtered": bool(filters and any(filters.values())),
    }
    return render(request, partial(request, "content/schemas/list.html"), context)


@require_GET
@permission_required("content.view_content", raise_exception=True)
def schema_detail(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema, counts = at_once(lambda: api.get_schema(app_id), lambda: schemas.record_counts(api, app_id))
    rows = [{"name": name, **definition} for name, definition in schema.fields.items()]
    return render(request, "content/schemas/detail.html", {"schema": schema, "rows": rows, "counts": counts})


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def schema_new(request: HtmxHttpRequest) -> HttpResponse:
    form = SchemaForm(request.POST or None)
    rows = _rows(request, initial=[{"ORDER": 1, "type": "text", "use_as_name": True, "name": "title"}])
    if request.method == "POST" and "add" not in request.POST and form.is_valid() and rows.is_valid():
        data = form.cleaned_data
        schema = _write(
            form,
            rows,
            lambda: schemas.create_schema(
                workspace_for(request.user),
                app_id=data["app_id"],
                display_name=data["display_name"],
                description=data["description"],
                fields=rows.definitions(),
                is_simple=not data["versioned"],
            ),
        )
        if schema is not None:
            messages.success(request, f"Schema {schema.display_name} created.")
            return redirect("content:schema", app_id=schema.app_id)
    return _builder(request, None, form, rows)


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def schema_edit(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema = api.get_schema(app_id)
    initial = {
        "app_id": schema.app_id,
        "display_name": schema.display_name,
        "description": schema.description,
        "versioned": "" if schema.is_simple else "1",
    }
    form = SchemaForm(request.POST or None, initial=initial)
    for name in ("app_id", "versioned"):
        form.fields[name].disabled = True
    rows = _rows(
        request,
        initial=[row_initial(name, d, n) for n, (name, d) in enumerate(schema.fields.items(), start=1)],
    )
    if request.method == "POST" and "add" not in request.POST and form.is_valid() and rows.is_valid():
        saved = _write(
            form,
            rows,
            lambda: schemas.update_schema(
                workspace,
                schema=schema,
                display_name=form.cleaned_data["display_name"],
                description=form.cleaned_data["description"],
                fields=rows.definitions(),
            ),
        )
        if saved is not None:
            messages.success(request, f"Schema {saved.display_name} saved.")
            return redirect("content:schema", app_id=schema.app_id)
    return _builder(request, schema, form, rows)


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def schema_delete(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema, counts = at_once(lambda: api.get_schema(app_id), lambda: schemas.record_counts(api, app_id))
    return delete_or_confirm(
        request,
        "content/schemas/delete.html",
        {"schema": schema, "counts": counts},
        form=TypedName(schema.app_id, request.POST if request.method == "POST" else None),
        delete=lambda: schemas.delete_schema(workspace, schema=schema, records=counts["total"]),
        done=f"Schema {schema.display_name} and its {counts['total']} records deleted.",
        then="content:schemas",
    )


def _write(form: SchemaForm, rows: Any, save: Callable[[], Schema]) -> Schema | None:
    """The saved schema, or None when Brickworks refused it, with its reasons on the form and rows."""
    try:
        return save()
    except ApiError as exc:
        by_name = {f.cleaned_data.get("name"): f for f in rows.forms if hasattr(f, "cleaned_data")}
        place_remote_errors(exc, form, lambda path: _place(form, by_name, path))
        return None


def _place(form: SchemaForm, rows: dict[str, Any], path: str) -> Place | None:
    """Brickworks names a field's problem as fields.<name>.<key>: it goes on that row."""
    parts = path.split(".")
    if parts[0] == "fields" and len(parts) > 1 and parts[1] in rows:
        return Place(rows[parts[1]], None, ".".join(parts[2:]) or "definition")
    return {"appId": Place(form, "app_id"), "displayName": Place(form, "display_name")}.get(parts[0])


def _rows(request: HtmxHttpRequest, *, initial: list[dict[str, Any]]) -> Any:
    """The builder rows; "Add a field" posts the form back with one more empty row."""
    if request.method != "POST":
        return FieldRows(initial=initial, prefix="fields")
    data: QueryDict = request.POST
    if "add" in data:
        data = data.copy()
        total = data.get("fields-TOTAL_FORMS", "")
        # A count that is not one is left for the formset to refuse ("ManagementForm data is missing").
        if total.isascii() and total.isdigit() and len(total) < 5:
            data["fields-TOTAL_FORMS"] = str(int(total) + 1)
            # The fresh row as the browser would send it untouched (type preselected), so the formset
            # sees it unchanged: no errors on it now, and left empty it is skipped on save.
            data[f"fields-{total}-type"] = FieldRowForm.base_fields["type"].initial
    return FieldRows(data, initial=initial, prefix="fields")


def _builder(request: HtmxHttpRequest, schema: Schema | None, form: SchemaForm, rows: Any) -> HttpResponse:
    status = 400 if request.method == "POST" and "add" not in request.POST else 200
    context = {"schema": schema, "form": form, "rows": rows}
    return render(request, "content/schemas/form.html", context, status=status)
