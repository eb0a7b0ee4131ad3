"""A workspace's signed-in person (`Workspace.user`): what rows kept as a person's (a saved filter, a
schedule's author) are stored under."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from apps.connections.models import Connection
from apps.connections.workspace import Workspace


def _workspace(person: Any) -> Workspace[Any]:
    return Workspace(Connection(kind=Connection.Kind.SYNERISE), person, make=lambda http: http)


def test_user_is_the_signed_in_person() -> None:
    person = User(username="ana")
    assert _workspace(person).user is person


@pytest.mark.parametrize("person", [None, AnonymousUser()], ids=["the system", "anonymous"])
def test_user_needs_a_signed_in_person(person: Any) -> None:
    with pytest.raises(ValueError, match="signed-in person"):
        _workspace(person).user  # noqa: B018
