"""Launch steps of Canvas integrations (apps.jobs.steps): turn a workflow's scheduler on with an
expression, or off. Each reads the workflow first, so a step run twice acts once; taking one back sets the
scheduler as it was (on or off, and its expression), unless someone changed it after the launch."""

from __future__ import annotations

from dataclasses import replace

from apps.canvas import quartz
from apps.canvas.client import CanvasClient, Workflow
from apps.canvas.services import schedule
from apps.canvas.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.core import audit
from apps.core.http import ApiError, ApiNotFound
from apps.jobs.steps import Done, State, StepKind, Target, Undone, Verdict

SCHEDULE_ON, SCHEDULE_OFF = "canvas.schedule_on", "canvas.schedule_off"


def off_target(workspace: Workspace[CanvasClient], workflow: Workflow) -> Target:
    return {"workflow": workflow.id, "name": workflow.name, "account": workspace.account_id or ""}


def on_target(workspace: Workspace[CanvasClient], workflow: Workflow, cron: str) -> Target:
    return {**off_target(workspace, workflow), "cron": " ".join(cron.split())}


def pick_on(workspace: Workspace[CanvasClient], params: dict[str, str]) -> Target:
    with workspace.client() as api:
        return on_target(workspace, api.get_workflow(params["workflow"]), params["cron"])


def pick_off(workspace: Workspace[CanvasClient], params: dict[str, str]) -> Target:
    with workspace.client() as api:
        return off_target(workspace, api.get_workflow(params["workflow"]))


def check_on(workspace: Workspace[CanvasClient], target: Target) -> Verdict:
    try:
        quartz.parse(target["cron"])
    except quartz.CronError as exc:
        return Verdict(False, f"The expression {target['cron']} cannot be read: {exc}.")
    found = _found(workspace, target)
    if isinstance(found, Verdict):
        return found
    if _state(found) == {"on": True, "cron": target["cron"]}:
        return Verdict(True, "Its scheduler is on with this expression already: nothing to do.")
    return Verdict(True, f"Its scheduler will run it {_lower(schedule.in_words(target['cron']))}.")


def check_off(workspace: Workspace[CanvasClient], target: Target) -> Verdict:
    found = _found(workspace, target)
    if isinstance(found, Verdict):
        return found
    if not found.is_scheduled:
        return Verdict(True, "Its scheduler is off already: nothing to do.")
    return Verdict(True, "Its scheduler will be turned off.")


def before(workspace: Workspace[CanvasClient], target: Target) -> State:
    with workspace.client() as api:
        return _state(api.get_workflow(target["workflow"]))


def turn_on(workspace: Workspace[CanvasClient], target: Target) -> Done:
    wanted = {"on": True, "cron": target["cron"]}
    with workspace.client(retries=0) as api:
        workflow = api.get_workflow(target["workflow"])
    if _state(workflow) == wanted:
        return Done("Nothing to do: its scheduler was on with this expression.", wanted)
    schedule.save(workspace, workflow=workflow, cron=target["cron"], turn_on=True)
    return Done(f"Scheduler on: {schedule.in_words(target['cron'])}.", wanted)


def turn_off(workspace: Workspace[CanvasClient], target: Target) -> Done:
    with workspace.client(retries=0) as api:
        workflow = api.get_workflow(target["workflow"])
    if not workflow.is_scheduled:
        return Done("Nothing to do: its scheduler was off.", _state(workflow))
    schedule.pause(workspace, workflow=workflow)
    return Done("Scheduler off.", {"on": False, "cron": workflow.cron})


def undo(workspace: Workspace[CanvasClient], target: Target, was: State, left: State) -> Undone:
    with workspace.client(retries=0) as api:
        try:
            workflow = api.get_workflow(target["workflow"])
        except ApiNotFound:
            return Undone(f"Left alone: {target['name']} was deleted after the launch.", left_alone=True)
        now = _state(workflow)
        if now == was:
            return Undone("Nothing to do: its scheduler is as it was before the launch.")
        if now != left:
            return Undone("Left alone: someone changed its scheduler after the launch.", left_alone=True)
        with audit.action(workspace.person, "canvas.schedule.roll_back", schedule.ref(workflow), **was):
            api.set_scheduler(workflow.id, enabled=was["on"], cron=was["cron"])
    if was["on"]:
        return Undone(f"Scheduler on again as before the launch: {schedule.in_words(was['cron'])}.")
    return Undone("Scheduler off again, as before the launch.")


def _found(workspace: Workspace[CanvasClient], target: Target) -> Workflow | Verdict:
    with workspace.client() as api:
        try:
            return api.get_workflow(target["workflow"])
        except ApiNotFound:
            return Verdict(False, f"{target['name']} no longer exists in this account.")
        except ApiError as exc:
            return Verdict(False, f"Canvas did not answer for this account: {exc.message}")


def _lower(words: str) -> str:
    return words[:1].lower() + words[1:]


def _state(workflow: Workflow) -> State:
    return {"on": workflow.is_scheduled, "cron": workflow.cron}


def _workspace(user: User, connection: Connection, target: Target) -> Workspace[CanvasClient]:
    return workspace_for(
        user, connection=connection, account_id=target.get("account")
    )  # None: the acting one


def kinds() -> list[StepKind]:
    on = StepKind(
        key=SCHEDULE_ON,
        label="Turn a workflow's scheduler on",
        system="Integrations",
        permission="canvas.operate_integrations",
        performs="canvas.operate_integrations",
        connection_kind=Connection.Kind.CANVAS,
        workspace=_workspace,
        pick=pick_on,
        describe=lambda target: f"Schedule {target['name']}: {schedule.in_words(target['cron'])}",
        touches=lambda target: f"canvas.workflow:{target['workflow']}",
        check=check_on,
        before=before,
        perform=turn_on,
        undo=undo,
    )
    off = replace(
        on,
        key=SCHEDULE_OFF,
        label="Turn a workflow's scheduler off",
        pick=pick_off,
        describe=lambda target: f"Turn off the scheduler of {target['name']}",
        check=check_off,
        perform=turn_off,
    )
    return [on, off]
