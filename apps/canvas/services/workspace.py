"""The Canvas connection a person works through, the account they act as, and a client signed for both."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from apps.canvas.client import CanvasClient
from apps.canvas.models import ActingAccount
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace, workspace


def workspace_for(
    user: User | None, *, connection: Connection | None = None, account_id: str | None = None
) -> Workspace[CanvasClient]:
    """The person's Canvas connection and the account they chose to act as, else the key's own; or
    `connection` and `account_id`, the ones a stored row (a run, a schedule) names, for work done later."""
    found = workspace(user, Connection.Kind.CANVAS, CanvasClient, connection=connection)
    label = ""
    if account_id is None:
        acting = None
        if user is not None and user.is_authenticated:
            acting = ActingAccount.objects.filter(user_id=user.pk, connection=found.connection).first()
        owner = found.connection.managed_account_id or ""
        account_id, label = (acting.account_id, acting.label) if acting else (owner, "")
    make = partial(CanvasClient, managed_account_id=account_id or None)
    return replace(found, make=make, account_id=account_id, account_label=label)
