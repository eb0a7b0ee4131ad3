"""The Synerise workspace a person works in, and a Brickworks client signed for it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient, Record, Schema
from apps.core import audit

User = AbstractBaseUser | AnonymousUser


def workspace_for(user: User) -> Connection:
    """The person's current Synerise connection; raises NoConnection when there is none."""
    return connections.connection_for(user, Connection.Kind.SYNERISE)


def client_for(user: User) -> BrickworksClient:
    return client_of(workspace_for(user))


def client_of(connection: Connection) -> BrickworksClient:
    return BrickworksClient(connections.http_for(connection))


def record_ref(schema: Schema, record: Record | None, record_id: str = "") -> audit.Ref:
    name = record.name if record else ""
    return audit.Ref(
        "brickworks.record", record.id if record else record_id, f"{schema.app_id}/{name or record_id}"
    )
