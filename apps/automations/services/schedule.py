"""Pausing, resuming or stopping a workflow at a time (a campaign's end), run by the shared sweep
(`apps.jobs.scheduling`). Each call goes through `intents.send_once`: a run that died after the call
finds its intent, reads the workflow's status, and sends again only when the workflow is not yet in the
wanted state (resuming sends W3, which starts a new run of a paused workflow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from apps.automations.client import Workflow, WorkflowsClient
from apps.automations.models import ScheduledWorkflowAction
from apps.automations.services import workflows
from apps.automations.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.jobs import intents, scheduling

Action = ScheduledWorkflowAction.Action
DONE = {Action.PAUSE: "Paused", Action.RESUME: "Running again", Action.STOP: "Stopped for good"}
WANTED = {Action.PAUSE: "Paused", Action.RESUME: "Active", Action.STOP: "Stopped"}  # the workflow's status


class AlreadyScheduled(Exception):
    """The workflow already has an open action of this kind; reschedule that one instead."""


def schedule(
    workspace: Workspace[WorkflowsClient], *, workflow: Workflow, action: str, at: datetime
) -> ScheduledWorkflowAction:
    connection, user = workspace.connection, workspace.user
    open_ones = ScheduledWorkflowAction.objects.filter(
        connection=connection,
        workflow_id=workflow.diagram_id,
        action=action,
        state__in=ScheduledWorkflowAction.OPEN,
    )
    if open_ones.exists():
        raise AlreadyScheduled(f"{workflow.name} already has a scheduled {action}; reschedule or cancel it.")
    ref = workflows.workflow_ref(workflow.diagram_id, workflow.name)
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
    action = Action(item.action)
    workspace = workspace_for(item.created_by, connection=item.connection)
    with workspace.client(retries=0) as api:

        def send() -> intents.Answer:
            if action == Action.PAUSE:
                api.pause_workflow(item.workflow_id)
            elif action == Action.RESUME:
                api.run_workflow(item.workflow_id)
            else:
                api.stop_workflow(item.workflow_id)
            return {}

        def already_done(call: object) -> intents.Answer | None:
            status = workflows.find(workspace, api=api, workflow_id=item.workflow_id).status
            return {"status": status} if status == WANTED[action] else None

        sent = intents.send_once(f"automations.scheduled:{item.pk}", send, already_done)
    found = "" if sent.sent_now else " (sent before its worker stopped; not sent again)"
    return f"{DONE[action]}: {item.target_name}{found}"


def in_workspace(workspace: Workspace[WorkflowsClient]) -> Any:
    """The scheduled workflow actions of the workspace."""
    return ScheduledWorkflowAction.objects.filter(connection=workspace.connection)


def open_for(workspace: Workspace[WorkflowsClient], *, workflow_id: str) -> Any:
    return in_workspace(workspace).filter(workflow_id=workflow_id, state__in=ScheduledWorkflowAction.OPEN)
