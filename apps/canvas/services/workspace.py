"""The Canvas connection a person works through, and a client signed for it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.canvas.client import CanvasClient
from apps.connections import services as connections
from apps.connections.models import Connection

User = AbstractBaseUser | AnonymousUser


def canvas_connection(user: User) -> Connection:
    return connections.connection_for(user, Connection.Kind.CANVAS)


def client_of(connection: Connection, *, retries: int | None = None) -> CanvasClient:
    return CanvasClient(connections.http_for(connection, retries=retries))
