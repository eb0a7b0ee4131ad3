"""Records: the list with filters and saved filters, the editor (create, save, publish, merge on
conflict), delete with Undo, duplicate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, Record, Schema, Status
from apps.content.forms import records as forms
from apps.content.models import ScheduledAction
from apps.content.services import deleted, merge, records, schedule
from apps.content.services import filters as filters_service
from apps.content.services.workspace import workspace_for
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiConflict, ApiError, ApiValidationError
from apps.core.paging import PAGE_SIZE, RemotePage, page_number
from apps.core.remote_errors import Place, place_remote_errors
from apps.core.threads import at_once

UNDO_MESSAGE = '{name} deleted. <a href="{url}#deleted-{pk}">Undo</a> within 7 days.'


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def record_list(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = forms.RecordFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    number = page_number(request)
    with workspace.client() as api:
        schema, result = at_once(
            lambda: api.get_schema(app_id),
            lambda: api.list_records(
                app_id,
                page=number,
                limit=PAGE_SIZE,
                search=filters.get("q") or None,
                statuses=[filters["status"]] if filters.get("status") else None,
                sort_by=filters.get("sort") or None,
            ),
        )
        changed = set(records.newer_drafts(api, schema, result.data))
    page = RemotePage.of(result.data, number=number, limit=PAGE_SIZE, total=result.meta.total)
    saved = filters_service.saved_filters(workspace, app_id=schema.app_id)
    shown = request.GET.copy()
    shown.pop("page", None)
    context = {
        "schema": schema,
        "form": form,
        "page": page,
        "total": page.total,
        "changed": changed,
        "filtered": bool(filters and any(filters.values())),
        "saved_filters": saved,
        "current_filter": next((one for one in saved if QueryDict(one.query) == shown), None),
        "query": request.GET.urlencode(),
    }
    return render(request, partial(request, "content/records/list.html"), context)


@require_http_methods(["GET", "POST"])
@permission_required("content.edit_content", raise_exception=True)
def record_new(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    publish = request.POST.get("action") == "publish"
    if request.method == "POST":
        _require(request, "content.publish_content" if publish else "content.edit_content")
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema = api.get_schema(app_id)
    meta = forms.RecordMetaForm(request.POST or None)
    values = forms.ValuesForm(schema, request.POST or None)
    ready = request.method == "POST" and meta.is_valid() and values.is_valid()
    if ready and _ready(schema, values, values.values(), publish=publish):
        status: Status = "PUBLISHED" if publish else ("UNPUBLISHED" if schema.is_simple else "DRAFT")
        try:
            record = records.create_record(
                workspace, schema=schema, values=values.values(), status=status, **_meta_fields(meta)
            )
        except (ApiValidationError, ApiConflict) as exc:
            _remote_errors(exc, meta, values)
        else:
            messages.success(request, f"{record.name} {'published' if publish else 'saved'}.")
            return redirect("content:record", app_id=schema.app_id, record_id=record.id)
    return _editor(
        request, workspace, schema, None, meta, values, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
@permission_required("content.view_content", raise_exception=True)
def record_edit(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    action = request.POST.get("action", "save")
    if request.method == "POST":
        _require(request, "content.edit_content" if action == "save" else "content.publish_content")
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema, record, live = records.opened(api, app_id, record_id)
    if request.method == "POST" and records.changes_live(schema, record, publish=action == "publish"):
        _require(request, "content.publish_content")  # a save into a simple schema's live record
    if request.method == "GET":
        meta = _meta_for(schema, record)
        return _editor(
            request,
            workspace,
            schema,
            record,
            meta,
            forms.ValuesForm(schema, values=record.values),
            live=live,
        )
    meta = forms.RecordMetaForm(request.POST)
    values = forms.ValuesForm(schema, request.POST, values=record.values)
    if action == "unpublish":
        taken_down = records.unpublish_record(workspace, schema=schema, record=live or record)
        messages.success(request, f"{taken_down.name} unpublished.")
        return redirect("content:record", app_id=schema.app_id, record_id=record.id)
    if not (meta.is_valid() and values.is_valid()):
        return _editor(request, workspace, schema, record, meta, values, status=400, live=live)
    mine = {"values": values.values(), **_meta_fields(meta)}
    if meta.cleaned_data["theirs"]:
        keep = {key.removeprefix("keep-") for key, pick in request.POST.items() if pick == "theirs"}
        mine = merge.merge(mine, meta.cleaned_data["theirs"], keep)
    if not _ready(schema, values, mine["values"], publish=action == "publish"):
        return _editor(request, workspace, schema, record, meta, values, status=400, live=live)
    try:
        saved = records.save_record(
            workspace,
            schema=schema,
            record=record,
            publish=action == "publish",
            last_updated_at=meta.cleaned_data.get("last_updated_at") or None,
            **mine,
        )
    except records.AlreadyLive as exc:
        messages.info(request, str(exc))
        return redirect("content:record", app_id=schema.app_id, record_id=record.id)
    except ApiConflict as exc:
        if exc.code != "BKW-029":
            raise
        return _conflict(request, workspace, schema, record_id, meta.cleaned_data["base"], mine)
    except ApiValidationError as exc:
        _remote_errors(exc, meta, values)
        return _editor(request, workspace, schema, record, meta, values, status=400, live=live)
    messages.success(request, f"{saved.name} {'published' if action == 'publish' else 'saved'}.")
    return redirect("content:record", app_id=schema.app_id, record_id=record.id)


@require_http_methods(["GET", "POST"])
@permission_required("content.publish_content", raise_exception=True)
def record_delete(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema, record = at_once(lambda: api.get_schema(app_id), lambda: api.get_record(app_id, record_id))
    context: dict[str, Any] = {"schema": schema, "record": record}
    if request.method != "POST":  # only the page says what Undo brings back: a delete needs no more reads
        with workspace.client() as api:
            versions = api.list_versions(schema.id, record_id, limit=50)
        context |= {
            "scheduled": schedule.in_workspace(workspace).filter(
                record_id=record.id, state__in=ScheduledAction.OPEN
            ),
            "older": deleted.undo_leaves(versions.data, versions.meta.total) if versions.data else 0,
            "has_live": any(v.status == "PUBLISHED" for v in versions.data),
        }
    return delete_or_confirm(
        request,
        "content/records/delete.html",
        context,
        delete=lambda: deleted.delete_record(workspace, schema=schema, record=record),
        done=lambda snapshot: format_html(
            UNDO_MESSAGE, name=record.name, url=reverse("content:deleted"), pk=snapshot.pk
        ),
        then=reverse("content:records", args=[schema.app_id]),
    )


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def record_duplicate(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema, record = at_once(lambda: api.get_schema(app_id), lambda: api.get_record(app_id, record_id))
    copy = records.duplicate_record(workspace, schema=schema, record=record)
    messages.success(request, f"Copied as {copy.name}.")
    return redirect("content:record", app_id=schema.app_id, record_id=copy.id)


def _require(request: HtmxHttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _ready(schema: Schema, values: Any, content: dict[str, Any], *, publish: bool) -> bool:
    """Publishing needs every required field; the form lists the missing ones."""
    if not publish:
        return True
    missing = records.missing_required(schema, content)
    for name, definition in schema.fields.items():
        if (definition.get("label") or name) in missing:
            values.add_error(name, "Required to publish.")
    if missing:
        values.add_error(None, f"To publish, fill in: {', '.join(missing)}.")
    return not missing


def _meta_for(schema: Schema, record: Record, **initial: Any) -> forms.RecordMetaForm:
    content = merge.content_of(schema, record)
    return forms.RecordMetaForm(
        initial={
            "name": content["name"],
            "slug": content["slug"],
            "last_updated_at": record.updated_at.isoformat() if record.updated_at else "",
            "base": forms.sign_content(content),
            **initial,
        }
    )


def _conflict(
    request: HtmxHttpRequest,
    workspace: Workspace[BrickworksClient],
    schema: Schema,
    record_id: str,
    base: dict[str, Any],
    mine: dict[str, Any],
) -> HttpResponse:
    """Someone saved first: my content stays, their changes come in where I left a field alone,
    and each field we both changed gets a keep-mine / keep-theirs choice. Saving then uses their
    `lastUpdatedAt`, so it goes through unless a third save came in between."""
    with workspace.client() as api:
        fresh = records.working_version(api, schema, record_id)
    theirs = merge.content_of(schema, fresh)
    rows = merge.three_way(schema, base, mine, theirs)
    merged = merge.merge(mine, theirs, {row.key for row in rows if row.outcome == "theirs"})
    signed = forms.sign_content(theirs)
    meta = _meta_for(schema, fresh, name=merged["name"], slug=merged["slug"], theirs=signed)
    values = forms.ValuesForm(schema, values=merged["values"])
    context = {
        "conflicts": [row for row in rows if row.outcome == "conflict"],
        "taken": [row for row in rows if row.outcome == "theirs"],
        "other": records.saved_by(fresh),
    }
    return _editor(request, workspace, schema, fresh, meta, values, status=409, **context)


def _meta_fields(meta: Any) -> dict[str, Any]:
    return {"name": meta.cleaned_data.get("name") or None, "slug": meta.cleaned_data.get("slug") or None}


def _remote_errors(error: ApiError, meta: forms.RecordMetaForm, values: forms.ValuesForm) -> None:
    def place(path: str) -> Place | None:
        name = path.removeprefix("values.").split(".")[0]
        if path.startswith("values.") and name in values.fields:
            return Place(values, name)
        return Place(meta, name) if name in meta.fields else None

    place_remote_errors(error, meta, place)


def _editor(
    request: HtmxHttpRequest,
    workspace: Workspace[BrickworksClient],
    schema: Schema,
    record: Record | None,
    meta: Any,
    values: Any,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        **extra,
        "schema": schema,
        "record": record,
        "live": extra.get("live") or (record if record and record.status == "PUBLISHED" else None),
        "meta": meta,
        "values": values,
        "can_edit": request.user.has_perm("content.edit_content"),
        "can_publish": request.user.has_perm("content.publish_content"),
        "save_goes_live": record is not None and records.changes_live(schema, record, publish=False),
        "scheduled": schedule.in_workspace(workspace).filter(
            record_id=record.id, state__in=ScheduledAction.OPEN
        )
        if record
        else [],
        "schedule_form": forms.ScheduleForm(),
    }
    return render(request, "content/records/form.html", context, status=status)


@require_POST
@permission_required("content.view_content", raise_exception=True)
def filter_save(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    """Keep the list's current filter under a name, for this person and schema."""
    workspace = workspace_for(request.user)
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    query.pop("page", None)
    name = request.POST.get("name", "").strip()[:80]
    if not name or not query:
        messages.error(request, "Filter the list first, then give the filter a name.")
    else:
        filters_service.save_filter(workspace, app_id=app_id, name=name, query=query.urlencode()[:500])
        messages.success(request, f"Filter {name} saved.")
    return redirect(f"{reverse('content:records', args=[app_id])}?{query.urlencode()}")


@require_POST
@permission_required("content.view_content", raise_exception=True)
def filter_delete(request: HtmxHttpRequest, app_id: str, pk: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    filters_service.delete_filter(workspace, pk=pk)
    return redirect("content:records", app_id=app_id)
