"""The permission backend: what ModelBackend grants, read in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.people import make_user

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache, as on a new request


def test_a_person_holds_their_roles_and_their_own_permissions_in_one_query() -> None:
    eddie = make_user("eddie", "editor")
    eddie.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    eddie = fresh(eddie)
    with CaptureQueriesContext(connection) as queries:
        assert eddie.has_perm("core.view_auditentry")  # given directly
        assert eddie.has_perm("content.edit_content")  # through the editor role
        assert not eddie.has_perm("auth.add_user")
    assert len(queries) == 1
    assert eddie.get_all_permissions() == ModelBackend().get_all_permissions(fresh(eddie))


@pytest.mark.parametrize("role", ["admin", "operator", "publisher", "editor", "viewer", None])
def test_each_role_holds_what_django_s_own_backend_gives_it(role: str | None) -> None:
    person = make_user("pat", role)
    assert fresh(person).get_all_permissions() == ModelBackend().get_all_permissions(fresh(person))


def test_a_superuser_holds_every_permission_and_a_deactivated_person_none() -> None:
    root = make_user("root", None, superuser=True)
    assert fresh(root).get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
    vera = make_user("vera", "viewer")
    User.objects.filter(pk=vera.pk).update(is_active=False)
    assert fresh(vera).get_all_permissions() == set()
    assert not fresh(vera).has_perm("content.view_content")
