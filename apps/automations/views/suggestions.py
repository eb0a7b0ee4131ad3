"""Suggestions of the flows API: the list, one suggestion with its Apply form, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.automations.client import ApplyResult, FlowsClient
from apps.automations.forms.suggestions import ApplyForm, SuggestionFilters, SuggestionForm
from apps.automations.services import suggestions
from apps.automations.services.workspace import workspace_for
from apps.core.confirm import delete_or_confirm
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiError, ApiValidationError
from apps.core.paging import PAGE_SIZE, CursorList, cursor_of, first_page
from apps.core.remote_errors import Place, place_remote_errors

VIEW, MANAGE = "automations.view_workflows", "automations.manage_flows"


@require_GET
@permission_required(VIEW, raise_exception=True)
@vary_on_headers("HX-Request")
def suggestion_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    filters = SuggestionFilters(request.GET)
    flow = filters.cleaned_data["flow"] if filters.is_valid() else ""
    try:
        with workspace.client() as api:
            result = api.list_suggestions(size=PAGE_SIZE, cursor=cursor_of(request), origin_id=flow or None)
    except ApiValidationError:
        if not cursor_of(request):
            raise
        return first_page(request)
    page = CursorList.of(result)
    context = {"page": page, "filters": filters, "filtered": bool(flow), "tab": "suggestions"}
    return render(request, partial(request, "automations/suggestions/list.html"), context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def suggestion_detail(request: HtmxHttpRequest, suggestion_id: str) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    with workspace.client() as api:
        suggestion = api.get_suggestion(suggestion_id)
    context = {"suggestion": suggestion, "apply_form": ApplyForm(), "tab": "suggestions"}
    return render(request, "automations/suggestions/detail.html", context)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def suggestion_apply(request: HtmxHttpRequest, suggestion_id: str) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    with workspace.client() as api:
        suggestion = api.get_suggestion(suggestion_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        context = {"suggestion": suggestion, "apply_form": form, "tab": "suggestions"}
        return render(request, "automations/suggestions/detail.html", context, status=400)
    target = form.cleaned_data["target_override"]
    result = suggestions.apply_suggestion(
        workspace, suggestion=suggestion, target_override=target, dry_run=form.cleaned_data["dry_run"]
    )
    # The result has its own URL (reload it, share it within the session) without applying again.
    request.session[_result_key(suggestion_id)] = {
        "result": result.model_dump(mode="json", by_alias=True),
        "target": target or suggestion.target,
    }
    return redirect("automations:suggestion_result", suggestion_id)


@require_GET
@permission_required(VIEW, raise_exception=True)
def suggestion_result(request: HtmxHttpRequest, suggestion_id: str) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    kept = request.session.get(_result_key(suggestion_id))
    if not kept:
        return redirect("automations:suggestion", suggestion_id)
    with workspace.client() as api:
        suggestion = api.get_suggestion(suggestion_id)
    result = ApplyResult.model_validate(kept["result"])
    context = {
        "suggestion": suggestion,
        "result": result,
        "target": kept["target"],
        "changes": suggestions.changes(result),
        "tab": "suggestions",
    }
    return render(request, "automations/suggestions/result.html", context)


def _result_key(suggestion_id: str) -> str:
    return f"automations.apply.{suggestion_id}"


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def suggestion_new(request: HtmxHttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def suggestion_edit(request: HtmxHttpRequest, suggestion_id: str) -> HttpResponse:
    return _edit(request, suggestion_id)


def _edit(request: HtmxHttpRequest, suggestion_id: str | None) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    suggestion = None
    if suggestion_id:
        with workspace.client() as api:
            suggestion = api.get_suggestion(suggestion_id)
    form = SuggestionForm(request.POST or None, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        try:
            saved = suggestions.save_suggestion(workspace, body=form.body(), existing=suggestion_id)
        except ApiError as exc:
            if exc.status not in (400, 409, 422):
                raise
            place_remote_errors(exc, form, lambda path: _place(form, path))
        else:
            messages.success(request, f"Suggestion {saved.title} saved.")
            return redirect("automations:suggestion", saved.id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "suggestion": suggestion, "tab": "suggestions"}
    return render(request, "automations/suggestions/form.html", context, status=status)


def _place(form: SuggestionForm, path: str) -> Place | None:
    name = form.place(path)
    return Place(form, name) if name else None


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def suggestion_delete(request: HtmxHttpRequest, suggestion_id: str) -> HttpResponse:
    workspace = workspace_for(request.user, api=FlowsClient)
    with workspace.client() as api:
        suggestion = api.get_suggestion(suggestion_id)
    return delete_or_confirm(
        request,
        "automations/suggestions/delete.html",
        {"suggestion": suggestion, "tab": "suggestions"},
        delete=lambda: suggestions.delete_suggestion(workspace, suggestion=suggestion),
        done=f"Suggestion {suggestion.title} deleted.",
        then="automations:suggestions",
    )
