"""Run (or resume), pause and stop one automation workflow: the remote call and its audit entry."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.automations.client import WorkflowsClient
from apps.core import audit

User = AbstractBaseUser | AnonymousUser | None


def workflow_ref(workflow_id: str, name: str = "") -> audit.Ref:
    return audit.Ref("automation.workflow", workflow_id, name or workflow_id)


def run(user: User, client: WorkflowsClient, workflow_id: str, *, name: str = "") -> None:
    """Start the workflow, or resume it when paused (W3 does both)."""
    with audit.action(user, "workflow.run", workflow_ref(workflow_id, name)):
        client.run_workflow(workflow_id)


def pause(user: User, client: WorkflowsClient, workflow_id: str, *, name: str = "") -> None:
    with audit.action(user, "workflow.pause", workflow_ref(workflow_id, name)):
        client.pause_workflow(workflow_id)


def stop(user: User, client: WorkflowsClient, workflow_id: str, *, name: str = "") -> None:
    """Stop for good: a stopped workflow cannot be run again (spec §2.2)."""
    with audit.action(user, "workflow.stop", workflow_ref(workflow_id, name)):
        client.stop_workflow(workflow_id)
