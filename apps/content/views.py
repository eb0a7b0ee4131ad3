from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.content import forms, services
from apps.content.client import Page, Record, Schema
from apps.content.models import SavedFilter, ScheduledAction, TestProfile
from apps.core import audit
from apps.core.htmx import HtmxHttpRequest
from apps.core.http import ApiConflict, ApiError, ApiNotFound, ApiValidationError

PAGE_SIZE = 25
UNDO_MESSAGE = '{name} deleted. <a href="{url}#deleted-{pk}">Undo</a> within 7 days.'


@dataclass
class RemotePage:
    """A page of a remote list, shaped like Django's Page for the pagination include."""

    items: list[Any]
    number: int
    num_pages: int

    @property
    def paginator(self) -> RemotePage:
        return self

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @classmethod
    def of(cls, page: Page[Any]) -> RemotePage:
        return cls(
            page.data, page.meta.page, max(1, page.meta.pages or math.ceil(page.meta.total / page.meta.limit))
        )


def _page_number(request: HtmxHttpRequest) -> int:
    value = request.GET.get("page", "1")
    return max(1, int(value)) if value.isdigit() else 1


def _results(request: HtmxHttpRequest, template: str) -> str:
    return f"{template}#results" if request.htmx and not request.htmx.boosted else template


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def schema_list(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.SchemaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    with services.client_for(request.user) as api:
        page = api.list_schemas(
            page=_page_number(request),
            limit=PAGE_SIZE,
            search=filters.get("q") or None,
            schema_types=[filters["type"]] if filters.get("type") else None,
            sort_by=filters.get("sort") or None,
        )
    context = {
        "form": form,
        "page": RemotePage.of(page),
        "total": page.meta.total,
        "filtered": bool(filters and any(filters.values())),
    }
    return render(request, _results(request, "content/schema_list.html"), context)


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def record_list(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    form = forms.RecordFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        page = api.list_records(
            schema.id,
            page=_page_number(request),
            limit=PAGE_SIZE,
            search=filters.get("q") or None,
            statuses=[filters["status"]] if filters.get("status") else None,
            sort_by=filters.get("sort") or None,
        )
        changed = _changed_since_published(api, schema, page.data)
    context = {
        "schema": schema,
        "form": form,
        "page": RemotePage.of(page),
        "total": page.meta.total,
        "changed": changed,
        "filtered": bool(filters and any(filters.values())),
        "saved_filters": SavedFilter.objects.filter(
            user=request.user, connection=services.workspace_for(request.user), app_id=schema.app_id
        ),
        "query": request.GET.urlencode(),
    }
    return render(request, _results(request, "content/record_list.html"), context)


def _changed_since_published(api: Any, schema: Schema, records: list[Record]) -> set[str]:
    """Published records of this page that also have a newer draft (one call for the page)."""
    live = [r.id for r in records if r.status == "PUBLISHED"]
    if schema.is_simple or not live:
        return set()
    drafts = api.list_records(schema.id, ids=live, statuses=["DRAFT", "SCHEDULED"], limit=len(live))
    return {r.id for r in drafts.data}


@require_http_methods(["GET", "POST"])
@permission_required("content.view_content", raise_exception=True)
def record_new(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    publish = request.POST.get("action") == "publish"
    if request.method == "POST":
        _require(request, "content.publish_content" if publish else "content.edit_content")
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
    meta = forms.RecordMetaForm(request.POST or None)
    values = forms.ValuesForm(schema, request.POST or None)
    ready = request.method == "POST" and meta.is_valid() and values.is_valid()
    if ready and _ready(schema, values, values.values(), publish=publish):
        status = "PUBLISHED" if publish else ("UNPUBLISHED" if schema.is_simple else "DRAFT")
        try:
            record = services.create_record(
                request.user, schema, values=values.values(), status=status, **_meta_fields(meta)
            )
        except (ApiValidationError, ApiConflict) as exc:
            _remote_errors(exc, meta, values)
        else:
            messages.success(request, f"{record.name} {'published' if publish else 'saved'}.")
            return redirect("content:record", app_id=schema.app_id, record_id=record.id)
    return _editor(request, schema, None, meta, values, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@permission_required("content.view_content", raise_exception=True)
def record_edit(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    action = request.POST.get("action", "save")
    if request.method == "POST":
        _require(request, "content.edit_content" if action == "save" else "content.publish_content")
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        record = _working_version(api, schema, record_id)
    if request.method == "GET":
        meta = _meta_for(schema, record)
        return _editor(request, schema, record, meta, forms.ValuesForm(schema, values=record.values))
    meta = forms.RecordMetaForm(request.POST)
    values = forms.ValuesForm(schema, request.POST)
    if action == "unpublish":
        services.update_record(request.user, schema, record, status="UNPUBLISHED", from_state="PUBLISHED")
        messages.success(request, f"{record.name} unpublished.")
        return redirect("content:record", app_id=schema.app_id, record_id=record.id)
    if not (meta.is_valid() and values.is_valid()):
        return _editor(request, schema, record, meta, values, status=400)
    mine = {"values": values.values(), **_meta_fields(meta)}
    if meta.cleaned_data["theirs"]:
        keep = {key.removeprefix("keep-") for key, pick in request.POST.items() if pick == "theirs"}
        mine = services.merge(mine, meta.cleaned_data["theirs"], keep)
    if not _ready(schema, values, mine["values"], publish=action == "publish"):
        return _editor(request, schema, record, meta, values, status=400)
    try:
        saved = _save(request, schema, record, mine, meta, publish=action == "publish")
    except ApiConflict as exc:
        if exc.code != "BKW-029":
            raise
        return _conflict(request, schema, record_id, meta.cleaned_data["base"], mine)
    except ApiValidationError as exc:
        _remote_errors(exc, meta, values)
        return _editor(request, schema, record, meta, values, status=400)
    messages.success(request, f"{saved.name} {'published' if action == 'publish' else 'saved'}.")
    return redirect("content:record", app_id=schema.app_id, record_id=record.id)


def _working_version(api: Any, schema: Schema, record_id: str) -> Record:
    """The version an editor works on: the draft (or scheduled, unpublished) one, else the live one."""
    if not schema.is_simple:
        try:
            return api.get_record(schema.id, record_id, statuses=["DRAFT", "SCHEDULED", "UNPUBLISHED"])
        except ApiNotFound:
            pass
    return api.get_record(schema.id, record_id)


def _save(
    request: HtmxHttpRequest,
    schema: Schema,
    record: Record,
    data: dict[str, Any],
    meta: Any,
    *,
    publish: bool,
) -> Record:
    last = meta.cleaned_data.get("last_updated_at") or None
    user = request.user
    if schema.is_simple:
        return services.update_record(
            user, schema, record, status="PUBLISHED" if publish else None, last_updated_at=last, **data
        )
    if record.status in ("PUBLISHED", "UNPUBLISHED"):
        # A live or unpublished version is never edited in place: the change starts a new draft.
        draft = services.update_record(user, schema, record, status="DRAFT", last_updated_at=last, **data)
        if not publish:
            return draft
        return services.update_record(
            user, schema, draft, status="PUBLISHED", last_updated_at=draft.updated_at
        )
    return services.update_record(
        user, schema, record, status="PUBLISHED" if publish else None, last_updated_at=last, **data
    )


@require_GET
@permission_required("content.view_content", raise_exception=True)
def record_preview(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    """The record as up to three profiles would get it, side by side, from the version being edited."""
    data = request.GET if "form-TOTAL_FORMS" in request.GET else None
    profiles = forms.PreviewProfiles(data, initial=[{"identifier_type": "email"}])
    chosen = [f.cleaned_data for f in profiles] if profiles.is_valid() else [{}]
    if data and "add" in request.GET and profiles.is_valid() and len(chosen) < 3:
        # Another row, keeping what was typed in the others.
        profiles = forms.PreviewProfiles(initial=[*chosen, {"identifier_type": "email"}])
    saved = TestProfile.objects.filter(connection=services.workspace_for(request.user))
    picked = [p for p in saved if str(p.pk) in request.GET.getlist("saved")]
    if picked:
        typed = [c for c in chosen if c.get("identifier_value")]
        chosen = [
            {"name": p.name, "identifier_type": p.identifier_type, "identifier_value": p.identifier_value}
            for p in picked
        ]
        chosen += typed
        if len(chosen) > 3:
            messages.warning(request, "Up to three profiles side by side: the first three are shown.")
            chosen = chosen[:3]
    columns = []
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        record = _working_version(api, schema, record_id)
        for profile in chosen:
            column = services.preview(
                api, schema, record, profile.get("identifier_type"), profile.get("identifier_value")
            )
            if profile.get("name"):
                column["who"] = f"{profile['name']} · {column['who']}"
            columns.append(column)
    context = {
        "schema": schema,
        "record": record,
        "profiles": profiles,
        "columns": columns,
        "saved": saved,
        "picked": picked,
        "profile_form": forms.TestProfileForm(),
    }
    return render(request, "content/record_preview.html", context)


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def test_profile_save(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    form = forms.TestProfileForm(request.POST)
    back = reverse("content:record_preview", args=[app_id, record_id])
    if not form.is_valid():
        messages.error(request, "Give the profile a name, an identifier type and a value.")
        return redirect(back)
    connection = services.workspace_for(request.user)
    profile, _ = TestProfile.objects.update_or_create(
        connection=connection,
        name=form.cleaned_data["name"],
        defaults={**form.cleaned_data, "created_by": request.user},
    )
    audit.record(request.user, "test_profile.save", profile)
    messages.success(request, f"Test profile {profile.name} saved for everyone in this workspace.")
    return redirect(f"{back}?saved={profile.pk}")


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def test_profile_delete(request: HtmxHttpRequest, app_id: str, record_id: str, pk: int) -> HttpResponse:
    profile = TestProfile.objects.filter(pk=pk, connection=services.workspace_for(request.user)).first()
    if profile is not None:
        audit.record(request.user, "test_profile.delete", profile)
        profile.delete()
    return redirect("content:record_preview", app_id=app_id, record_id=record_id)


@require_GET
@permission_required("content.view_content", raise_exception=True)
def record_versions(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    """Every version with who and when, and a field-by-field comparison of two (draft vs live at first)."""
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        versions = api.list_versions(schema.id, record_id, limit=100).data
    if not versions:
        raise Http404("No versions")
    by_number = {v.record_version: v for v in versions}
    live = next((v for v in versions if v.status == "PUBLISHED"), None)
    newest = versions[0]
    a = by_number.get(_int(request.GET.get("a"))) or live or newest
    b = by_number.get(_int(request.GET.get("b"))) or (newest if newest is not a else a)
    context = {
        "schema": schema,
        "record": newest,
        "versions": versions,
        "a": a,
        "b": b,
        "rows": services.diff_versions(schema, a, b),
        "live": live,
        "has_draft": newest.status in ("DRAFT", "SCHEDULED") and live is not None,
        "can_edit": request.user.has_perm("content.edit_content"),
        # A scheduled publish makes the newest draft live: what changes then, field by field.
        "going_live": ScheduledAction.objects.filter(
            record_id=record_id, action=ScheduledAction.Action.PUBLISH, state__in=ScheduledAction.OPEN
        )
        .order_by("run_at")
        .first()
        if newest.status in ("DRAFT", "SCHEDULED")
        else None,
    }
    return render(request, "content/record_versions.html", context)


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def record_restore(request: HtmxHttpRequest, app_id: str, record_id: str, number: int) -> HttpResponse:
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        version = api.get_version(schema.id, record_id, number)
        latest = api.list_versions(schema.id, record_id, limit=1).data[0]
    try:
        draft = services.restore_version(request.user, schema, version, latest)
    except services.DraftInTheWay as exc:
        messages.error(request, str(exc))
        return redirect("content:record_versions", app_id=schema.app_id, record_id=record_id)
    messages.success(
        request, f"Version {number} restored as draft version {draft.record_version}. Nothing was published."
    )
    return redirect("content:record", app_id=schema.app_id, record_id=record_id)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else -1


@require_http_methods(["GET", "POST"])
@permission_required("content.publish_content", raise_exception=True)
def record_delete(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        record = api.get_record(schema.id, record_id)
    if request.method == "POST":
        deleted = services.delete_record(request.user, schema, record)
        messages.success(
            request, format_html(UNDO_MESSAGE, name=record.name, url=reverse("deleted:list"), pk=deleted.pk)
        )
        return redirect("content:records", app_id=schema.app_id)
    return render(request, "content/record_delete.html", {"schema": schema, "record": record})


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def record_duplicate(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    with services.client_for(request.user) as api:
        schema = api.get_schema(app_id)
        record = api.get_record(schema.id, record_id)
    copy = services.duplicate_record(request.user, schema, record)
    messages.success(request, f"Copied as {copy.name}.")
    return redirect("content:record", app_id=schema.app_id, record_id=copy.id)


def _require(request: HtmxHttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _ready(schema: Schema, values: Any, content: dict[str, Any], *, publish: bool) -> bool:
    """Publishing needs every required field; the form lists the missing ones."""
    if not publish:
        return True
    missing = services.missing_required(schema, content)
    for name, definition in schema.fields.items():
        if (definition.get("label") or name) in missing:
            values.add_error(name, "Required to publish.")
    if missing:
        values.add_error(None, f"To publish, fill in: {', '.join(missing)}.")
    return not missing


def _meta_for(schema: Schema, record: Record, **initial: Any) -> forms.RecordMetaForm:
    content = services.content_of(schema, record)
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
    request: HtmxHttpRequest, schema: Schema, record_id: str, base: dict[str, Any], mine: dict[str, Any]
) -> HttpResponse:
    """Someone saved first: my content stays, their changes come in where I left a field alone,
    and each field we both changed gets a keep-mine / keep-theirs choice. Saving then uses their
    `lastUpdatedAt`, so it goes through unless a third save came in between."""
    with services.client_for(request.user) as api:
        fresh = _working_version(api, schema, record_id)
    theirs = services.content_of(schema, fresh)
    rows = services.three_way(schema, base, mine, theirs)
    merged = services.merge(mine, theirs, {row.key for row in rows if row.outcome == "theirs"})
    signed = forms.sign_content(theirs)
    meta = _meta_for(schema, fresh, name=merged["name"], slug=merged["slug"], theirs=signed)
    values = forms.ValuesForm(schema, values=merged["values"])
    context = {
        "conflicts": [row for row in rows if row.outcome == "conflict"],
        "taken": [row for row in rows if row.outcome == "theirs"],
        "other": fresh.updated_by.get("name") or "someone else",
    }
    return _editor(request, schema, fresh, meta, values, status=409, **context)


def _meta_fields(meta: Any) -> dict[str, Any]:
    return {"name": meta.cleaned_data.get("name") or None, "slug": meta.cleaned_data.get("slug") or None}


def _remote_errors(exc: ApiError, meta: Any, values: Any) -> None:
    """Put the remote service's field errors on the fields they name; the rest above the form."""
    placed = False
    for path, errors in exc.field_errors.items():
        name = path.removeprefix("values.").split(".")[0]
        form = (
            values
            if path.startswith("values.") and name in values.fields
            else meta
            if name in meta.fields
            else None
        )
        for error in errors:
            if form is not None:
                form.add_error(name, error)
                placed = True
    if not placed:
        meta.add_error(None, exc.message)


def _editor(
    request: HtmxHttpRequest,
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
        "meta": meta,
        "values": values,
        "can_edit": request.user.has_perm("content.edit_content"),
        "can_publish": request.user.has_perm("content.publish_content"),
        "scheduled": ScheduledAction.objects.filter(record_id=record.id, state__in=ScheduledAction.OPEN)
        if record
        else [],
        "schedule_form": forms.ScheduleForm(),
    }
    return render(request, "content/record_form.html", context, status=status)


@require_POST
@permission_required("content.view_content", raise_exception=True)
def filter_save(request: HtmxHttpRequest, app_id: str) -> HttpResponse:
    """Keep the list's current filter under a name, for this person and schema."""
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    query.pop("page", None)
    name = request.POST.get("name", "").strip()[:80]
    if not name or not query:
        messages.error(request, "Filter the list first, then give the filter a name.")
    else:
        saved, _ = SavedFilter.objects.update_or_create(
            user=request.user,
            connection=services.workspace_for(request.user),
            app_id=app_id,
            name=name,
            defaults={"query": query.urlencode()[:500]},
        )
        audit.record(request.user, "saved_filter.save", saved, query=saved.query)
        messages.success(request, f"Filter {name} saved.")
    return redirect(f"{reverse('content:records', args=[app_id])}?{query.urlencode()}")


@require_POST
@permission_required("content.view_content", raise_exception=True)
def filter_delete(request: HtmxHttpRequest, app_id: str, pk: int) -> HttpResponse:
    saved = SavedFilter.objects.filter(pk=pk, user=request.user).first()
    if saved is not None:
        audit.record(request.user, "saved_filter.delete", saved)
        saved.delete()
    return redirect("content:records", app_id=app_id)
