"""The Users screen (admin role: `auth.change_user`, not the Django admin's is_staff), the invite page and
the Audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.accounts import forms, services
from apps.core import audit
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.models import AuditEntry
from apps.core.paging import LOCAL_PAGE_SIZE

MANAGE = "auth.change_user"


def _refused(request: HtmxHttpRequest, exc: services.Refused) -> HttpResponse:
    return render(request, "accounts/people/refused.html", {"reason": str(exc)}, status=403)


@require_GET
@permission_required(MANAGE, raise_exception=True)
def people_list(request: HtmxHttpRequest) -> HttpResponse:
    people = User.objects.order_by("-is_active", "username").prefetch_related("groups")
    holds = services.held_permissions(request.user)
    rows = [
        (person, services.role_names(person), services.may_manage(request.user, person, actor_holds=holds))
        for person in people
    ]
    return render(request, "accounts/people/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
@permission_required("auth.add_user", raise_exception=True)
@never_cache
def person_new(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.PersonForm(request.POST if request.method == "POST" else None)
    form.offer_roles(services.grantable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, access = services.create_person(
                request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                invite=data["access"] == "invite",
            )
        except services.Refused as exc:
            return _refused(request, exc)
        # Rendered, not redirected: the password or link is shown on this answer only.
        return render(request, "accounts/people/access.html", {"person": person, **_access(request, access)})
    return render(request, "accounts/people/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def person_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    # A POST of no roles at all has an empty body when the CSRF field is absent: still a POST.
    form = forms.RolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": services.role_names(person)}
    )
    form.offer_roles(services.grantable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_roles(request.user, person, roles=form.cleaned_data["roles"])
        except services.Refused as exc:
            return _refused(request, exc)
        messages.success(request, f"Roles of {person.get_username()} saved.")
        return redirect("accounts:person", pk=pk)
    context = {
        "person": person,
        "form": form,
        "roles": services.role_names(person),
        "refusal": services.refusal(request.user, person),
    }
    return render(request, "accounts/people/detail.html", context)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def person_active(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(request.user, person, active=active)
    except services.Refused as exc:
        return _refused(request, exc)
    verb = "can sign in again" if active else "can no longer sign in"
    messages.success(request, f"{person.get_username()} {verb}.")
    return redirect("accounts:person", pk=pk)


@require_POST
@permission_required(MANAGE, raise_exception=True)
@never_cache
def person_invite(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    try:
        access = services.Access(link=services.invite_link(request.user, person))
    except services.Refused as exc:
        return _refused(request, exc)
    return render(request, "accounts/people/access.html", {"person": person, **_access(request, access)})


@require_http_methods(["GET", "POST"])
@login_not_required
@never_cache
def set_password(request: HtmxHttpRequest, uidb64: str, token: str) -> HttpResponse:
    person = services.invited(uidb64, token)
    if person is None:
        return render(request, "accounts/people/link_dead.html", status=410)
    form = forms.ChoosePasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Nobody is signed in here: the change is the invited person's own.
        with audit.acting(lambda: person):
            form.save()
        messages.success(request, "Your password is set. Sign in with it.")
        return redirect("login")
    return render(request, "accounts/people/set_password.html", {"form": form, "person": person})


def _access(request: HtmxHttpRequest, access: services.Access) -> dict[str, str]:
    return {
        "password": access.password,
        "link": request.build_absolute_uri(access.link) if access.link else "",
    }


@require_GET
@permission_required("core.view_auditentry", raise_exception=True)
@vary_on_headers("HX-Request")
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    form = forms.AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    filtered = form.is_valid() and any(form.cleaned_data.values())
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            entries = entries.filter(
                Q(username__icontains=q) | Q(action__icontains=q) | Q(target_repr__icontains=q)
            )
        if data["outcome"]:
            entries = entries.filter(outcome=data["outcome"])
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    page = Paginator(entries, LOCAL_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": filtered}
    return render(request, partial(request, "accounts/audit_list.html"), context)
