"""Catalogs live in the person's current Synerise workspace; a client signed for it."""

from __future__ import annotations

from apps.catalogs.client import CatalogsClient
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace, workspace


def workspace_for(user: User | None, *, connection: Connection | None = None) -> Workspace[CatalogsClient]:
    """The person's current Synerise workspace, or `connection` (a stored row's) for work done later."""
    return workspace(user, Connection.Kind.SYNERISE, CatalogsClient, connection=connection)
