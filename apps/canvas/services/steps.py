"""Launch steps of Canvas integrations (apps.jobs.steps): turn a workflow's scheduler on with an
expression, or off, or run the workflow (whole, or a block range). Each reads the workflow first, so a step
run twice acts once; taking one back sets the scheduler as it was (on or off, and its expression), unless
someone changed it after the launch. A run cannot be taken back: it sends RunWorkflow once per step,
through `intents.send_once` keyed by the step's own once-key, and does not wait for the run to end."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from apps.canvas import quartz
from apps.canvas.client import CanvasClient, Workflow
from apps.canvas.models import WorkflowRun
from apps.canvas.services import runs, schedule, workflows
from apps.canvas.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.core import audit
from apps.core.http import ApiError, ApiNotFound
from apps.core.paging import whole_number
from apps.jobs import intents
from apps.jobs.models import RemoteCall
from apps.jobs.steps import Done, Refused, State, StepKind, Target, Undone, Verdict

SCHEDULE_ON, SCHEDULE_OFF = "canvas.schedule_on", "canvas.schedule_off"
RUN = "canvas.run"


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


def run_target(
    workspace: Workspace[CanvasClient],
    workflow: Workflow,
    chain: list[workflows.Block] | None,
    *,
    first: int | None,
    last: int | None,
    once: str = "",
) -> Target:
    """The run of `first`..`last` (None: the chain's end) as `plan_run` has it; RangeError when it does not
    fit. `once` names the step's one RunWorkflow: a new one unless the step had one already."""
    plan = runs.plan_run(workflow, chain, first=first, last=last)
    return {
        **off_target(workspace, workflow),
        "first": plan.first,
        "last": plan.last,
        "blocks": plan.blocks,
        "once": once or secrets.token_hex(8),
    }


def pick_run(workspace: Workspace[CanvasClient], params: dict[str, Any]) -> Target:
    first, last = _bound(params, "first", "The first block"), _bound(params, "last", "The last block")
    with workspace.client() as api:
        workflow = api.get_workflow(params["workflow"])
        chain = workflows.chain_of(workflow, workflows.templates_by_id(api))
    once = str(params.get("once") or "")
    try:
        return run_target(workspace, workflow, chain, first=first, last=last, once=once)
    except runs.RangeError as exc:
        raise Refused(str(exc)) from exc


def check_run(workspace: Workspace[CanvasClient], target: Target) -> Verdict:
    found = _found(workspace, target)
    if isinstance(found, Verdict):
        return found
    if RemoteCall.objects.filter(key=_once_key(target), confirmed_at__isnull=False).exists():
        return Verdict(True, "This step has started its run already: it is not sent again.")
    with workspace.client() as api:
        chain = workflows.chain_of(found, workflows.templates_by_id(api))
    try:
        plan = runs.plan_run(found, chain, first=target["first"], last=target["last"])
    except runs.RangeError as exc:
        return Verdict(False, f"The blocks chosen no longer fit {target['name']}: {exc}")
    if found.status == "Running":
        return Verdict(False, _running(found))
    return Verdict(True, " ".join([f"It will run {target['blocks']}.", *plan.warnings]))


def before_run(workspace: Workspace[CanvasClient], target: Target) -> State:
    with workspace.client() as api:
        return _last_run(api, target)


def start_run(workspace: Workspace[CanvasClient], target: Target) -> Done:
    """Send RunWorkflow once for this step, keep the run in the workflow's history and leave it going."""
    with workspace.client(retries=0) as api:
        sent = intents.send_once(
            _once_key(target),
            lambda: _send_run(workspace, api, target),
            lambda call: _run_found(workspace, api, target, call),
            before=lambda: _last_run(api, target),
        )
        started_at = sent.answer.get("started_at")
        if started_at is None:
            raise Refused("Canvas accepted the run but shows no start time for it.")
        workflow = api.get_workflow(target["workflow"])
    runs._keep(
        workspace,
        workflow,
        source=WorkflowRun.Source.OURS,
        first=target["first"],
        last=target["last"],
        user=workspace.person,
        started_at=datetime.fromisoformat(started_at),
    )
    said = f"Run started: {target['blocks']} of {target['name']}."
    follow = "It goes on in Canvas: follow it under Runs on the workflow's page."
    return Done(f"{said} {follow}", {"started_at": started_at})


def _send_run(workspace: Workspace[CanvasClient], api: CanvasClient, target: Target) -> intents.Answer:
    workflow = api.get_workflow(target["workflow"])
    if workflow.status == "Running":
        raise Refused(f"{_running(workflow)} Retry this step once it has ended.")
    with audit.action(workspace.person, "canvas.workflow.run", _ref(target), blocks=target["blocks"]):
        api.run_workflow(target["workflow"], run_from=target["first"], run_till=target["last"])
    return _last_run(api, target)


def _run_found(
    workspace: Workspace[CanvasClient], api: CanvasClient, target: Target, call: RemoteCall
) -> intents.Answer | None:
    # A run that began after the intent changed dateLastRun: that run is ours.
    found = _last_run(api, target)
    if found["started_at"] in (None, call.before.get("started_at")):
        return None
    audit.record(
        workspace.person,
        "canvas.workflow.run",
        _ref(target),
        blocks=target["blocks"],
        found_after_restart=True,
    )
    return found


def _last_run(api: CanvasClient, target: Target) -> State:
    at = api.get_workflow(target["workflow"]).date_last_run
    return {"started_at": at.isoformat() if at is not None else None}


def _once_key(target: Target) -> str:
    return f"launch.canvas.run:{target['once']}"


def _bound(params: dict[str, Any], name: str, words: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    number = whole_number(value)
    if number is None:
        raise Refused(f"{words} must be a whole number.")
    return number


def _running(workflow: Workflow) -> str:
    return (
        f"{workflow.name} is running now (block {workflow.current_block}): Canvas refuses a second run "
        "until it ends."
    )


def _ref(target: Target) -> audit.Ref:
    return audit.Ref("canvas.workflow", target["workflow"], target["name"])


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
        found_at="canvas:workflows",
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
    run = replace(
        on,
        key=RUN,
        label="Run a workflow",
        pick=pick_run,
        describe=lambda target: f"Run {target['name']} ({target['blocks']})",
        check=check_run,
        before=before_run,
        perform=start_run,
        undo=None,
        final="A run moves data in Canvas as it goes: it cannot be taken back.",
    )
    return [on, off, run]
