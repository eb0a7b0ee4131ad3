"""What the Users screen says each role does is made from the role's permissions, so it cannot claim more
or less than they allow (issue 20, item 6: operators were said to cancel and retry every operation)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.roles import ROLES, describe, permission_names
from apps.jobs import services as jobs
from tests.people import make_user

# Each kind of operation, the permission its jobs take to cancel or retry, and how a sentence names it.
OPERATIONS = [
    ("content.bulk_publish", "content.publish_content", "bulk actions on records"),
    ("automations.bulk_pause", "automations.operate_workflows", "bulk actions on workflows"),
    ("automations.run", "", "workflow runs"),
    ("canvas.run", "canvas.operate_integrations", "runs of Canvas workflows"),
    ("catalogs.import", "catalogs.edit_items", "catalog imports"),
    ("catalog_export", "catalogs.view_catalogs", "catalog exports"),
    ("connection.test", "", "connection tests"),
]


def test_every_permission_of_every_role_has_words() -> None:
    names = permission_names()
    assert not [perm for perms in ROLES.values() for perm in perms if perm not in names]


@pytest.mark.parametrize("role", list(ROLES))
def test_a_role_is_said_to_cancel_and_retry_exactly_the_operations_it_may(role: str, db: None) -> None:
    person: User = make_user(f"someone-{role}", role)
    names = permission_names()
    sentence = describe(role)
    # What the role's description says, with what it says by naming the roles the role holds all of.
    said = "; ".join(names[perm] for perm in ROLES[role])
    for kind, permission, words in OPERATIONS:
        job = jobs.create_job(kind=kind, label=kind, task_name="x", permission=permission)
        allowed = jobs.may_cancel(person, job) and jobs.may_retry(person, job)
        assert (words in said) == allowed, (role, kind, said)
    held = [other for other in ROLES if other != role and set(ROLES[other]) < set(ROLES[role])]
    for perm in ROLES[role]:
        if not any(perm in ROLES[other] for other in held):
            assert names[perm].removeprefix("Can ") in sentence


def test_the_users_screen_shows_the_generated_sentences(admin_client: object) -> None:
    html = admin_client.get(reverse("accounts:person_new")).content.decode()  # type: ignore[attr-defined]
    for role in ROLES:
        assert escape(describe(role)) in html
