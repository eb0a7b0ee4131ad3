"""Schemas: detail, create and edit with the field builder, delete with a typed confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.content import services
from apps.content.client import Schema
from apps.content.schema_forms import FieldRows, SchemaForm, row_initial
from apps.core import audit
from apps.core.htmx import HtmxHttpRequest
from apps.core.http import ApiError


@require_GET
@permission_required("content.view_content", raise_exception=True)
def schema_detail(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        counts = _counts(api, schema)
    rows = [{"name": name, **definition} for name, definition in schema.fields.items()]
    return render(request, "content/schema_detail.html", {"schema": schema, "rows": rows, "counts": counts})


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def schema_new(request: HtmxHttpRequest) -> HttpResponse:
    form = SchemaForm(request.POST or None)
    rows = _rows(request, initial=[{"ORDER": 1, "type": "text", "use_as_name": True, "name": "title"}])
    if request.method == "POST" and "add" not in request.POST and form.is_valid() and rows.is_valid():
        data = form.cleaned_data
        schema = _write(
            request,
            form,
            rows,
            "schema.create",
            audit.Ref("brickworks.schema", "", data["app_id"]),
            lambda api: api.create_schema(
                app_id=data["app_id"],
                display_name=data["display_name"],
                description=data["description"],
                fields=rows.definitions(),
                is_simple=not data["versioned"],
            ),
        )
        if schema is not None:
            messages.success(request, f"Schema {schema.display_name} created.")
            return redirect("schemas:detail", app_id=schema.app_id)
    return _builder(request, None, form, rows)


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def schema_edit(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    with services.client_for(request.user) as api:
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
        fields = rows.definitions()
        saved = _write(
            request,
            form,
            rows,
            "schema.update",
            audit.Ref("brickworks.schema", schema.id, schema.app_id),
            lambda api: api.update_schema(
                schema.id,
                display_name=form.cleaned_data["display_name"],
                description=form.cleaned_data["description"],
                fields=fields,
            ),
            removed=[name for name in schema.fields if name not in fields],
        )
        if saved is not None:
            messages.success(request, f"Schema {saved.display_name} saved.")
            return redirect("schemas:detail", app_id=schema.app_id)
    return _builder(request, schema, form, rows)


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def schema_delete(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    typed = request.POST.get("confirm", "").strip()
    error = ""
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        counts = _counts(api, schema)
        if request.method == "POST" and typed == schema.app_id:
            ref = audit.Ref("brickworks.schema", schema.id, schema.app_id)
            with audit.action(request.user, "schema.delete", ref, records=counts["total"]):
                api.delete_schema(schema.id)
            messages.success(
                request, f"Schema {schema.display_name} and its {counts['total']} records deleted."
            )
            return redirect("content:schemas")
    if request.method == "POST":
        error = f"Type {schema.app_id} exactly to delete."
    context = {"schema": schema, "counts": counts, "error": error, "typed": typed}
    return render(request, "content/schema_delete.html", context, status=400 if error else 200)


def _write(
    request: HtmxHttpRequest,
    form: SchemaForm,
    rows: Any,
    action: str,
    ref: audit.Ref,
    call: Callable[[Any], Schema],
    **detail: Any,
) -> Schema | None:
    """One remote write in the audit log; None when refused, with the reasons on the form and rows."""
    try:
        with audit.action(request.user, action, ref, **detail), services.client_for(request.user) as api:
            return call(api)
    except ApiError as exc:
        _remote_errors(exc, form, rows)
        return None


def _counts(api: Any, schema: Schema) -> dict[str, int]:
    """All records, and how many of them are live."""
    return {
        "total": api.list_records(schema.id, limit=1).meta.total,
        "published": api.list_records(schema.id, statuses=["PUBLISHED"], limit=1).meta.total,
    }


def _rows(request: HtmxHttpRequest, *, initial: list[dict[str, Any]]) -> Any:
    """The builder rows; "Add a field" posts the form back with one more empty row."""
    if request.method != "POST":
        return FieldRows(initial=initial, prefix="fields")
    data: QueryDict = request.POST
    if "add" in data:
        data = data.copy()
        data["fields-TOTAL_FORMS"] = str(int(data.get("fields-TOTAL_FORMS") or 0) + 1)
    return FieldRows(data, initial=initial, prefix="fields")


def _remote_errors(exc: ApiError, form: django_forms.Form, rows: Any) -> None:
    """Brickworks names the problem as fields.<name>.<key>: put it on that row."""
    by_name = {f.cleaned_data.get("name"): f for f in rows.forms if hasattr(f, "cleaned_data")}
    placed = False
    for path, problems in exc.field_errors.items():
        parts = path.split(".")
        target = by_name.get(parts[1]) if parts[0] == "fields" and len(parts) > 1 else None
        for problem in problems:
            if target is not None:
                target.add_error(None, f"{'.'.join(parts[2:]) or 'definition'}: {problem}")
                placed = True
            elif parts[0] in ("appId", "displayName"):
                form.add_error("app_id" if parts[0] == "appId" else "display_name", problem)
                placed = True
    if not placed:
        form.add_error(None, exc.message)


def _builder(request: HtmxHttpRequest, schema: Schema | None, form: SchemaForm, rows: Any) -> HttpResponse:
    status = 400 if request.method == "POST" and "add" not in request.POST else 200
    context = {"schema": schema, "form": form, "rows": rows}
    return render(request, "content/schema_form.html", context, status=status)
