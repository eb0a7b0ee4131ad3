"""The Users screen: admin role only (no is_staff), a password or an invite, roles, deactivation."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.core.models import AuditEntry
from tests.people import PASSWORD, client_for, make_user


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
    response = client.post(reverse("accounts:person_new"), {**data, **extra, "access": access})
    assert response.status_code == 200, response.content.decode()
    return response.content.decode()


@pytest.mark.parametrize("persona", ["viewer_client", "publisher_client", "operator_client", "editor_client"])
def test_only_the_admin_role_reaches_the_users_screen(persona: str, request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue(persona)
    vera = make_user("someone", "viewer")
    assert client.get(reverse("accounts:people")).status_code == 403
    assert client.get(reverse("accounts:person_new")).status_code == 403
    assert (
        client.post(reverse("accounts:person_new"), {"username": "x", "access": "password"}).status_code
        == 403
    )
    assert client.post(reverse("accounts:person", args=[vera.pk]), {"roles": ["admin"]}).status_code == 403
    assert client.post(reverse("accounts:person_active", args=[vera.pk]), {"active": "0"}).status_code == 403
    assert client.post(reverse("accounts:person_invite", args=[vera.pk])).status_code == 403
    assert list(User.objects.get(pk=vera.pk).groups.values_list("name", flat=True)) == ["viewer"]


def test_an_admin_without_is_staff_sees_the_list_and_settings_links_to_it(admin_only: Client) -> None:
    make_user("vera", "viewer")
    page = admin_only.get(reverse("accounts:people"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "vera" in text and "Viewer" in text and "Never" in text
    settings = admin_only.get(reverse("connections:list")).content.decode()
    assert f'href="{reverse("accounts:people")}"' in settings and "/admin/auth/user/" not in settings


def test_the_form_says_what_each_role_may_do(admin_only: Client) -> None:
    text = admin_only.get(reverse("accounts:person_new")).content.decode()
    for role in ["Viewer", "Editor", "Publisher", "Operator", "Admin"]:
        assert re.search(rf'<strong>{role}</strong> <span class="muted">[A-Z][^<]+\.</span>', text), role


def test_a_person_made_with_a_one_time_password_can_sign_in(admin_only: Client) -> None:
    text = new_person(admin_only, "password")
    password = re.search(r"Password</span> <code>([^<]+)</code>", text).group(1)
    nina = User.objects.get(username="nina")
    assert list(nina.groups.values_list("name", flat=True)) == ["editor"]
    assert signs_in("nina", password)
    assert password not in admin_only.get(reverse("accounts:person", args=[nina.pk])).content.decode()
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
    response = admin_only.post(
        reverse("accounts:person", args=[vera.pk]), {"roles": ["publisher", "operator"]}
    )
    assert response.status_code == 302
    assert set(vera.groups.values_list("name", flat=True)) == {"publisher", "operator"}
    vera.refresh_from_db()
    assert vera.has_perm("content.publish_content") and not vera.has_perm("content.manage_schemas")
    entry = AuditEntry.objects.filter(action="user.groups", target_id=str(vera.pk), username="ada").last()
    assert entry is not None


def test_deactivate_and_reactivate_but_never_yourself(admin_only: Client) -> None:
    vera = make_user("vera", "viewer")
    url = reverse("accounts:person_active", args=[vera.pk])
    assert admin_only.post(url, {"active": "0"}).status_code == 302
    vera.refresh_from_db()
    assert not vera.is_active and not signs_in("vera", PASSWORD)
    assert User.objects.filter(pk=vera.pk).exists()
    assert AuditEntry.objects.filter(action="user.change", target_id=str(vera.pk), username="ada").exists()
    admin_only.post(url, {"active": "1"})
    vera.refresh_from_db()
    assert vera.is_active

    ada = User.objects.get(username="ada")
    response = admin_only.post(reverse("accounts:person_active", args=[ada.pk]), {"active": "0"}, follow=True)
    ada.refresh_from_db()
    assert ada.is_active and "cannot deactivate yourself" in response.content.decode()


def test_a_username_taken_is_refused_by_name(admin_only: Client) -> None:
    make_user("nina", None)
    response = admin_only.post(reverse("accounts:person_new"), {"username": "Nina", "access": "password"})
    assert response.status_code == 200 and "already signs in as" in response.content.decode()
    assert User.objects.filter(username__iexact="nina").count() == 1


# Who manages whom: a person manages only people holding no permission they lack themselves, and only a
# superuser manages a superuser. Each action is tried in both directions.


def with_perms(username: str, role: str | None, *perms: str) -> User:
    """A person holding `role` plus `perms` given to them directly (as the Django admin can)."""
    user = make_user(username, role)
    for label in perms:
        app_label, codename = label.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        user.user_permissions.add(permission)
    return User.objects.get(pk=user.pk)


# A viewer who was also given the Users screen: manages viewers, not publishers or admins.
USERS_SCREEN = ("auth.view_user", "auth.add_user", "auth.change_user")


def invite(client: Client, target: User) -> HttpResponse:
    return client.post(reverse("accounts:person_invite", args=[target.pk]))


def change_roles(client: Client, target: User) -> HttpResponse:
    """Takes every role away, or gives a viewer's to a person with none: a change either way."""
    roles = [] if target.groups.exists() else ["viewer"]
    return client.post(reverse("accounts:person", args=[target.pk]), {"roles": roles})


