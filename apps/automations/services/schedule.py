"""Pausing, resuming or stopping a workflow at a time (a campaign's end), run by the shared sweep
(`apps.jobs.scheduling`). The remote calls are idempotent (pausing a paused workflow answers success), so
a run that died after the call does no harm when it runs again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from apps.automations.client import Workflow
from apps.automations.models import ScheduledWorkflowAction
from apps.automations.services.control import workflow_ref
from apps.automations.services.workspace import workflows_client_of
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core import audit
from apps.jobs import scheduling

Action = ScheduledWorkflowAction.Action
DONE = {Action.PAUSE: "Paused", Action.RESUME: "Running again", Action.STOP: "Stopped for good"}


class AlreadyScheduled(Exception):
    """The workflow already has an open action of this kind; reschedule that one instead."""


def schedule(
    user: AbstractBaseUser, *, workflow: Workflow, action: str, at: datetime
) -> ScheduledWorkflowAction:
    connection = connections.connection_for(user, Connection.Kind.SYNERISE)
    open_ones = ScheduledWorkflowAction.objects.filter(
        connection=connection,
        workflow_id=workflow.diagram_id,
        action=action,
        state__in=ScheduledWorkflowAction.OPEN,
    )
    if open_ones.exists():
        raise AlreadyScheduled(f"{workflow.name} already has a scheduled {action}; reschedule or cancel it.")
    ref = workflow_ref(workflow.diagram_id, workflow.name)
    with transaction.atomic(), audit.action(user, f"workflow.schedule_{action}", ref, at=scheduling.iso(at)):
        item = ScheduledWorkflowAction.objects.create(
            connection=connection,
            workflow_id=workflow.diagram_id,
            workflow_name=workflow.name,
            action=action,
            due_at=at,
            run_at=at,
            created_by=user,
        )
        scheduling.created(user, item)
    return item


def run(pk: int, now: datetime | None = None) -> str | None:
    return scheduling.run(ScheduledWorkflowAction, pk, _perform, now, related=["connection"])


def _perform(item: ScheduledWorkflowAction) -> str:
    with workflows_client_of(item.connection, retries=0) as api:
        if item.action == Action.PAUSE:
            api.pause_workflow(item.workflow_id)
        elif item.action == Action.RESUME:
            api.run_workflow(item.workflow_id)
        else:
            api.stop_workflow(item.workflow_id)
    return f"{DONE[Action(item.action)]}: {item.target_name}"


def in_workspace(user: AbstractBaseUser) -> Any:
    """The scheduled workflow actions of the person's current workspace."""
    return ScheduledWorkflowAction.objects.filter(
        connection=connections.connection_for(user, Connection.Kind.SYNERISE)
    )


def open_for(user: AbstractBaseUser, workflow_id: str) -> Any:
    return in_workspace(user).filter(workflow_id=workflow_id, state__in=ScheduledWorkflowAction.OPEN)
