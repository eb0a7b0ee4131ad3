"""The test database after a flush (tests/database.py): the rows post_migrate makes, copied back the second
time, are the rows it made the first."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from apps.accounts.roles import ROLES
from apps.core.models import AuditEntry


def made_by_post_migrate() -> tuple[object, ...]:
    roles = {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }
    return (
        roles,
        set(ContentType.objects.values_list("pk", "app_label", "model")),
        set(Permission.objects.values_list("pk", "content_type_id", "codename")),
        sorted(AuditEntry.objects.values_list("action", "target_repr")),
    )


@pytest.mark.django_db(transaction=True)
def test_every_flush_leaves_the_roles_permissions_and_content_types_of_a_migrate() -> None:
    call_command("flush", interactive=False, verbosity=0)
    first = made_by_post_migrate()
    Group.objects.create(name="left behind")
    call_command("flush", interactive=False, verbosity=0)
    assert made_by_post_migrate() == first
    roles = first[0]
    assert roles == {name: set(perms) for name, perms in ROLES.items()}
    assert Group.objects.create(name="another").pk > max(
        Group.objects.exclude(name="another").values_list("pk", flat=True)
    )
