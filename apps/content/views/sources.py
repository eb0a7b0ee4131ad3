"""External sources: the services Brickworks calls to fill `external` fields at generation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from apps.content.forms.sources import SourceForm
from apps.content.services import schemas
from apps.content.services.workspace import workspace_for
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiError
from apps.core.paging import PAGE_SIZE, RemotePage, page_number
from apps.core.remote_errors import Place, place_remote_errors


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def source_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    number = page_number(request)
    with workspace.client() as api:
        result = api.list_external_sources(page=number, limit=PAGE_SIZE, sort_by="name")
    page = RemotePage.of(result.data, number=number, limit=PAGE_SIZE, total=result.meta.total)
    return render(request, partial(request, "content/sources/list.html"), {"page": page, "total": page.total})


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
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        source = api.get_external_source(source_id)
        # Only the page lists the fields that use it: a delete needs no more reads.
        users = schemas.fields_using(api, source.id) if request.method != "POST" else []
    return delete_or_confirm(
        request,
        "content/sources/delete.html",
        {"source": source, "users": users},
        delete=lambda: schemas.delete_source(workspace, source=source),
        done=f"External source {source.name} deleted.",
        then="content:sources",
    )


def _edit(request: HtmxHttpRequest, source_id: str | None) -> HttpResponse:
    """Create (no id) or edit a source; remote refusals land on the form's fields."""
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        source = api.get_external_source(source_id) if source_id else None
    form = SourceForm(
        request.POST or None,
        initial=SourceForm.initial_for(source) if source else None,
        stored_headers=source.properties.get("headers") if source else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = schemas.save_source(workspace, source=source, **_payload(form))
        except ApiError as exc:
            place_remote_errors(exc, form, lambda path: _place(form, path))
        else:
            messages.success(request, f"External source {saved.name} saved. Its id is {saved.id}.")
            return redirect("content:sources")
    status = 400 if request.method == "POST" else 200
    return render(request, "content/sources/form.html", {"form": form, "source": source}, status=status)


def _payload(form: SourceForm) -> dict[str, Any]:
    return {
        "name": form.cleaned_data["name"],
        "description": form.cleaned_data["description"],
        "properties": form.properties(),
        "ttl": form.cleaned_data["ttl"],
    }


def _place(form: SourceForm, path: str) -> Place | None:
    name = path.removeprefix("properties.")
    return Place(form, name) if name in form.fields else None
