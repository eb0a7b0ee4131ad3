"""The workspace automations are reached through, and a client signed for it: workflows live in the
person's current Synerise workspace (the default), flows and suggestions behind the flows API
connection (`api=FlowsClient`)."""

from __future__ import annotations

from typing import Any, TypeVar, overload

from apps.automations.client import FlowsClient, WorkflowsClient
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace, workspace

C = TypeVar("C", WorkflowsClient, FlowsClient)
KINDS = {WorkflowsClient: Connection.Kind.SYNERISE, FlowsClient: Connection.Kind.FLOWS}


@overload
def workspace_for(
    user: User | None, *, connection: Connection | None = None
) -> Workspace[WorkflowsClient]: ...
@overload
def workspace_for(
    user: User | None, *, connection: Connection | None = None, api: type[C]
) -> Workspace[C]: ...
def workspace_for(
    user: User | None, *, connection: Connection | None = None, api: type[Any] = WorkflowsClient
) -> Workspace[Any]:
    """The person's connection for `api` (their current Synerise workspace for workflows), or
    `connection` (a stored row's) for work done later."""
    return workspace(user, KINDS[api], api, connection=connection)
