"""Launch steps of workflows and flows (apps.jobs.steps): resume or pause an automation workflow, switch a
flow on or off. Each reads the target first, so a step run twice acts once. Taking a resume back pauses
the workflow, never stops it: a stopped workflow cannot run again."""

from __future__ import annotations

from dataclasses import replace

from pydantic import ValidationError

from apps.automations.client import FlowsClient, Workflow, WorkflowsClient
from apps.automations.services import flows, workflows
from apps.automations.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.core import audit
from apps.core.http import ApiNotFound
from apps.jobs.steps import Done, Refused, State, StepKind, Target, Undone, Verdict

RESUME, PAUSE = "automations.resume", "automations.pause"
ACTIVATE, DEACTIVATE = "flows.activate", "flows.deactivate"


def workflow_target(workflow: Workflow) -> Target:
    return {"workflow": workflow.diagram_id, "name": workflow.name}


def flow_target(flow_id: str, title: str) -> Target:
    return {"flow": flow_id, "name": title}


# Workflows


def pick_workflow(workspace: Workspace[WorkflowsClient], params: dict[str, str]) -> Target:
    with workspace.client() as api:
        return workflow_target(workflows.find(workspace, api=api, workflow_id=params["workflow"]))


def pick_flow(workspace: Workspace[FlowsClient], params: dict[str, str]) -> Target:
    with workspace.client() as api:
        flow = api.get_flow(params["flow"])
    return flow_target(flow.id, flow.title)


def check_resume(workspace: Workspace[WorkflowsClient], target: Target) -> Verdict:
    status = _status(workspace, target)
    if status is None:
        return Verdict(False, f"{target['name']} no longer exists in this workspace.")
    if status == "Active":
        return Verdict(True, "It is running already: nothing to do.")
    if status == "Stopped":
        return Verdict(False, f"{target['name']} is stopped, and a stopped workflow cannot run again.")
    return Verdict(True, f"It is {_as_said(status)} now and will run.")


def check_pause(workspace: Workspace[WorkflowsClient], target: Target) -> Verdict:
    status = _status(workspace, target)
    if status is None:
        return Verdict(False, f"{target['name']} no longer exists in this workspace.")
    if status != "Active":
        return Verdict(True, f"It is {_as_said(status)}, not running: nothing to do.")
    return Verdict(True, "It is running now and will be paused.")


def workflow_before(workspace: Workspace[WorkflowsClient], target: Target) -> State:
    with workspace.client() as api:
        return {"status": workflows.find(workspace, api=api, workflow_id=target["workflow"]).status}


def resume(workspace: Workspace[WorkflowsClient], target: Target) -> Done:
    with workspace.client(retries=0) as api:
        status = workflows.find(workspace, api=api, workflow_id=target["workflow"]).status
        if status == "Active":
            return Done("Nothing to do: it was running already.", {"status": status})
        if status == "Stopped":
            raise Refused(f"{target['name']} is stopped, and a stopped workflow cannot run again.")
        _run(workspace, api, target, "workflow.resume")
    return Done(f"Running (it was {_as_said(status)}).", {"status": "Active"})


def pause(workspace: Workspace[WorkflowsClient], target: Target) -> Done:
    with workspace.client(retries=0) as api:
        status = workflows.find(workspace, api=api, workflow_id=target["workflow"]).status
    if status != "Active":
        return Done(f"Nothing to do: it was {_as_said(status)}.", {"status": status})
    workflows.pause_workflow(workspace, workflow_id=target["workflow"])
    return Done("Paused.", {"status": "Paused"})


def undo_workflow(workspace: Workspace[WorkflowsClient], target: Target, was: State, left: State) -> Undone:
    """Back to running or paused as before the launch; never stopped."""
    with workspace.client(retries=0) as api:
        try:
            now = workflows.find(workspace, api=api, workflow_id=target["workflow"]).status
        except ApiNotFound:
            return Undone(f"Left alone: {target['name']} is no longer in this workspace.", left_alone=True)
        if now == was["status"]:
            return Undone(f"Nothing to do: it is {now.lower()}, as before the launch.")
        if now != left["status"]:
            return Undone(f"Left alone: it became {now.lower()} after the launch.", left_alone=True)
        if was["status"] == "Active":
            _run(workspace, api, target, "workflow.resume")
            return Undone("Running again, as before the launch.")
    workflows.pause_workflow(workspace, workflow_id=target["workflow"])
    return Undone(f"Paused (it was {was['status'].lower()} before the launch; a rollback never stops one).")


