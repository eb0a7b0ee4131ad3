"""Catalogs live in the person's current Synerise workspace; a client signed for it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.catalogs.client import CatalogsClient
from apps.connections import services as connections
from apps.connections.models import Connection

User = AbstractBaseUser | AnonymousUser


def workspace_for(user: User) -> Connection:
    return connections.connection_for(user, Connection.Kind.SYNERISE)


def client_for(user: User) -> CatalogsClient:
    return client_of(workspace_for(user))


def client_of(connection: Connection, *, retries: int | None = None) -> CatalogsClient:
    return CatalogsClient(connections.http_for(connection, retries=retries))
