from __future__ import annotations

from typing import Any

import pytest

from apps.automations.services import workflows
from apps.connections.models import Connection
from apps.sandbox.models import Workspace
from apps.sandbox.workflows.seed import diagram_id


@pytest.fixture
def ids(demo: dict[str, Connection]) -> Any:
    """The demo workflows' ids by name."""
    workspace = Workspace.objects.get(name="Demo workspace")
    return lambda name: str(diagram_id(workspace, name))


@pytest.fixture
def fast_stages(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stages of 0.15 s, read every 0.1 s while they change (a run is over in half a second)."""
    settings.SANDBOX_STAGE_SECONDS = 0.15
    monkeypatch.setattr(workflows, "FIRST_WAIT", 0.1)
