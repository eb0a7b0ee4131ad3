"""Accounts of the organization: list, create one, act as one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.canvas.forms.accounts import AccountForm, ActAsForm
from apps.canvas.services import accounts
from apps.canvas.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest, redirect_next
from apps.core.http import ApiConflict, ApiValidationError


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
def account_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    items = accounts.list_accounts(workspace)
    return render(
        request, "canvas/accounts/list.html", {"workspace": workspace, "tab": "accounts", "accounts": items}
    )


@require_http_methods(["GET", "POST"])
@permission_required("canvas.manage_integrations", raise_exception=True)
def account_new(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.create_account(workspace, **form.cleaned_data)
        except (ApiValidationError, ApiConflict) as exc:
            form.add_error(form.remote_field(exc.message), exc.message)
        else:
            messages.success(request, f"Account {form.cleaned_data['email']} created.")
            return redirect("canvas:accounts")
    return render(
        request, "canvas/accounts/form.html", {"workspace": workspace, "tab": "accounts", "form": form}
    )


@require_POST
@permission_required("canvas.operate_integrations", raise_exception=True)
def act_as(request: HtmxHttpRequest) -> HttpResponse:
    form = ActAsForm(request.POST)
    if form.is_valid():
        try:
            account_id = form.cleaned_data["account"]
            acting = accounts.choose_account(workspace_for(request.user), account_id=account_id)
        except LookupError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Acting as {acting.label}." if acting else "Acting as the key's owner."
            )
    return redirect_next(request, reverse("canvas:accounts"))
