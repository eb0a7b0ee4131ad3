"""Versions: every version of a record, a field-by-field compare, restore one as a draft."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.content.models import ScheduledAction
from apps.content.services import records, schedule
from apps.content.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.core.paging import whole_number
from apps.core.threads import at_once

VERSIONS_SHOWN = 100


@require_GET
@permission_required("content.view_content", raise_exception=True)
def record_versions(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    """Every version with who and when, and a field-by-field comparison of two (draft vs live at first)."""
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema = api.get_schema(app_id)
        versions = api.list_versions(schema.id, record_id, limit=VERSIONS_SHOWN).data
    if not versions:
        raise Http404("No versions")
    by_number = {v.record_version: v for v in versions}
    live = next((v for v in versions if v.status == "PUBLISHED"), None)
    newest = versions[0]
    authors = records.version_authors(newest.id)
    a = by_number.get(_int(request.GET.get("a"))) or live or newest
    b = by_number.get(_int(request.GET.get("b"))) or (newest if newest is not a else a)
    context = {
        "schema": schema,
        "record": newest,
        "versions": versions,
        "history": [(v, authors.get(v.record_version)) for v in versions],
        "a": a,
        "b": b,
        "rows": records.diff_versions(schema, a, b),
        "live": live,
        "has_draft": newest.status in ("DRAFT", "SCHEDULED") and live is not None,
        "can_edit": request.user.has_perm("content.edit_content"),
        "restore_refused": records.restore_refused(newest),
        # A scheduled publish makes the newest draft live: what changes then, field by field.
        "going_live": schedule.in_workspace(workspace)
        .filter(record_id=record_id, action=ScheduledAction.Action.PUBLISH, state__in=ScheduledAction.OPEN)
        .order_by("run_at")
        .first()
        if newest.status in ("DRAFT", "SCHEDULED")
        else None,
    }
    return render(request, "content/records/versions.html", context)


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def record_restore(request: HtmxHttpRequest, app_id: str, record_id: str, number: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        schema = api.get_schema(app_id)  # versions are found by the schema's id only (V1-V4)
        version, latest = at_once(
            lambda: api.get_version(schema.id, record_id, number),
            lambda: api.list_versions(schema.id, record_id, limit=1).data[0],
        )
    try:
        draft = records.restore_version(workspace, schema=schema, version=version, latest=latest)
    except records.DraftInTheWay as exc:
        messages.error(request, str(exc))
        return redirect("content:record_versions", app_id=schema.app_id, record_id=record_id)
    messages.success(
        request, f"Version {number} restored as draft version {draft.record_version}. Nothing was published."
    )
    return redirect("content:record", app_id=schema.app_id, record_id=record_id)


def _int(value: str | None) -> int:
    number = whole_number(value)
    return -1 if number is None else number