def deactivate(client: Client, target: User) -> HttpResponse:
    return client.post(reverse("accounts:person_active", args=[target.pk]), {"active": "0"})


def reactivate(client: Client, target: User) -> HttpResponse:
    User.objects.filter(pk=target.pk).update(is_active=False)
    return client.post(reverse("accounts:person_active", args=[target.pk]), {"active": "1"})


ACTIONS = {"invite": invite, "roles": change_roles, "deactivate": deactivate, "reactivate": reactivate}


def state(user: User) -> tuple[object, ...]:
    user = User.objects.get(pk=user.pk)
    groups = tuple(sorted(user.groups.values_list("name", flat=True)))
    perms = tuple(sorted(user.user_permissions.values_list("codename", flat=True)))
    return groups, perms, user.is_active, user.is_superuser, user.password, user.last_login


def actor_and_target(pair: str) -> tuple[User, User]:
    """The acting person and the person acted on, by the line of the tables below."""
    people = {
        "admin": lambda: make_user("ada", "admin"),
        "other admin": lambda: make_user("bob", "admin"),
        "viewer": lambda: make_user("vera", "viewer"),
        "superuser": lambda: make_user("root", None, superuser=True),
        "other superuser": lambda: make_user("sue", None, superuser=True),
        "admin with more": lambda: with_perms("max", "admin", "auth.delete_user"),
        "viewer with the users screen": lambda: with_perms("lena", "viewer", *USERS_SCREEN),
        "publisher": lambda: make_user("paula", "publisher"),
    }
    actor, target = pair.split(" manages ")
    return people[actor](), people[target]()


ALLOWED = [
    "admin manages viewer",
    "admin manages other admin",
    "superuser manages admin",
    "superuser manages other superuser",
    "viewer with the users screen manages viewer",
]
REFUSED = [
    "admin manages superuser",
    "admin manages admin with more",
    "viewer with the users screen manages publisher",
    "viewer with the users screen manages admin",
]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("pair", ALLOWED)
def test_a_person_manages_who_holds_no_more_than_they_do(db: None, pair: str, action: str) -> None:
    actor, target = actor_and_target(pair)
    if action == "reactivate":
        User.objects.filter(pk=target.pk).update(is_active=False)
    before = state(target)
    response = ACTIONS[action](client_for(actor), target)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    if action == "invite":  # a link changes nothing until it is used
        assert "/welcome/" in response.content.decode()
    else:
        assert state(target) != before
    assert AuditEntry.objects.filter(target_id=str(target.pk), username=actor.username).exists()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("pair", REFUSED)
def test_a_person_holding_more_or_a_superuser_is_refused_and_nothing_changes(
    db: None, pair: str, action: str
) -> None:
    actor, target = actor_and_target(pair)
    if action == "reactivate":
        User.objects.filter(pk=target.pk).update(is_active=False)
    before = state(target)
    audited = AuditEntry.objects.count()
    response = ACTIONS[action](client_for(actor), target)
    assert response.status_code == 403
    text = response.content.decode()
    assert "/welcome/" not in text
    assert re.search(r"(superuser|permissions? you do not hold)", text), text[:500]
    assert state(target) == before
    assert AuditEntry.objects.count() == audited


def test_roles_holding_permissions_the_actor_lacks_are_not_granted(db: None) -> None:
    lena = with_perms("lena", "viewer", *USERS_SCREEN)
    vera = make_user("vera", "viewer")
    client = client_for(lena)
    before, audited = state(vera), AuditEntry.objects.count()
    for roles in (["publisher"], ["viewer", "admin"], ["operator"]):
        response = client.post(reverse("accounts:person", args=[vera.pk]), {"roles": roles})
        assert response.status_code == 403 and "permissions you do not hold" in response.content.decode()
    assert state(vera) == before and AuditEntry.objects.count() == audited
    # The form offers only the roles this person may give.
    page = client.get(reverse("accounts:person", args=[vera.pk])).content.decode()
    assert 'value="viewer"' in page and 'value="publisher"' not in page and 'value="admin"' not in page


