"""The Users screen (admin role: `auth.change_user`, not the Django admin's is_staff) and the invite page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.htmx import HtmxHttpRequest
from apps.core.people import forms, services

MANAGE = "auth.change_user"


@require_GET
@permission_required(MANAGE, raise_exception=True)
def people_list(request: HtmxHttpRequest) -> HttpResponse:
    people = User.objects.order_by("-is_active", "username").prefetch_related("groups")
    rows = [(person, services.role_names(person)) for person in people]
    return render(request, "core/people/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
@permission_required("auth.add_user", raise_exception=True)
@never_cache
def person_new(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person, access = services.create_person(
            request.user,
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            roles=data["roles"],
            invite=data["access"] == "invite",
        )
        # Rendered, not redirected: the password or link is shown on this answer only.
        return render(request, "core/people/access.html", {"person": person, **_access(request, access)})
    return render(request, "core/people/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def person_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = forms.RolesForm(request.POST or None, initial={"roles": services.role_names(person)})
    if request.method == "POST" and form.is_valid():
        services.set_roles(request.user, person, roles=form.cleaned_data["roles"])
        messages.success(request, f"Roles of {person.get_username()} saved.")
        return redirect("core:person", pk=pk)
    return render(request, "core/people/detail.html", {"person": person, "form": form})


@require_POST
@permission_required(MANAGE, raise_exception=True)
def person_active(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(request.user, person, active=active)
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        verb = "can sign in again" if active else "can no longer sign in"
        messages.success(request, f"{person.get_username()} {verb}.")
    return redirect("core:person", pk=pk)


@require_POST
@permission_required(MANAGE, raise_exception=True)
@never_cache
def person_invite(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk, is_active=True)
    access = services.Access(link=services.invite_link(request.user, person))
    return render(request, "core/people/access.html", {"person": person, **_access(request, access)})


@require_http_methods(["GET", "POST"])
@login_not_required
@never_cache
def set_password(request: HtmxHttpRequest, uidb64: str, token: str) -> HttpResponse:
    person = services.invited(uidb64, token)
    if person is None:
        return render(request, "core/people/link_dead.html", status=410)
    form = forms.ChoosePasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your password is set. Sign in with it.")
        return redirect("login")
    return render(request, "core/people/set_password.html", {"form": form, "person": person})


def _access(request: HtmxHttpRequest, access: services.Access) -> dict[str, str]:
    return {
        "password": access.password,
        "link": request.build_absolute_uri(access.link) if access.link else "",
    }
