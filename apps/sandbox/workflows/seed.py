"""Demo workflows of the sandbox: about thirty, in every status, by several authors, in three folders,
with tags and capping; some run well, some reject records, one fails at transform, one runs for a long
time and one hangs. The first six keep the names the tests know them by."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.sandbox.models import Workspace
from apps.sandbox.workflows.models import Workflow, WorkflowRun, WorkflowStatus

NAMESPACE = uuid.UUID("6f1c8f0e-2b7a-4f7e-9a53-3d0f6a1c2b40")
AUTHOR = "demo@synadmin.test"
AUTHORS = [AUTHOR, "ann.kowalska@example.test", "bob.nowak@example.test", "cara.lee@example.test"]
FOLDERS = ["Onboarding", "Campaigns", "Data imports"]
TAGS = {
    "vip": "#7c3aed",
    "black-friday": "#111827",
    "newsletter": "#2563eb",
    "import": "#059669",
    "retention": "#d97706",
}
DAY = 86400
A, D, S, P, X = (
    WorkflowStatus.ACTIVE,
    WorkflowStatus.DRAFT,
    WorkflowStatus.SCHEDULED,
    WorkflowStatus.PAUSED,
    WorkflowStatus.STOPPED,
)

# name, status, has data-processing nodes, days since the last change, folder, tags, capping, how it runs
DEMO_WORKFLOWS: list[
    tuple[str, str, bool, int, int | None, list[str], tuple[int, int] | None, dict[str, Any]]
] = [
    ("Welcome journey", A, True, 1, 0, ["vip"], (1, DAY), {}),
    ("Nightly product import", A, True, 2, 2, ["import"], None, {}),
    ("Winback campaign", D, False, 3, 1, ["retention"], (2, 7 * DAY), {}),
    ("Black Friday countdown", S, False, 4, 1, ["black-friday"], (3, DAY), {}),
    ("Spring promotion", P, True, 20, 1, ["newsletter"], None, {}),
    ("Old newsletter", X, False, 40, 1, ["newsletter"], None, {}),
    ("Customer import from CRM", A, True, 1, 2, ["import"], None, {"rejected": 3}),
    ("Loyalty points sync", A, True, 2, 2, ["import", "vip"], None, {"rejected": 37, "fails": True}),
    ("Full catalogue reindex", A, True, 0, 2, ["import"], None, {"stage_seconds": 900.0, "started": 300}),
    ("Store stock feed", A, True, 0, 2, ["import"], None, {"stalls": True, "started": 1800}),
    ("Cart abandonment reminder", A, False, 5, 1, ["retention"], (1, DAY), {}),
    ("Birthday voucher", A, False, 9, 1, ["vip"], (1, 365 * DAY), {}),
    ("Post-purchase survey", A, False, 12, 1, [], (1, 30 * DAY), {}),
    ("Double opt-in confirmation", A, False, 30, 0, [], None, {}),
    ("First order thank-you", A, True, 6, 0, [], None, {}),
    ("App onboarding tips", D, False, 2, 0, [], (3, 7 * DAY), {}),
    ("Referral programme", D, False, 8, 1, ["vip"], None, {}),
    ("Price drop alert", D, True, 15, 1, [], (1, DAY), {}),
    ("Black Friday early access", S, False, 6, 1, ["black-friday", "vip"], (1, DAY), {}),
    ("Black Friday last call", S, False, 6, 1, ["black-friday"], (1, DAY), {}),
    ("Christmas gift guide", S, False, 10, 1, ["newsletter"], None, {}),
    ("Weekly newsletter", P, False, 3, 1, ["newsletter"], (1, 7 * DAY), {}),
    ("Summer sale reminder", P, True, 60, 1, [], None, {}),
    ("Inactive customer reactivation", P, False, 25, 1, ["retention"], (2, 30 * DAY), {}),
    ("Partner leads import", P, True, 14, 2, ["import"], None, {"rejected": 5}),
    ("Back in stock notice", X, False, 50, 1, [], None, {}),
    ("Easter campaign 2025", X, True, 200, 1, [], None, {}),
    ("Legacy ERP import", X, True, 90, 2, ["import"], None, {}),
    ("Survey follow-up", X, False, 70, None, [], None, {}),
    ("Welcome journey (old)", X, False, 120, 0, ["vip"], None, {}),
]


def diagram_id(workspace: Workspace, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{workspace.guid}:{name}")


def folder_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"folder:{name}")


def tag(value: str) -> dict[str, str]:
    return {"hash": str(uuid.uuid5(NAMESPACE, f"tag:{value}")), "value": value, "color": TAGS[value]}


def configuration(capping: tuple[int, int] | None) -> dict[str, Any]:
    limit, seconds = capping or (0, 0)
    return {
        "capping": {"limit": limit, "period": {"type": "Time", "timeSeconds": seconds}},
        "multipleJourneys": False,
    }


def seed(workspace: Workspace) -> None:
    now = timezone.now()
    for number, (name, status, processing, age, folder, tags, capping, runs) in enumerate(DEMO_WORKFLOWS):
        changed = now - timedelta(days=age, minutes=number)
        behaviour = {
            key: runs[key] for key in ("stage_seconds", "rejected", "fails", "stalls") if key in runs
        }
        workflow, created = Workflow.objects.get_or_create(
            diagram_id=diagram_id(workspace, name),
            defaults={
                "workspace": workspace,
                "name": name,
                "description": f"Demo workflow: {name.lower()}",
                "author": AUTHORS[number % len(AUTHORS)] if number >= 6 else AUTHOR,
                "status": status,
                "configuration": configuration(capping),
                "tags": [tag(value) for value in tags],
                "directory_id": folder_id(FOLDERS[folder]) if folder is not None else None,
                "has_transformation": processing,
                "created": changed - timedelta(days=30),
                "updated": changed,
                **behaviour,
            },
        )
        if created and processing and status != WorkflowStatus.DRAFT:
            started = now - timedelta(seconds=runs["started"]) if "started" in runs else changed
            WorkflowRun.objects.create(
                workflow=workflow,
                started_at=started,
                stage_seconds=behaviour.get("stage_seconds", 2.0),
                rejected=workflow.rejected,
                fails=workflow.fails,
                stalls=workflow.stalls,
            )