@pytest.mark.parametrize("access", ["password", "invite"])
def test_adding_a_person_with_roles_beyond_the_actors_own_is_refused(db: None, access: str) -> None:
    lena = with_perms("lena", "viewer", *USERS_SCREEN)
    client = client_for(lena)
    audited = AuditEntry.objects.count()
    data = {"username": "nina", "roles": ["publisher"], "access": access}
    response = client.post(reverse("accounts:person_new"), data)
    assert response.status_code == 403 and "permissions you do not hold" in response.content.decode()
    assert not User.objects.filter(username="nina").exists() and AuditEntry.objects.count() == audited
    # Within their own permissions, the same person adds people.
    assert client.post(reverse("accounts:person_new"), {**data, "roles": ["viewer"]}).status_code == 200
    assert list(User.objects.get(username="nina").groups.values_list("name", flat=True)) == ["viewer"]


@pytest.mark.parametrize("access", ["password", "invite"])
def test_an_admin_adds_a_person_with_any_role_an_admin_holds(admin_only: Client, access: str) -> None:
    text = new_person(admin_only, access, roles=["admin", "publisher"])
    nina = User.objects.get(username="nina")
    assert set(nina.groups.values_list("name", flat=True)) == {"admin", "publisher"}
    assert "Password</span>" in text if access == "password" else "/welcome/" in text


def test_an_invite_link_is_not_issued_for_a_person_who_has_signed_in(admin_only: Client) -> None:
    vera = make_user("vera", "viewer")
    assert signs_in("vera", PASSWORD)
    before, audited = state(vera), AuditEntry.objects.count()
    response = admin_only.post(reverse("accounts:person_invite", args=[vera.pk]))
    assert response.status_code == 403 and "/welcome/" not in response.content.decode()
    assert "already signed in" in response.content.decode()
    assert state(vera) == before and AuditEntry.objects.count() == audited
    page = admin_only.get(reverse("accounts:person", args=[vera.pk])).content.decode()
    assert reverse("accounts:person_invite", args=[vera.pk]) not in page


def test_an_invite_link_for_a_person_who_has_signed_in_is_dead_when_opened(db: None) -> None:
    vera = make_user("vera", "viewer")
    User.objects.filter(pk=vera.pk).update(last_login=timezone.now())
    vera.refresh_from_db()
    # A link made after the sign-in (the token hashes the last sign-in, so only a link made later is live).
    uid = urlsafe_base64_encode(force_bytes(vera.pk))
    link = reverse("accounts:set_password", args=[uid, default_token_generator.make_token(vera)])
    visitor = Client()
    assert visitor.get(link).status_code == 410
    new = "a calm Tuesday 42"
    assert visitor.post(link, {"new_password1": new, "new_password2": new}).status_code == 410
    assert signs_in("vera", PASSWORD) and not signs_in("vera", new)


def test_a_password_set_through_an_invite_link_is_audited_as_that_person(admin_only: Client) -> None:
    text = new_person(admin_only, "invite")
    link = re.search(r"<code>https?://[^/]+(/welcome/[^<]+)</code>", text).group(1)
    new = "a calm Tuesday 42"
    Client().post(link, {"new_password1": new, "new_password2": new})
    nina = User.objects.get(username="nina")
    entry = AuditEntry.objects.get(action="user.password", target_id=str(nina.pk))
    assert entry.username == "nina" and entry.user_id == nina.pk


def test_the_users_screens_offer_no_action_the_viewer_may_not_take(admin_only: Client) -> None:
    root = make_user("root", None, superuser=True)
    vera = make_user("vera", "viewer")
    page = admin_only.get(reverse("accounts:person", args=[root.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "root" in text
    for name in ("accounts:person_invite", "accounts:person_active"):
        assert reverse(name, args=[root.pk]) not in text
    assert "Save roles" not in text and 'type="checkbox"' not in text
    assert "Only a superuser" in text
    # The same page for a person the admin may manage has every action.
    text = admin_only.get(reverse("accounts:person", args=[vera.pk])).content.decode()
    assert "Save roles" in text
    for name in ("accounts:person_invite", "accounts:person_active"):
        assert reverse(name, args=[vera.pk]) in text
    # The list says who is out of reach instead of leading to buttons that answer 403.
    listing = admin_only.get(reverse("accounts:people")).content.decode()
    assert listing.count("Only a superuser can change this person") == 1
    assert "view only" not in listing


def test_a_viewer_with_the_users_screen_is_offered_no_add_roles_they_lack(db: None) -> None:
    lena = with_perms("lena", "viewer", *USERS_SCREEN)
    page = client_for(lena).get(reverse("accounts:person_new")).content.decode()
    assert 'value="viewer"' in page and 'value="publisher"' not in page and 'value="admin"' not in page
