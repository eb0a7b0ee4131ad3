"""The workflows screens at a laptop's and a phone's width: nothing wider than the screen but tables,
which scroll inside themselves; screenshots to look at when
SYNADMIN_SCREENSHOTS names a folder."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.automations.models import WorkflowRun
from apps.automations.services import runs
from apps.connections.models import Connection
from apps.sandbox.models import Workspace
from apps.sandbox.workflows.seed import diagram_id
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1366, 390])
def test_the_workflow_screens_fit(
    page: Any, live_server: Any, demo: dict[str, Connection], olive: User, width: int
) -> None:
    runs.poll()
    workspace = Workspace.objects.get(name="Demo workspace")
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    sign_in(page, base, "olive")
    screens = {
        "list": "/workflows/",
        "detail": f"/workflows/{diagram_id(workspace, 'Loyalty points sync')}/",
        "live": f"/workflows/{diagram_id(workspace, 'Customer import from CRM')}/live/",
        "home": "/",
        "stop": f"/workflows/{diagram_id(workspace, 'Welcome journey')}/stop/",
    }
    failed = WorkflowRun.objects.get(workflow_name="Loyalty points sync")
    screens["run"] = f"/workflows/{failed.workflow_id}/runs/{failed.pk}/"
    for name, path in screens.items():
        page.goto(base + path)
        screenshot(page, f"workflows-{name}-{width}.png", full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide}px wide at {width}px"
