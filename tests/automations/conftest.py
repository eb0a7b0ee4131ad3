from __future__ import annotations

from typing import Any

import pytest

from apps.connections.models import Connection
from apps.sandbox.models import Workspace
from apps.sandbox.workflows.seed import diagram_id


@pytest.fixture
def ids(demo: dict[str, Connection]) -> Any:
    """The demo workflows' ids by name."""
    workspace = Workspace.objects.get(name="Demo workspace")
    return lambda name: str(diagram_id(workspace, name))


@pytest.fixture
def fast_stages(settings: Any) -> None:
    settings.SANDBOX_STAGE_SECONDS = 0.3
