"""Launch steps of workflows and flows (apps.automations.services.steps) against the sandbox: verdicts in
words, a step that acts once, and an undo that pauses rather than stops and leaves a later change alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.automations.client import FlowsClient, WorkflowsClient
from apps.automations.services import flows
from apps.automations.services.steps import ACTIVATE, DEACTIVATE, PAUSE, RESUME, flow_target, workflow_target
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.jobs import steps
from apps.jobs.steps import Refused


@pytest.fixture
def wf(demo: dict[str, Connection]) -> Iterator[WorkflowsClient]:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as client:
        yield client


@pytest.fixture
def fl(demo: dict[str, Connection]) -> Iterator[FlowsClient]:
    with FlowsClient(connections.http_for(demo["flows"])) as client:
        yield client


def target(wf: WorkflowsClient, name: str) -> dict[str, Any]:
    (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    return workflow_target(workflow)


def status(wf: WorkflowsClient, name: str) -> str:
    (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    return workflow.status


def test_a_resume_step_runs_a_paused_workflow_once_and_its_undo_pauses_it_again(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Spring promotion"), steps.kind(RESUME), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    assert kind.check(ws, step) == steps.Verdict(True, "It is paused now and will run.")
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (was, done.said, status(wf, "Spring promotion")) == (
        {"status": "Paused"},
        "Running (it was paused).",
        "Active",
    )
    assert kind.perform(ws, step).said == "Nothing to do: it was running already."
    assert AuditEntry.objects.filter(action="workflow.resume", user=olive).count() == 1
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone.said == "Paused (it was paused before the launch; a rollback never stops one)."
    assert status(wf, "Spring promotion") == "Paused"


def test_a_draft_run_by_a_launch_is_paused_not_stopped_when_taken_back(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Winback campaign"), steps.kind(RESUME), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert (was["status"], status(wf, "Winback campaign")) == ("Draft", "Paused")


def test_a_stopped_workflow_cannot_be_resumed(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Old newsletter"), steps.kind(RESUME), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    verdict = kind.check(ws, step)
    assert verdict == steps.Verdict(
        False, "Old newsletter is stopped, and a stopped workflow cannot run again."
    )
    with pytest.raises(Refused):
        kind.perform(ws, step)


def test_a_pause_step_and_its_undo_leave_alone_a_workflow_someone_paused_and_resumed_since(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Welcome journey"), steps.kind(PAUSE), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    assert kind.check(ws, step).reason == "It is running now and will be paused."
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (done.said, status(wf, "Welcome journey")) == ("Paused.", "Paused")
    assert kind.perform(ws, step).said == "Nothing to do: it was paused."
    wf.run_workflow(step["workflow"])  # someone resumed it by hand after the launch
    wf.pause_workflow(step["workflow"])
    wf.stop_workflow(step["workflow"])
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone == steps.Undone("Left alone: it became stopped after the launch.", left_alone=True)
    assert status(wf, "Welcome journey") == "Stopped"


def test_undoing_a_pause_runs_the_workflow_again(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Welcome journey"), steps.kind(PAUSE), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert (undone.said, status(wf, "Welcome journey")) == ("Running again, as before the launch.", "Active")


def test_a_flow_switched_on_by_a_launch_once_is_switched_off_again_by_its_undo(
    olive: User, demo: dict[str, Connection], fl: FlowsClient
) -> None:
    off = next(flow for flow in fl.list_flows(size=100).items if not flow.is_active)
    step, kind, flows_api = flow_target(off.id, off.title), steps.kind(ACTIVATE), demo["flows"]
    ws = kind.workspace(olive, flows_api, step)
    assert kind.check(ws, step).reason == "It is off now and will be switched on."
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (done.said, fl.get_flow(off.id).is_active) == ("Switched on.", True)
    assert kind.perform(ws, step).said == "Nothing to do: it was on."
    assert AuditEntry.objects.filter(action="flow.activate", user=olive).count() == 1
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert (undone.said, fl.get_flow(off.id).is_active) == (
        "Switched off again, as before the launch.",
        False,
    )


def test_undoing_a_switch_off_of_a_flow_switched_on_again_by_hand_does_nothing(
    olive: User, demo: dict[str, Connection], fl: FlowsClient
) -> None:
    on = next(flow for flow in fl.list_flows(size=100).items if flow.is_active)
    step, kind, flows_api = flow_target(on.id, on.title), steps.kind(DEACTIVATE), demo["flows"]
    ws = kind.workspace(olive, flows_api, step)
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    fl.upsert_flow(flows.input_of(fl.get_flow(on.id)).model_copy(update={"is_active": True}))  # by hand
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone.said == "Nothing to do: it is on, as before the launch."
    assert AuditEntry.objects.filter(action="flow.activate").count() == 0
