"""Users, groups and permissions: every change is audited, and only superusers grant what only they hold.

The Django admin is driven as Alice, a staff user with the admin role (not a superuser).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User, update_last_login
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from tests.people import PASSWORD, client_for, make_user


@pytest.fixture
def staff_alice(alice: User) -> Client:
    alice.is_staff = True
    alice.save()
    return client_for(alice)


@pytest.fixture
def root_group(db: None) -> Group:
    """A group granting a permission the admin role does not hold."""
    group = Group.objects.create(name="root")
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    return group


def change_form(user: User, **changes: Any) -> dict[str, Any]:
    """What the admin's change form posts for `user`, with `changes` on top."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        **changes,
    }


def test_an_admin_cannot_make_anyone_superuser_or_staff(staff_alice: Client, alice: User, vera: User) -> None:
    for person in (vera, alice):
        url = f"/admin/auth/user/{person.pk}/change/"
        assert 'name="is_superuser"' not in staff_alice.get(url).content.decode()
        response = staff_alice.post(url, change_form(person, is_superuser="on", is_staff="on"))
        assert response.status_code == 302
    vera.refresh_from_db()
    alice.refresh_from_db()
    assert not vera.is_superuser and not vera.is_staff
    assert not alice.is_superuser and alice.is_staff
    assert not AuditEntry.objects.filter(action="user.change", detail__has_key="is_superuser").exists()


def test_an_admin_cannot_give_a_role_with_permissions_they_lack(
    staff_alice: Client, alice: User, vera: User, root_group: Group
) -> None:
    AuditEntry.objects.all().delete()
    url = f"/admin/auth/user/{alice.pk}/change/"
    delete_user = Permission.objects.get(codename="delete_user")
    for changes in ({"groups": [root_group.pk]}, {"user_permissions": [delete_user.pk]}):
        response = staff_alice.post(url, change_form(alice, **changes))
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    alice = User.objects.get(pk=alice.pk)
    assert not alice.has_perm("auth.delete_user")
    assert not AuditEntry.objects.filter(action__in=["user.groups", "user.permissions"]).exists()


def test_a_role_the_admin_may_not_give_is_also_not_taken_away(
    staff_alice: Client, vera: User, root_group: Group
) -> None:
    vera.groups.add(root_group)
    editor = Group.objects.get(name="editor")
    response = staff_alice.post(f"/admin/auth/user/{vera.pk}/change/", change_form(vera, groups=[editor.pk]))
    # Vera now holds a permission Alice lacks, so Alice changes nothing of hers (the Users screen's rule).
    assert response.status_code == 403
    assert set(vera.groups.values_list("name", flat=True)) == {"root", "viewer"}


def test_an_admin_cannot_change_a_superusers_password(staff_alice: Client, db: None) -> None:
    root = make_user("root", None, superuser=True)
    url = f"/admin/auth/user/{root.pk}/password/"
    response = staff_alice.post(url, {"password1": "taken over 123!", "password2": "taken over 123!"})
    assert response.status_code == 403
    assert User.objects.get(pk=root.pk).check_password(PASSWORD)
    assert staff_alice.post(f"/admin/auth/user/{root.pk}/change/", change_form(root)).status_code == 403


