"""External sources: the services Brickworks calls to fill `external` fields at generation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.content import services
from apps.content.source_forms import SourceForm
from apps.content.views import PAGE_SIZE, RemotePage, _page_number
from apps.core import audit
from apps.core.htmx import HtmxHttpRequest
from apps.core.http import ApiError


@require_GET
@permission_required("content.view_content", raise_exception=True)
def source_list(request: HtmxHttpRequest) -> HttpResponse:
    with services.client_for(request.user) as api:
        page = api.list_external_sources(page=_page_number(request), limit=PAGE_SIZE, sort_by="name")
    return render(
        request, "content/source_list.html", {"page": RemotePage.of(page), "total": page.meta.total}
    )


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def source_new(request: HtmxHttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def source_edit(request: HtmxHttpRequest, source_id: str) -> HttpResponse:
    return _edit(request, source_id)


@require_http_methods(["GET", "POST"])
@permission_required("content.manage_schemas", raise_exception=True)
def source_delete(request: HtmxHttpRequest, source_id: str) -> HttpResponse:
    with services.client_for(request.user) as api:
        source = api.get_external_source(source_id)
        if request.method == "POST":
            ref = audit.Ref("brickworks.external_source", source.id, source.name)
            with audit.action(request.user, "source.delete", ref):
                api.delete_external_source(source.id)
            messages.success(request, f"External source {source.name} deleted.")
            return redirect("sources:list")
        users = _fields_using(api, source.id)
    return render(request, "content/source_delete.html", {"source": source, "users": users})


def _edit(request: HtmxHttpRequest, source_id: str | None) -> HttpResponse:
    """Create (no id) or edit a source; remote refusals land on the form's fields."""
    with services.client_for(request.user) as api:
        source = api.get_external_source(source_id) if source_id else None
        initial = SourceForm.initial_for(source) if source else None
        form = SourceForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            ref = audit.Ref(
                "brickworks.external_source", source.id if source else "", form.cleaned_data["name"]
            )
            try:
                with audit.action(request.user, "source.update" if source else "source.create", ref):
                    if source:
                        saved = api.update_external_source(source.id, **_payload(form))
                    else:
                        saved = api.create_external_source(**_payload(form))
            except ApiError as exc:
                _remote_errors(exc, form)
            else:
                messages.success(request, f"External source {saved.name} saved. Its id is {saved.id}.")
                return redirect("sources:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "content/source_form.html", {"form": form, "source": source}, status=status)


def _fields_using(api: Any, source_id: str) -> list[dict[str, str]]:
    """The schema fields that take their data from this source (what breaks when it goes)."""
    schemas = api.list_schemas(limit=1000).data
    return [
        {"schema": schema.display_name, "app_id": schema.app_id, "field": definition.get("label") or name}
        for schema in schemas
        for name, definition in schema.fields.items()
        if definition.get("type") == "external" and definition.get("source") == source_id
    ]


def _payload(form: SourceForm) -> dict[str, Any]:
    return {
        "name": form.cleaned_data["name"],
        "description": form.cleaned_data["description"],
        "properties": form.properties(),
        "ttl": form.cleaned_data["ttl"],
    }


def _remote_errors(exc: ApiError, form: SourceForm) -> None:
    placed = False
    for path, problems in exc.field_errors.items():
        name = path.removeprefix("properties.")
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)
                placed = True
    if not placed:
        form.add_error(None, exc.message)
