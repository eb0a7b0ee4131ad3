"""The Users screen: admin role only (no is_staff), a password or an invite, roles, deactivation."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.core.models import AuditEntry
from tests.conftest import PASSWORD, client_for, make_user


@pytest.fixture
def admin_only(db: None) -> Client:
    """The admin role without is_staff or is_superuser: the stock Django admin shut this person out."""
    user = make_user("ada", "admin")
    assert not user.is_staff
    return client_for(user)


def signs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def new_person(client: Client, access: str, **extra: object) -> str:
    data = {"username": "nina", "first_name": "Nina", "email": "nina@example.com", "roles": ["editor"]}
    response = client.post(reverse("core:person_new"), {**data, **extra, "access": access})
    assert response.status_code == 200, response.content.decode()
    return response.content.decode()


@pytest.mark.parametrize("persona", ["viewer_client", "publisher_client", "operator_client", "editor_client"])
def test_only_the_admin_role_reaches_the_users_screen(persona: str, request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue(persona)
    vera = make_user("someone", "viewer")
    assert client.get(reverse("core:people")).status_code == 403
    assert client.get(reverse("core:person_new")).status_code == 403
    assert client.post(reverse("core:person_new"), {"username": "x", "access": "password"}).status_code == 403
    assert client.post(reverse("core:person", args=[vera.pk]), {"roles": ["admin"]}).status_code == 403
    assert client.post(reverse("core:person_active", args=[vera.pk]), {"active": "0"}).status_code == 403
    assert client.post(reverse("core:person_invite", args=[vera.pk])).status_code == 403
    assert list(User.objects.get(pk=vera.pk).groups.values_list("name", flat=True)) == ["viewer"]


def test_an_admin_without_is_staff_sees_the_list_and_settings_links_to_it(admin_only: Client) -> None:
    make_user("vera", "viewer")
    page = admin_only.get(reverse("core:people"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "vera" in text and "Viewer" in text and "Never" in text
    settings = admin_only.get(reverse("connections:list")).content.decode()
    assert f'href="{reverse("core:people")}"' in settings and "/admin/auth/user/" not in settings


def test_the_form_says_what_each_role_may_do(admin_only: Client) -> None:
    text = admin_only.get(reverse("core:person_new")).content.decode()
    for role in ["Viewer", "Editor", "Publisher", "Operator", "Admin"]:
        assert re.search(rf'<strong>{role}</strong> <span class="muted">[A-Z][^<]+\.</span>', text), role


def test_a_person_made_with_a_one_time_password_can_sign_in(admin_only: Client) -> None:
    text = new_person(admin_only, "password")
    password = re.search(r"Password</span> <code>([^<]+)</code>", text).group(1)
    nina = User.objects.get(username="nina")
    assert list(nina.groups.values_list("name", flat=True)) == ["editor"]
    assert signs_in("nina", password)
    assert password not in admin_only.get(reverse("core:person", args=[nina.pk])).content.decode()
    actions = set(AuditEntry.objects.filter(target_id=str(nina.pk)).values_list("action", "username"))
    assert {("user.create", "ada"), ("user.groups", "ada")} <= actions


def test_an_invite_link_sets_a_password_once_and_then_is_dead(admin_only: Client) -> None:
    text = new_person(admin_only, "invite")
    link = re.search(r"<code>https?://[^/]+(/welcome/[^<]+)</code>", text).group(1)
    nina = User.objects.get(username="nina")
    assert not nina.has_usable_password()

    visitor = Client()
    assert visitor.get(link).status_code == 200
    new = "a calm Tuesday 42"
    response = visitor.post(link, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signs_in("nina", new)

    assert visitor.get(link).status_code == 410
    again = visitor.post(link, {"new_password1": "another 987 pass", "new_password2": "another 987 pass"})
    assert again.status_code == 410
    assert signs_in("nina", new)
    assert AuditEntry.objects.filter(action="user.invite", target_id=str(nina.pk)).exists()


def test_a_forged_invite_link_is_dead(admin_only: Client) -> None:
    new_person(admin_only, "invite")
    assert Client().get("/welcome/MQ/abc-123/").status_code == 410


def test_roles_are_assigned_and_audited(admin_only: Client) -> None:
    vera = make_user("vera", "viewer")
    response = admin_only.post(reverse("core:person", args=[vera.pk]), {"roles": ["publisher", "operator"]})
    assert response.status_code == 302
    assert set(vera.groups.values_list("name", flat=True)) == {"publisher", "operator"}
    vera.refresh_from_db()
    assert vera.has_perm("content.publish_content") and not vera.has_perm("content.manage_schemas")
    entry = AuditEntry.objects.filter(action="user.groups", target_id=str(vera.pk), username="ada").last()
    assert entry is not None


def test_deactivate_and_reactivate_but_never_yourself(admin_only: Client) -> None:
    vera = make_user("vera", "viewer")
    url = reverse("core:person_active", args=[vera.pk])
    assert admin_only.post(url, {"active": "0"}).status_code == 302
    vera.refresh_from_db()
    assert not vera.is_active and not signs_in("vera", PASSWORD)
    assert User.objects.filter(pk=vera.pk).exists()
    assert AuditEntry.objects.filter(action="user.change", target_id=str(vera.pk), username="ada").exists()
    admin_only.post(url, {"active": "1"})
    vera.refresh_from_db()
    assert vera.is_active

    ada = User.objects.get(username="ada")
    response = admin_only.post(reverse("core:person_active", args=[ada.pk]), {"active": "0"}, follow=True)
    ada.refresh_from_db()
    assert ada.is_active and "cannot deactivate yourself" in response.content.decode()


def test_a_username_taken_is_refused_by_name(admin_only: Client) -> None:
    make_user("nina", None)
    response = admin_only.post(reverse("core:person_new"), {"username": "Nina", "access": "password"})
    assert response.status_code == 200 and "already signs in as" in response.content.decode()
    assert User.objects.filter(username__iexact="nina").count() == 1
