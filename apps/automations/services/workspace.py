"""The connections workflows and flows are reached through, and clients signed for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.automations.client import FlowsClient, WorkflowsClient
from apps.connections import services as connections
from apps.connections.models import Connection

User = AbstractBaseUser | AnonymousUser


def workflows_client(user: User) -> WorkflowsClient:
    """Automation workflows live in the person's current Synerise workspace."""
    return workflows_client_of(connections.connection_for(user, Connection.Kind.SYNERISE))


def workflows_client_of(connection: Connection, *, retries: int | None = None) -> WorkflowsClient:
    return WorkflowsClient(connections.http_for(connection, retries=retries))


def flows_client(user: User) -> FlowsClient:
    return flows_client_of(connections.connection_for(user, Connection.Kind.FLOWS))


def flows_client_of(connection: Connection, *, retries: int | None = None) -> FlowsClient:
    return FlowsClient(connections.http_for(connection, retries=retries))


def workflows_connection(user: User) -> Connection:
    """The person's current Synerise workspace (a NoConnection error page when there is none)."""
    return connections.connection_for(user, Connection.Kind.SYNERISE)
