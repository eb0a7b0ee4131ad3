"""The roles are synced once per migrate, with every permission in place, and say so once in the audit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from apps.accounts.roles import ROLES
from apps.core.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_a_migrate_syncs_each_role_once_with_all_its_permissions() -> None:
    Group.objects.all().delete()
    AuditEntry.objects.all().delete()
    call_command("migrate", verbosity=0)
    for name, perms in ROLES.items():
        group = Group.objects.get(name=name)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert have == set(perms), name
    changes = AuditEntry.objects.filter(action="group.permissions")
    assert sorted(changes.values_list("target_repr", flat=True)) == sorted(ROLES)
    call_command("migrate", verbosity=0)  # nothing changed: nothing more to say
    assert AuditEntry.objects.filter(action="group.permissions").count() == len(ROLES)
