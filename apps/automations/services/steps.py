"""Launch steps of workflows and flows (apps.jobs.steps): resume or pause an automation workflow, switch a
flow on or off, apply a flow's suggestion. Each reads the target first, so a step run twice acts once.
Taking a resume back pauses the workflow, never stops it: a stopped workflow cannot run again. An applied
suggestion cannot be taken back: the flows API has no way to write an entity's earlier state."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from pydantic import ValidationError

from apps.automations.client import (
    ApplyResult,
    FlowsClient,
    Suggestion,
    SuggestionInput,
    Workflow,
    WorkflowsClient,
)
from apps.automations.services import flows, suggestions, workflows
from apps.automations.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.core import audit
from apps.core.http import ApiConflict, ApiNotFound, ApiValidationError
from apps.jobs.steps import Done, Refused, State, StepKind, Target, Undone, Verdict

RESUME, PAUSE = "automations.resume", "automations.pause"
ACTIVATE, DEACTIVATE = "flows.activate", "flows.deactivate"
APPLY = "flows.apply_suggestion"


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


# Suggestions

CHANGED = "The suggestion was changed since it was added: use it as it is now."
# What a person edits: the apply's own stamp (lastAppliedAt) and the server's (updatedAt) are left out, so
# the step's own apply, or a retry of it, never reads as an edit (flows.md §10.14 leaves open what moves).
SEALED = set(SuggestionInput.model_fields) - {"id", "last_applied_at"}


def suggestion_target(suggestion: Suggestion, override: str = "") -> Target:
    """Applying `suggestion` as it is now, to `override` or else to its own target."""
    override = "" if override.strip() == suggestion.target else override.strip()
    return {
        "suggestion": suggestion.id or "",
        "name": suggestion.title,
        "override": override,
        "target": override or suggestion.target,
        "seal": seal(suggestion),
    }


def seal(suggestion: Suggestion) -> str:
    body = suggestion.model_dump(mode="json", include=SEALED)
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def pick_suggestion(workspace: Workspace[FlowsClient], params: dict[str, str]) -> Target:
    with workspace.client() as api:
        suggestion = api.get_suggestion(params["suggestion"])
    return suggestion_target(suggestion, params.get("override", ""))


def check_apply(workspace: Workspace[FlowsClient], target: Target) -> Verdict:
    with workspace.client() as api:
        try:
            if seal(api.get_suggestion(target["suggestion"])) != target["seal"]:
                return Verdict(False, CHANGED)
            preview = _dry_run(api, target)
        except ApiNotFound:
            return Verdict(False, f"The suggestion {target['name']} no longer exists.")
        except (ApiValidationError, ApiConflict) as exc:
            return Verdict(False, f"The flows service refuses to apply it: {_sentence(exc.message)}")
    if preview.ignored:
        return Verdict(
            True, "The suggestion is marked ignored, so applying it writes nothing: nothing to do."
        )
    if _applied(preview):
        return Verdict(True, "Already applied: nothing to do.")
    return Verdict(True, f"Applying it to {target['target']} will {_what(preview)}.")


def apply_before(workspace: Workspace[FlowsClient], target: Target) -> State:
    with workspace.client() as api:
        return {"state": _dry_run(api, target).previous_state}


def apply(workspace: Workspace[FlowsClient], target: Target) -> Done:
    with workspace.client(retries=0) as api:
        try:
            suggestion = api.get_suggestion(target["suggestion"])
        except ApiNotFound:
            raise Refused(f"The suggestion {target['name']} no longer exists.") from None
        if seal(suggestion) != target["seal"]:
            raise Refused(CHANGED)
        preview = _dry_run(api, target)
    if preview.ignored:
        return Done("Nothing to do: the suggestion is marked ignored.", {"state": preview.previous_state})
    if _applied(preview):
        return Done("Nothing to do: it was applied already.", {"state": preview.new_state})
    result = suggestions.apply_suggestion(
        workspace, suggestion=suggestion, target_override=target["override"]
    )
    return Done(f"Applied to {target['target']}: {_what(result, done=True)}.", {"state": result.new_state})


def _dry_run(api: FlowsClient, target: Target) -> ApplyResult:
    # Not audited: it writes nothing, and a launch's checks ask it again and again.
    return api.apply_suggestion(
        target["suggestion"], target_id_override=target["override"] or None, dry_run=True
    )


def _applied(result: ApplyResult) -> bool:
    return bool(result.previous_state == result.new_state)


def _what(result: ApplyResult, *, done: bool = False) -> str:
    """ "change postcode and city": the fields an apply changes (or changed), by name."""
    names = [change.name for change in suggestions.changes(result) if change.changed]
    if not names:  # a state that is not an object: the apply replaces it whole
        return "its whole state was replaced" if done else "replace its whole state"
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return f"{listed} changed" if done else f"change {listed}"


def _sentence(text: str) -> str:
    return text.strip().rstrip(".") + "."


def _workflows(user: User, connection: Connection, target: Target) -> Workspace[WorkflowsClient]:
    return workspace_for(user, connection=connection)


def _flows(user: User, connection: Connection, target: Target) -> Workspace[FlowsClient]:
    return workspace_for(user, connection=connection, api=FlowsClient)


def _on(active: bool) -> str:
    return "on" if active else "off"


def kinds() -> list[StepKind]:
    run = StepKind(
        key=RESUME,
        found_at="automations:workflows",
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
        found_at="automations:flows",
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
    applying = StepKind(
        key=APPLY,
        found_at="automations:suggestions",
        label="Apply a suggestion",
        system="Workflows",
        permission="automations.manage_flows",
        performs="automations.manage_flows",
        connection_kind=Connection.Kind.FLOWS,
        workspace=_flows,
        pick=pick_suggestion,
        describe=lambda target: f"Apply the suggestion {target['name']} to {target['target']}",
        # The entity it writes to, so two launches writing to one entity meet (the audit log keeps it as
        # the apply's "applied to").
        touches=lambda target: f"flows.entity:{target['target']}",
        check=check_apply,
        before=apply_before,
        perform=apply,
        final=(
            "An applied suggestion cannot be taken back: the flows service has no way to write its target's "
            "earlier state."
        ),
    )
    return [run, pause_kind, on, off, applying]
