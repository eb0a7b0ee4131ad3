"""Preview: a record as up to three profiles would get it, and the workspace's saved test profiles."""

from __future__ import annotations

from functools import partial

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.content.forms import records as forms
from apps.content.services import preview, records
from apps.content.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.core.threads import at_once


@require_GET
@permission_required("content.view_content", raise_exception=True)
# django-csp types its decorators for views taking the request alone; they pass every argument on.
@csp_update({"style-src": [preview.frame_style_source()]})  # type: ignore[arg-type]  # see above
def record_preview(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    """The record as up to three profiles would get it, side by side, from the version being edited."""
    workspace = workspace_for(request.user)
    data = request.GET if "form-TOTAL_FORMS" in request.GET else None
    profiles = forms.PreviewProfiles(data, initial=[{"identifier_type": "email"}])
    chosen = [f.cleaned_data for f in profiles] if profiles.is_valid() else [{}]
    if data and "add" in request.GET and profiles.is_valid() and len(chosen) < 3:
        # Another row, keeping what was typed in the others.
        profiles = forms.PreviewProfiles(initial=[*chosen, {"identifier_type": "email"}])
    saved = preview.profiles_of(workspace)
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
    with workspace.client() as api:
        schema, record, _live = records.opened(api, app_id, record_id)
        columns = at_once(
            *(
                partial(
                    preview.preview, api, schema, record, p.get("identifier_type"), p.get("identifier_value")
                )
                for p in chosen
            )
        )
    for profile, column in zip(chosen, columns, strict=True):
        if profile.get("name"):
            column["who"] = f"{profile['name']} · {column['who']}"
    context = {
        "schema": schema,
        "record": record,
        "profiles": profiles,
        "columns": columns,
        "saved": saved,
        "picked": picked,
        "profile_form": forms.TestProfileForm(),
    }
    return render(request, "content/records/preview.html", context)


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def test_profile_save(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = forms.TestProfileForm(request.POST)
    back = reverse("content:record_preview", args=[app_id, record_id])
    if not form.is_valid():
        messages.error(request, "Give the profile a name, an identifier type and a value.")
        return redirect(back)
    profile = preview.save_test_profile(workspace, **form.cleaned_data)
    messages.success(request, f"Test profile {profile.name} saved for everyone in this workspace.")
    return redirect(f"{back}?saved={profile.pk}")


@require_POST
@permission_required("content.edit_content", raise_exception=True)
def test_profile_delete(request: HtmxHttpRequest, app_id: str, record_id: str, pk: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    preview.delete_test_profile(workspace, pk=pk)
    return redirect("content:record_preview", app_id=app_id, record_id=record_id)
