"""The steps of one launch stage are carried out at the same time, and a rollback takes a stage back
the same way: their remote calls meet at a barrier in front of the sandbox, so made one after the other
the steps would fail. Transactional: the steps' threads read the database on connections of their own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from apps.automations.client import WorkflowsClient
from apps.connections.models import Connection
from apps.launches.models import Launch, Step
from apps.launches.services import launches, running
from apps.sandbox.models import Workspace as SandboxWorkspace
from apps.sandbox.workflows.models import Workflow, WorkflowStatus
from tests.launches.conftest import add, start, work
from tests.meeting import Meet


def test_a_stages_steps_act_together_and_are_taken_back_together(
    olive: User,
    demo: dict[str, Connection],
    wf: WorkflowsClient,
    meet: Meet,
    settings: Any,
    transactional_db: None,
) -> None:
    settings.LAUNCH_STEPS_AT_ONCE = 4
    workspace = SandboxWorkspace.objects.get(name="Demo workspace")
    paused = [
        Workflow.objects.create(
            workspace=workspace, name=f"Mail {n}", author="olive@synadmin.test", status=WorkflowStatus.PAUSED
        )
        for n in range(3)
    ]
    launch = launches.create_launch(olive, name="Mails", description="", go_at=None)
    for workflow in paused:
        add(olive, launch, "automations.resume", {"workflow": str(workflow.diagram_id)})
    met = meet("", 3, "/run")  # the three run calls, all waiting for each other
    assert start(olive, launch) == "done"
    launch.refresh_from_db()
    assert sorted(met) == sorted(path for path in met if path.endswith("/run")) and len(met) == 3
    assert {w.status for w in Workflow.objects.filter(pk__in=[w.pk for w in paused])} == {
        WorkflowStatus.ACTIVE
    }
    assert set(launch.steps.values_list("state", flat=True)) == {Step.State.DONE}

    met = meet("", 3, "/pause")
    running.ask(olive, launch, "roll_back")
    assert work(launch) == "done"
    launch.refresh_from_db()
    assert (launch.state, len(met)) == (Launch.State.ROLLED_BACK, 3)
    assert {w.status for w in Workflow.objects.filter(pk__in=[w.pk for w in paused])} == {
        WorkflowStatus.PAUSED
    }
