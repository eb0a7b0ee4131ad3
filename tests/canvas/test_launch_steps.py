"""Launch steps of Canvas integrations (apps.canvas.services.steps) against the sandbox: a scheduler
turned on or off once however often the step runs, and put back as it was unless changed since."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.canvas.services.steps import SCHEDULE_OFF, SCHEDULE_ON, on_target
from apps.canvas.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.jobs import steps
from apps.sandbox.canvas.models import CanvasWorkflow

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
