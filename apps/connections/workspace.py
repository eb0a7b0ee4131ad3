"""The workspace a person works in: a connection, the person, and the domain's client signed for it.

Every domain's `services/workspace.py` holds one function, `workspace_for(user, *, connection=None)`,
returning a `Workspace[ItsClient]`. Services take the workspace first; a view builds it once per request
and passes it on; a task builds it from the row it works on (`connection=row.connection`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import httpx
from django.contrib.auth import models as auth

from apps.connections import services
from apps.connections.models import Connection
from apps.connections.services import User

__all__ = ["User", "Workspace", "workspace"]

C = TypeVar("C")


@dataclass(frozen=True)
class Workspace(Generic[C]):
    connection: Connection
    # None for the system's own work (a beat poll over every connection): nobody to audit as.
    person: User | None
    make: Callable[[httpx.Client], C] = field(repr=False, compare=False)
    # Canvas only: the managed account acted as ("" is the key's owner) and its name for the screens.
    account_id: str = ""
    account_label: str = ""

    @property
    def user(self) -> auth.User:
        """The signed-in person, for rows kept as theirs (a saved filter, a schedule's author). Only a
        person's own request asks for it (every page needs login), never the system's work."""
        if self.person is None or not self.person.is_authenticated:
            raise ValueError("This needs a signed-in person.")
        return self.person

    def client(self, *, retries: int | None = None) -> C:
        """A client signed for the connection. `retries=0` is for callers that retry on their own (a
        scheduled action's attempts), so that no request is repeated by two layers."""
        return self.make(services.http_for(self.connection, retries=retries))


def workspace(
    user: User | None, kind: str, make: Callable[[httpx.Client], C], *, connection: Connection | None = None
) -> Workspace[C]:
    """The person's connection of `kind` (NoConnection, saying what to add, when there is none), or
    `connection`, the one a stored row (a schedule, a job) belongs to."""
    if connection is None:
        if user is None:
            raise ValueError("A workspace without a person needs its connection.")
        connection = services.connection_for(user, kind)
    return Workspace(connection, user, make)
