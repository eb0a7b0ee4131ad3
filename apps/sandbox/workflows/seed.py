"""Demo workflows of the sandbox, one in each status, with a finished run for the active ones."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from apps.sandbox.models import Workspace
from apps.sandbox.workflows.models import Workflow, WorkflowRun, WorkflowStatus

NAMESPACE = uuid.UUID("6f1c8f0e-2b7a-4f7e-9a53-3d0f6a1c2b40")
AUTHOR = "demo@synadmin.test"
CAPPING = {"capping": {"limit": 0, "period": {"type": "Time", "timeSeconds": 0}}, "multipleJourneys": False}

# name, status, has data-processing nodes, days since the last change
DEMO_WORKFLOWS = [
    ("Welcome journey", WorkflowStatus.ACTIVE, True, 1),
    ("Nightly product import", WorkflowStatus.ACTIVE, True, 2),
    ("Winback campaign", WorkflowStatus.DRAFT, False, 3),
    ("Black Friday countdown", WorkflowStatus.SCHEDULED, False, 4),
    ("Spring promotion", WorkflowStatus.PAUSED, True, 20),
    ("Old newsletter", WorkflowStatus.STOPPED, False, 40),
]


def diagram_id(workspace: Workspace, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{workspace.guid}:{name}")


def seed(workspace: Workspace) -> None:
    now = timezone.now()
    for name, status, processing, age in DEMO_WORKFLOWS:
        changed = now - timedelta(days=age)
        workflow, created = Workflow.objects.get_or_create(
            diagram_id=diagram_id(workspace, name),
            defaults={
                "workspace": workspace,
                "name": name,
                "description": f"Demo workflow: {name.lower()}",
                "author": AUTHOR,
                "status": status,
                "configuration": CAPPING,
                "has_transformation": processing,
                "created": changed - timedelta(days=30),
                "updated": changed,
            },
        )
        if created and processing and status != WorkflowStatus.DRAFT:
            WorkflowRun.objects.create(workflow=workflow, started_at=changed)
