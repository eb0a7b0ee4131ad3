"""A scheduled pause, resume or stop is sent once however its worker dies: killed between the intent
and the send, between the send and its confirmation, or after it, the action handed out again sends no
second call (counted on the sandbox's side) and ends done."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.signals import request_started
from django.utils import timezone

from apps.automations.client import WorkflowsClient
from apps.automations.models import ScheduledWorkflowAction
from apps.automations.services import schedule
from apps.automations.services.workspace import workspace_for
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.jobs import intents, scheduling
from apps.sandbox.workflows.models import Workflow as SandboxWorkflow

State = ScheduledWorkflowAction.State
METHODS = {"pause": "pause_workflow", "resume": "run_workflow", "stop": "stop_workflow"}
VERBS = {"pause": "pause", "resume": "run", "stop": "stop"}


class WorkerKilled(BaseException):
    """The worker's death as seen from inside the action: nothing after it runs."""


@pytest.fixture
def received() -> Iterator[Counter[str]]:
    """The sandbox's workflow control calls (run, pause, stop) by verb, counted in the server's thread."""
    seen: Counter[str] = Counter()

    def count(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        path = environ["PATH_INFO"]
        if environ["REQUEST_METHOD"] == "POST" and "/diagrams/" in path:
            seen[path.rsplit("/", 1)[-1]] += 1

    request_started.connect(count, dispatch_uid="test-control-received")
    yield seen
    request_started.disconnect(dispatch_uid="test-control-received")


def kill_at(monkeypatch: pytest.MonkeyPatch, action: str, point: str) -> None:
    """Kill the worker once, just before or just after the action's remote call, or at the next
    database write after the confirmation (the action's own DONE update is left to a later run)."""
    name = METHODS[action]
    real = getattr(WorkflowsClient, name)
    armed = [True]

    def call(client: WorkflowsClient, diagram_id: str) -> None:
        if armed[0] and point == "before send":
            armed[0] = False
            raise WorkerKilled
        real(client, diagram_id)
        if armed[0] and point == "after send":
            armed[0] = False
            raise WorkerKilled

    monkeypatch.setattr(WorkflowsClient, name, call)


@pytest.mark.parametrize("point", ["before send", "after send", "after confirmation"])
@pytest.mark.parametrize(
    ("action", "name", "wanted"),
    [
        ("pause", "Welcome journey", "Paused"),
        ("resume", "Spring promotion", "Active"),
        ("stop", "Welcome journey", "Stopped"),
    ],
)
def test_a_scheduled_action_killed_at_any_point_is_sent_once(
    demo: dict[str, Connection],
    olive: User,
    received: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
    action: str,
    name: str,
    wanted: str,
    point: str,
) -> None:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as wf:
        (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    due = timezone.now() - timedelta(seconds=1)
    item = schedule.schedule(workspace_for(olive), workflow=workflow, action=action, at=due)
    received.clear()
    if point == "after confirmation":
        # The call and its confirmation are written; the worker dies before the action is marked done.
        with WorkflowsClient(connections.http_for(demo["synerise"])) as wf:
            getattr(wf, METHODS[action])(workflow.diagram_id)
        intents.send_once(f"automations.scheduled:{item.pk}", lambda: {}, lambda call: None)
        ScheduledWorkflowAction.objects.filter(pk=item.pk).update(
            state=State.RUNNING, attempts=1, lease_until=timezone.now() + scheduling.LEASE
        )
    else:
        kill_at(monkeypatch, action, point)
        with pytest.raises(WorkerKilled):
            schedule.run(item.pk)
    item.refresh_from_db()
    assert item.state == State.RUNNING  # nobody recorded an end
    assert received[VERBS[action]] == (0 if point == "before send" else 1)

    # The lease runs out; the sweep hands the action out again and a new worker runs it.
    later = timezone.now() + scheduling.LEASE + timedelta(seconds=1)
    assert scheduling.sweep(ScheduledWorkflowAction, lambda pk, eta: None, later) == 1
    assert schedule.run(item.pk, later) == State.DONE
    assert received[VERBS[action]] == 1
    assert SandboxWorkflow.objects.get(pk=workflow.diagram_id).status == wanted
