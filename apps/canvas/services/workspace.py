"""The Canvas connection a person works through, the account they act as, and a client signed for both."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.canvas.client import CanvasClient
from apps.canvas.models import ActingAccount
from apps.connections import services as connections
from apps.connections.models import Connection

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    """Whose data a call reads: the connection and the account acted as ("" is the key's owner)."""

    connection: Connection
    account_id: str
    account_label: str

    def client(self, *, retries: int | None = None) -> CanvasClient:
        return CanvasClient(
            connections.http_for(self.connection, retries=retries), managed_account_id=self.account_id or None
        )


def canvas_connection(user: User) -> Connection:
    return connections.connection_for(user, Connection.Kind.CANVAS)


def client_of(connection: Connection, *, retries: int | None = None) -> CanvasClient:
    return CanvasClient(connections.http_for(connection, retries=retries))


def acting_account(user: User, connection: Connection) -> ActingAccount | None:
    if not user.is_authenticated:
        return None
    return ActingAccount.objects.filter(user_id=user.pk, connection=connection).first()


def scope_of(user: User) -> Scope:
    """The person's Canvas connection and the account they chose to act as, else the key's own."""
    connection = canvas_connection(user)
    acting = acting_account(user, connection)
    if acting is not None:
        return Scope(connection, acting.account_id, acting.label)
    return Scope(connection, connection.managed_account_id or "", "")


def client_for(user: User, *, retries: int | None = None) -> CanvasClient:
    return scope_of(user).client(retries=retries)