def test_an_admin_cannot_change_someone_holding_more_in_the_django_admin(
    staff_alice: Client, root_group: Group
) -> None:
    """The Users screen's rule holds in the Django admin too: no password, no change, no delete."""
    max_ = make_user("max", "admin")
    max_.groups.add(root_group)
    url = f"/admin/auth/user/{max_.pk}/password/"
    response = staff_alice.post(url, {"password1": "taken over 123!", "password2": "taken over 123!"})
    assert response.status_code == 403
    assert User.objects.get(pk=max_.pk).check_password(PASSWORD)
    assert staff_alice.post(f"/admin/auth/user/{max_.pk}/change/", change_form(max_)).status_code == 403
    assert staff_alice.post(f"/admin/auth/user/{max_.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=max_.pk, is_active=True).exists()


def test_a_superuser_can_grant_superuser_and_it_is_audited(vera: User) -> None:
    root = make_user("root", None, superuser=True)
    response = client_for(root).post(
        f"/admin/auth/user/{vera.pk}/change/", change_form(vera, is_superuser="on", is_staff="on")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=vera.pk).is_superuser
    entry = AuditEntry.objects.get(action="user.change", target_id=str(vera.pk))
    assert (entry.username, entry.target_type) == ("root", "auth.User")
    assert entry.detail == {
        "changed": ["is_staff", "is_superuser"],
        "is_staff": [False, True],
        "is_superuser": [False, True],
    }


def test_every_user_change_in_the_admin_is_audited_with_who_made_it(staff_alice: Client, vera: User) -> None:
    AuditEntry.objects.all().delete()
    editor = Group.objects.get(name="editor")
    viewer = Group.objects.get(name="viewer")
    staff_alice.post(
        "/admin/auth/user/add/",
        {
            "username": "nina",
            "password1": "a long pass 123!",
            "password2": "a long pass 123!",
            "usable_password": "true",
        },
    )
    nina = User.objects.get(username="nina")
    url = f"/admin/auth/user/{vera.pk}/change/"
    staff_alice.post(url, change_form(vera, email="vera@example.test", groups=[editor.pk]))
    staff_alice.post(
        f"/admin/auth/user/{vera.pk}/password/",
        {"password1": "new pass 12345!", "password2": "new pass 12345!"},
    )
    rows = [
        (e.username, e.action, e.target_repr, e.detail)
        for e in AuditEntry.objects.filter(action__startswith="user.").order_by("pk")
    ]
    assert rows == [
        ("alice", "user.create", "nina", {"is_active": True, "is_staff": False, "is_superuser": False}),
        ("alice", "user.change", "vera", {"changed": ["email"]}),
        ("alice", "user.groups", "vera", {"removed": ["viewer"]}),
        ("alice", "user.groups", "vera", {"added": ["editor"]}),
        ("alice", "user.password", "vera", {}),
    ]
    assert nina.groups.count() == 0 and viewer not in vera.groups.all()


def test_group_changes_and_deletes_are_audited_wherever_they_happen(db: None) -> None:
    """Outside a request (a command, the shell) the entries name no one."""
    AuditEntry.objects.all().delete()  # migrate's own: the roles given their permissions
    group = Group.objects.create(name="support")
    group.permissions.add(Permission.objects.get(codename="view_job"))
    group.permissions.clear()
    person = make_user("pat", "viewer")
    person.groups.clear()
    person.delete()
    group.delete()
    rows = [
        (e.username, e.action, e.target_repr, e.detail)
        for e in AuditEntry.objects.exclude(action="user.create").order_by("pk")
    ]
    assert rows == [
        ("", "group.create", "support", {}),
        ("", "group.permissions", "support", {"added": ["jobs.view_job"]}),
        ("", "group.permissions", "support", {"removed": ["jobs.view_job"]}),
        ("", "user.groups", "pat", {"added": ["viewer"]}),
        ("", "user.groups", "pat", {"removed": ["viewer"]}),
        ("", "user.delete", "pat", {"is_active": True, "is_staff": False, "is_superuser": False}),
        ("", "group.delete", "support", {}),
    ]


def test_an_admin_who_may_change_groups_cannot_give_one_a_permission_they_lack(
    staff_alice: Client, alice: User
) -> None:
    alice.user_permissions.add(Permission.objects.get(codename="change_group"))
    group = Group.objects.create(name="support")
    delete_user = Permission.objects.get(codename="delete_user")
    view_job = Permission.objects.get(codename="view_job")
    url = f"/admin/auth/group/{group.pk}/change/"
    response = staff_alice.post(url, {"name": "support", "permissions": [delete_user.pk]})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert staff_alice.post(url, {"name": "support", "permissions": [view_job.pk]}).status_code == 302
    assert list(group.permissions.all()) == [view_job]
    entry = AuditEntry.objects.get(action="group.permissions", target_id=str(group.pk))
    assert (entry.username, entry.detail) == ("alice", {"added": ["jobs.view_job"]})


def test_a_save_of_named_fields_is_audited_when_it_changes_a_watched_one_and_read_only_then(
    vera: User,
) -> None:
    AuditEntry.objects.all().delete()
    vera.is_active = False
    vera.save(update_fields=["is_active"])
    entry = AuditEntry.objects.get(action="user.change", target_id=str(vera.pk))
    assert entry.detail == {"changed": ["is_active"], "is_active": [True, False]}
    with CaptureQueriesContext(connection) as queries:
        update_last_login(None, vera)  # what a sign-in saves: nothing the audit watches
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    assert AuditEntry.objects.count() == 1
