from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from apps.sandbox import tokens
from apps.sandbox.models import Workflow, WorkflowRun, Workspace

PREFIX = "/sandbox/synerise"


class Api:
    """The automation sandbox as a client sees it: (status, JSON) out, with a workspace token."""

    def __init__(self, workspace: Workspace) -> None:
        self.client = Client()
        self.workspace = workspace
        self.headers = {"Authorization": f"Bearer {tokens.issue(workspace=workspace, user=None, ttl=3600)}"}

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        response = self.client.get(f"{PREFIX}{path}", params, headers=self.headers)
        return response.status_code, response.json() if response.content else None

    def post(self, path: str) -> tuple[int, Any]:
        response = self.client.post(f"{PREFIX}{path}", headers=self.headers)
        return response.status_code, response.json() if response.content else None

    def act(self, workflow: Workflow, verb: str) -> tuple[int, Any]:
        return self.post(f"/automation-brain/diagrams/{workflow.pk}/{verb}")

    def last_run(self, workflow: Workflow, **params: Any) -> tuple[int, Any]:
        return self.get(f"/morph/logs/automation/{workflow.pk}/last-run/with-stages", **params)

    def workflow(self, name: str = "Journey", status: str = "Draft", **fields: Any) -> Workflow:
        fields.setdefault("author", "ann@example.test")
        return Workflow.objects.create(workspace=self.workspace, name=name, status=status, **fields)


@pytest.fixture
def api(db: None) -> Api:
    """A workspace of its own: the demo data of the seed stays out of the way."""
    return Api(Workspace.objects.create(name="Test workspace"))


def age(run: WorkflowRun, seconds: float) -> None:
    """Move a run's start back by `seconds`, as if that much time had gone by (and its cut with it)."""
    run.started_at -= timedelta(seconds=seconds)
    if run.cut_at:
        run.cut_at -= timedelta(seconds=seconds)
    run.save()
