"""The Synerise workspace a person works in, and a Brickworks client signed for it."""

from __future__ import annotations

from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace, workspace
from apps.content.client import BrickworksClient


def workspace_for(user: User | None, *, connection: Connection | None = None) -> Workspace[BrickworksClient]:
    """The person's current Synerise workspace, or `connection` (a stored row's) for work done later."""
    return workspace(user, Connection.Kind.SYNERISE, BrickworksClient, connection=connection)
