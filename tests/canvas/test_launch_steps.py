"""Launch steps of Canvas integrations (apps.canvas.services.steps) against the sandbox: a scheduler
turned on or off once however often the step runs, and put back as it was unless changed since; a workflow
run started once per step however often it runs or its worker dies, and never taken back."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from apps.canvas.client import CanvasClient
from apps.canvas.models import WorkflowRun
from apps.canvas.services.steps import RUN, SCHEDULE_OFF, SCHEDULE_ON, on_target
from apps.canvas.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.core.http import ApiNotFound
from apps.core.models import AuditEntry
from apps.jobs import steps
from apps.jobs.models import RemoteCall
from apps.launches.models import Launch, Step
from apps.launches.services import launches, running
from apps.sandbox.canvas.models import CanvasWorkflow
from tests import pages
from tests.canvas.test_runs import create
from tests.launches.conftest import add, start, work
from tests.people import client_for, make_user

ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"
WEEKDAYS = "0 0 5 ? * MON-FRI"


@pytest.fixture
def canvas(demo: dict[str, Connection]) -> Connection:
    return demo["canvas"]


def target(user: User, connection: Connection, cron: str = WEEKDAYS) -> dict[str, Any]:
    workspace = workspace_for(user, connection=connection)
    with workspace.client() as api:
        return on_target(workspace, api.get_workflow(ORDERS), cron)


def remote() -> CanvasWorkflow:
    return CanvasWorkflow.objects.get(id=ORDERS)


def test_a_scheduler_turned_on_by_a_launch_once_is_turned_off_again_by_its_undo(
    olive: User, canvas: Connection
) -> None:
    step, kind = target(olive, canvas), steps.kind(SCHEDULE_ON)
    ws = kind.workspace(olive, canvas, step)
    assert kind.describe(step) == "Schedule Order transferring: At 05:00, Monday through Friday (UTC)"
    assert kind.check(ws, step).reason == "Its scheduler will run it at 05:00, Monday through Friday (UTC)."
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (remote().is_scheduled, done.after) == (True, {"on": True, "cron": WEEKDAYS})
    assert kind.perform(ws, step).said == "Nothing to do: its scheduler was on with this expression."
    assert AuditEntry.objects.filter(action="canvas.schedule.save", user=olive).count() == 1
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone.said == "Scheduler off again, as before the launch."
    assert (remote().is_scheduled, kind.before(ws, step)) == (False, was)
    assert (
        AuditEntry.objects.get(action="canvas.schedule.roll_back").action_words
        == "Canvas schedule rolled back"
    )


def test_an_unreadable_expression_fails_the_check(olive: User, canvas: Connection) -> None:
    step = {**target(olive, canvas), "cron": "0 0 25 * * ?"}
    kind = steps.kind(SCHEDULE_ON)
    verdict = kind.check(kind.workspace(olive, canvas, step), step)
    assert not verdict.ok and verdict.reason.startswith("The expression 0 0 25 * * ? cannot be read:")


def test_an_undo_leaves_alone_a_scheduler_someone_changed_after_the_launch(
    olive: User, canvas: Connection
) -> None:
    step, kind = target(olive, canvas), steps.kind(SCHEDULE_ON)
    ws = kind.workspace(olive, canvas, step)
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    other = target(olive, canvas, "0 30 6 ? * *")
    steps.kind(SCHEDULE_ON).perform(ws, other)  # by hand, after the launch: every day at 06:30
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone == steps.Undone(
        "Left alone: someone changed its scheduler after the launch.", left_alone=True
    )
    assert (remote().is_scheduled, kind.before(ws, step)["cron"]) == (True, "0 30 6 ? * *")


def test_a_scheduler_turned_off_by_a_launch_is_on_again_with_its_expression_after_the_undo(
    olive: User, canvas: Connection
) -> None:
    on, off = steps.kind(SCHEDULE_ON), steps.kind(SCHEDULE_OFF)
    step = target(olive, canvas)
    ws = off.workspace(olive, canvas, step)
    on.perform(ws, step)  # on before the launch
    assert off.check(ws, step).reason == "Its scheduler will be turned off."
    was = off.before(ws, step)
    done = off.perform(ws, step)
    assert (done.said, remote().is_scheduled) == ("Scheduler off.", False)
    assert off.perform(ws, step).said == "Nothing to do: its scheduler was off."
    undone = off.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone.said == "Scheduler on again as before the launch: At 05:00, Monday through Friday (UTC)."
    assert (remote().is_scheduled, off.before(ws, step)) == (True, {"on": True, "cron": WEEKDAYS})


# Runs


class WorkerKilled(BaseException):
    """The worker's death as seen from inside the step: nothing after it runs, nothing records an end."""


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The RunWorkflow calls that leave for Canvas."""
    seen: Counter[str] = Counter()
    real = CanvasClient.run_workflow

    def run_workflow(client: CanvasClient, workflow_id: str, **bounds: Any) -> str:
        seen["RunWorkflow"] += 1
        return real(client, workflow_id, **bounds)

    monkeypatch.setattr(CanvasClient, "run_workflow", run_workflow)
    return seen


def close(ours: datetime, canvas: datetime | None) -> bool:
    """Canvas shows a time to the millisecond."""
    return canvas is not None and abs(ours - canvas) < timedelta(milliseconds=1)


def run_step(user: User, connection: Connection, **params: Any) -> tuple[dict[str, Any], Any]:
    kind = steps.kind(RUN)
    step = kind.pick(workspace_for(user, connection=connection), {"workflow": ORDERS, **params})
    return step, kind.workspace(user, connection, step)


def test_a_run_step_performed_twice_starts_one_run(
    olive: User, canvas: Connection, sent: Counter[str]
) -> None:
    step, ws = run_step(olive, canvas)
    kind = steps.kind(RUN)
    assert kind.describe(step) == "Run Order transferring (the whole workflow)"
    assert kind.check(ws, step) == steps.Verdict(True, "It will run the whole workflow.")
    was = kind.before(ws, step)
    assert was == {"started_at": "2022-04-12T10:36:57.877000+00:00"}
    done = kind.perform(ws, step)
    assert done.said == (
        "Run started: the whole workflow of Order transferring. It goes on in Canvas: follow it under Runs "
        "on the workflow's page."
    )
    started = datetime.fromisoformat(done.after["started_at"])
    assert close(started, remote().date_last_run) and done.after != was
    assert kind.perform(ws, step) == done
    assert (sent["RunWorkflow"], close(started, remote().date_last_run)) == (1, True)
    assert AuditEntry.objects.filter(action="canvas.workflow.run", target_id=ORDERS, user=olive).count() == 1
    run = WorkflowRun.objects.get(workflow_id=ORDERS)  # on the workflow's Runs
    assert (run.source, run.started_by, run.started_at) == ("ours", olive, started)
    assert kind.check(ws, step).reason == "This step has started its run already: it is not sent again."


@pytest.mark.parametrize("point", ["before send", "after send"])
def test_a_run_step_whose_worker_died_unconfirmed_runs_once(
    olive: User, canvas: Connection, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    step, ws = run_step(olive, canvas)
    kind, received = steps.kind(RUN), Counter[str]()
    real, armed = CanvasClient.run_workflow, [True]

    def run_workflow(client: CanvasClient, workflow_id: str, **bounds: Any) -> str:
        if armed[0] and point == "before send":
            armed[0] = False
            raise WorkerKilled
        received["RunWorkflow"] += 1
        answer = real(client, workflow_id, **bounds)
        if armed[0]:  # after send: Canvas started the run, its answer is lost with the worker
            armed[0] = False
            raise WorkerKilled
        return answer

    monkeypatch.setattr(CanvasClient, "run_workflow", run_workflow)
    kind.before(ws, step)
    with pytest.raises(WorkerKilled):
        kind.perform(ws, step)
    call = RemoteCall.objects.get(key=f"launch.canvas.run:{step['once']}")
    assert (call.intended_at is not None, call.confirmed_at) == (True, None)

    kind.perform(ws, step)  # the sweep hands the launch to a new worker
    assert received["RunWorkflow"] == 1
    call.refresh_from_db()
    assert (call.sends, call.found) == ((1, True) if point == "after send" else (2, False))
    entry = AuditEntry.objects.get(action="canvas.workflow.run", target_id=ORDERS)
    assert entry.detail.get("found_after_restart", False) == (point == "after send")
    assert close(WorkflowRun.objects.get(workflow_id=ORDERS).started_at, remote().date_last_run)


def test_a_run_steps_block_range_is_kept_in_its_target_and_reaches_canvas(
    olive: User, canvas: Connection
) -> None:
    workflow_id = create()
    kind = steps.kind(RUN)
    step, ws = run_step(olive, canvas, workflow=workflow_id, first="2", last="3")
    assert {key: step[key] for key in ("first", "last", "blocks")} == {
        "first": 2,
        "last": 3,
        "blocks": "blocks 2 to 3",
    }
    assert kind.describe(step) == "Run Run me (blocks 2 to 3)"
    assert kind.check(ws, step).reason.startswith(
        "It will run blocks 2 to 3. Block 2 (Write CSV) reads the output of block 1"
    )
    kind.perform(ws, step)
    row = CanvasWorkflow.objects.get(id=workflow_id)
    assert (row.run_from, row.run_till) == (2, 3)
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert (run.source, run.run_from, run.run_till) == ("ours", 2, 3)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2", "9", "The last block must be between 1 and 4."),
        ("3", "2", "Block 3 comes after block 2: pick the first block of the range first."),
        ("two", "", "The first block must be a whole number."),
    ],
)
def test_a_run_step_with_a_range_that_does_not_fit_is_refused(
    olive: User, canvas: Connection, first: str, last: str, message: str
) -> None:
    workflow_id = create()
    with pytest.raises(steps.Refused, match=message):
        run_step(olive, canvas, workflow=workflow_id, first=first, last=last)


def test_a_run_step_is_refused_while_the_workflow_runs_and_once_it_is_gone(
    olive: User, canvas: Connection, sent: Counter[str]
) -> None:
    workflow_id = create()
    kind = steps.kind(RUN)
    first, ws = run_step(olive, canvas, workflow=workflow_id)
    second, _ = run_step(olive, canvas, workflow=workflow_id)
    kind.perform(ws, first)
    refused = kind.check(ws, second)
    assert not refused.ok and refused.reason.startswith("Run me is running now (block ")
    assert refused.reason.endswith("): Canvas refuses a second run until it ends.")
    with pytest.raises(steps.Refused, match="Retry this step once it has ended"):
        kind.perform(ws, second)
    assert sent["RunWorkflow"] == 1
    CanvasWorkflow.objects.filter(id=workflow_id).delete()
    assert kind.check(ws, second) == steps.Verdict(False, "Run me no longer exists in this account.")
    with pytest.raises(ApiNotFound):
        run_step(olive, canvas, workflow=workflow_id)


def test_a_run_cannot_be_taken_back_and_says_why() -> None:
    kind = steps.kind(RUN)
    assert kind.undo is None
    assert kind.final == "A run moves data in Canvas as it goes: it cannot be taken back."
    assert (kind.permission, kind.performs) == ("canvas.operate_integrations", "canvas.operate_integrations")
    assert kind.touches({"workflow": ORDERS}) == f"canvas.workflow:{ORDERS}"


def test_a_launch_that_ran_a_workflow_leaves_the_run_alone_at_rollback_and_says_why(
    olive: User, canvas: Connection, sent: Counter[str]
) -> None:
    launch = launches.create_launch(olive, name="Orders", description="", go_at=None)
    add(olive, launch, RUN, {"workflow": ORDERS})
    start(olive, launch)
    launch.refresh_from_db()
    assert launch.state == Launch.State.DONE
    step = launch.steps.get()
    assert (step.state, step.said.split(":")[0], sent["RunWorkflow"]) == (Step.State.DONE, "Run started", 1)
    running.ask(olive, launch, "roll_back")
    work(launch)
    step.refresh_from_db()
    assert (step.state, step.undo_said) == (Step.State.LEFT_ALONE, steps.kind(RUN).final)
    assert sent["RunWorkflow"] == 1


def test_a_run_step_used_as_it_is_now_keeps_its_once_key(olive: User, canvas: Connection) -> None:
    step, ws = run_step(olive, canvas)
    kind = steps.kind(RUN)
    assert len(step["once"]) == 16
    assert kind.pick(ws, step) == step
    assert run_step(olive, canvas)[0]["once"] != step["once"]  # a step added again is a run of its own


def test_the_run_page_offers_a_launch_to_those_who_may_run_and_plan(
    demo: dict[str, Connection], operator_client: Client, viewer_client: Client
) -> None:
    workflow_id = create()
    page = reverse("canvas:workflow_run", args=[workflow_id])
    shown = operator_client.get(page, {"first": 2, "last": 3}).content.decode()
    assert "Add to a launch…" in shown and '<input type="hidden" name="kind" value="canvas.run">' in shown
    assert (
        'name="first" min="1" max="4" value="2"' in shown and 'name="last" min="1" max="4" value="3"' in shown
    )
    assert viewer_client.get(page).status_code == 403
    runner = make_user("rita", "viewer")
    runner.user_permissions.add(Permission.objects.get(codename="operate_integrations"))
    assert "Add to a launch" not in client_for(runner).get(page).content.decode()  # may not plan launches

    added = operator_client.get(
        reverse("launches:add_step"),
        {"kind": RUN, "workflow": workflow_id, "first": "2", "last": "3", "next": page},
    )
    assert "Run Run me (blocks 2 to 3)" in added.content.decode()
    wrong = {"kind": RUN, "workflow": workflow_id, "first": "3", "last": "2", "next": page}
    refused = operator_client.get(reverse("launches:add_step"), wrong, follow=True)
    assert "Block 3 comes after block 2: pick the first block of the range first." in pages.words(refused)