def _as_said(status: str) -> str:
    """ "paused", "a draft", "scheduled", "stopped": a workflow's status inside a sentence."""
    return "a draft" if status == "Draft" else status.lower()


def _status(workspace: Workspace[WorkflowsClient], target: Target) -> str | None:
    with workspace.client() as api:
        try:
            return workflows.find(workspace, api=api, workflow_id=target["workflow"]).status
        except ApiNotFound:
            return None


def _run(workspace: Workspace[WorkflowsClient], api: WorkflowsClient, target: Target, action: str) -> None:
    with audit.action(workspace.person, action, workflows.workflow_ref(target["workflow"], target["name"])):
        api.run_workflow(target["workflow"])


# Flows


def check_flow(workspace: Workspace[FlowsClient], target: Target, *, active: bool) -> Verdict:
    with workspace.client() as api:
        try:
            flow = api.get_flow(target["flow"])
        except ApiNotFound:
            return Verdict(False, f"{target['name']} no longer exists.")
    try:
        flows.input_of(flow)
    except ValidationError as exc:
        return Verdict(False, f"{flow.title} is not complete: {exc.errors()[0]['msg']}.")
    if bool(flow.is_active) == active:
        return Verdict(True, f"It is {_on(active)} already: nothing to do.")
    return Verdict(True, f"It is {_on(not active)} now and will be switched {_on(active)}.")


def flow_before(workspace: Workspace[FlowsClient], target: Target) -> State:
    with workspace.client() as api:
        return {"active": bool(api.get_flow(target["flow"]).is_active)}


def switch(workspace: Workspace[FlowsClient], target: Target, *, active: bool) -> Done:
    if flow_before(workspace, target)["active"] == active:
        return Done(f"Nothing to do: it was {_on(active)}.", {"active": active})
    flows.set_active(workspace, flow_id=target["flow"], active=active)
    return Done(f"Switched {_on(active)}.", {"active": active})


def undo_flow(workspace: Workspace[FlowsClient], target: Target, was: State, left: State) -> Undone:
    try:
        now = flow_before(workspace, target)["active"]
    except ApiNotFound:
        return Undone(f"Left alone: {target['name']} was deleted after the launch.", left_alone=True)
    if now == was["active"]:
        return Undone(f"Nothing to do: it is {_on(now)}, as before the launch.")
    if now != left["active"]:
        return Undone(f"Left alone: someone switched it {_on(now)} after the launch.", left_alone=True)
    flows.set_active(workspace, flow_id=target["flow"], active=was["active"])
    return Undone(f"Switched {_on(was['active'])} again, as before the launch.")


def _workflows(user: User, connection: Connection, target: Target) -> Workspace[WorkflowsClient]:
    return workspace_for(user, connection=connection)


def _flows(user: User, connection: Connection, target: Target) -> Workspace[FlowsClient]:
    return workspace_for(user, connection=connection, api=FlowsClient)


def _on(active: bool) -> str:
    return "on" if active else "off"


def kinds() -> list[StepKind]:
    run = StepKind(
        key=RESUME,
        label="Run or resume a workflow",
        system="Workflows",
        permission="automations.operate_workflows",
        performs="automations.operate_workflows",
        connection_kind=Connection.Kind.SYNERISE,
        workspace=_workflows,
        pick=pick_workflow,
        describe=lambda target: f"Run {target['name']}",
        touches=lambda target: f"automation.workflow:{target['workflow']}",
        check=check_resume,
        before=workflow_before,
        perform=resume,
        undo=undo_workflow,
    )
    on = StepKind(
        key=ACTIVATE,
        label="Switch a flow on",
        system="Workflows",
        permission="automations.manage_flows",
        performs="automations.manage_flows",
        connection_kind=Connection.Kind.FLOWS,
        workspace=_flows,
        pick=pick_flow,
        describe=lambda target: f"Switch on the flow {target['name']}",
        touches=lambda target: f"flows.flow:{target['flow']}",
        check=lambda workspace, target: check_flow(workspace, target, active=True),
        before=flow_before,
        perform=lambda workspace, target: switch(workspace, target, active=True),
        undo=undo_flow,
    )
    pause_kind = replace(
        run,
        key=PAUSE,
        label="Pause a workflow",
        describe=lambda target: f"Pause {target['name']}",
        check=check_pause,
        perform=pause,
    )
    off = replace(
        on,
        key=DEACTIVATE,
        label="Switch a flow off",
        describe=lambda target: f"Switch off the flow {target['name']}",
        check=lambda workspace, target: check_flow(workspace, target, active=False),
        perform=lambda workspace, target: switch(workspace, target, active=False),
    )
    return [run, pause_kind, on, off]
