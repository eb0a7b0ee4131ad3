"""Running a launch, through the shared sweep (`apps.jobs.scheduling`): at its time the start checks the
approval and every step, then runs the stages in order, each step once; a failed step stops the launch
with three ways on (retry it, continue past it, roll back). A rollback takes the done steps back in reverse
order and leaves alone what someone changed since.

Each step keeps what its target was before it acted (read once, kept on a retry) and what it left, so a
worker that dies anywhere leaves a launch the next sweep can carry on: a step that did act reads its
target as already done and acts no more.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from itertools import groupby
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core import audit
from apps.core.http import RETRYABLE, ApiError
from apps.core.threads import ClosingThreadPool
from apps.jobs import scheduling, steps
from apps.launches.models import Launch, LaunchAction, Step
from apps.launches.services import launches
from apps.launches.services.notices import tell

State = Launch.State
StepState = Step.State
T = TypeVar("T")
# A step's call that meets a busy or briefly failing service (429, 502-504) is tried again, this many times
# in all, as a scheduled action is; it re-reads its target first, so trying again never acts twice.
TRIES = 4
PASSES = 3  # a rollback goes again over the steps it could not take back (a busy service), this many times
RECHECKS = 2  # at the start, a step whose check failed is checked again this many times before it holds


class NotNow(Exception):
    """What was asked cannot happen in the launch's state; the message says why."""


ASKED = {
    "start": LaunchAction.Action.START,
    "retry": LaunchAction.Action.RETRY,
    "continue": LaunchAction.Action.CONTINUE,
    "roll_back": LaunchAction.Action.ROLL_BACK,
}


def ask(user: Any, launch: Launch, asked: str) -> str:
    """Start now, retry the failed step, continue past it, or roll back: handed to a worker at the next
    sweep (within seconds)."""
    action = ASKED.get(asked)
    if action is None:
        raise NotNow("Choose start, retry, continue or roll back.")
    if busy(launch):
        raise NotNow(f"{launch.name} is already being worked on: wait for it to finish.")
    refused = refusal(launch, action)
    if refused:
        raise NotNow(refused)
    now = timezone.now()
    with transaction.atomic():
        # a start asked for now replaces the one waiting for the go time
        launch.actions.filter(state=LaunchAction.State.PENDING).update(
            state=LaunchAction.State.CANCELLED, finished_at=now
        )
        if action == LaunchAction.Action.START:
            Launch.objects.filter(pk=launch.pk).update(state=State.PLANNED, why="")
        item = LaunchAction.objects.create(
            launch=launch, action=action, due_at=now, run_at=now, created_by=user
        )
        scheduling.created(user, item)
    return {
        LaunchAction.Action.START: f"{launch.name} starts within seconds.",
        LaunchAction.Action.RETRY: "The failed step runs again within seconds.",
        LaunchAction.Action.CONTINUE: "The launch goes on past the failed step within seconds.",
        LaunchAction.Action.ROLL_BACK: f"{launch.name} is rolled back within seconds.",
    }[action]


def busy(launch: Launch) -> bool:
    """A start, retry, continue or rollback is on its way (a start still waiting for its time aside)."""
    open_actions = launch.actions.filter(state__in=LaunchAction.OPEN).exclude(
        action=LaunchAction.Action.CHECK
    )
    return open_actions.exclude(action=LaunchAction.Action.START, state=LaunchAction.State.PENDING).exists()


def refusal(launch: Launch, action: str) -> str:
    """Why `action` cannot be asked for now, or ""."""
    if action == LaunchAction.Action.START:
        if launch.state not in Launch.EDITABLE:
            return f"{launch.name} is {launch.get_state_display().lower()}: it cannot start again."
        approval = launches.approval(launch)
        if approval.needed and not approval.approved:
            return "It needs an approval of the launch as it is now first."
        return ""
    if action == LaunchAction.Action.ROLL_BACK:
        if launch.state not in (State.STOPPED, State.DONE):
            return "Only a launch that ran (done, or stopped) can be rolled back."
        return ""
    if launch.state != State.STOPPED or not launch.steps.filter(state=StepState.FAILED).exists():
        return "Only a launch stopped at a failed step can retry it or go on past it."
    return ""


def run(pk: int) -> str | None:
    """Carry out one due start, retry, continue or rollback; its new state, or None when not this run's."""
    return scheduling.run(LaunchAction, pk, perform, related=["launch", "launch__owner"])


def perform(item: LaunchAction) -> str:
    launch = item.launch
    if item.action == LaunchAction.Action.CHECK:
        return pre_flight(launch)
    if item.action == LaunchAction.Action.ROLL_BACK:
        return roll_back(item, launch)
    if item.action == LaunchAction.Action.START and launch.state == State.RUNNING:
        return _go_on(item, launch)  # its worker died: it was checked when it started, it goes on
    if item.action == LaunchAction.Action.START:
        held = _held(launch)
        if held:
            Launch.objects.filter(pk=launch.pk).update(state=State.HELD, why=held)
            tell(launch, f"{launch.name} did not start", held)
            return f"Did not start: {held}"
        Launch.objects.filter(pk=launch.pk).update(state=State.RUNNING, started_at=timezone.now(), why="")
    else:
        failed = launch.steps.filter(state=StepState.FAILED)
        if item.action == LaunchAction.Action.CONTINUE:
            failed.update(state=StepState.SKIPPED)
        else:
            failed.update(state=StepState.WAITING)
        Launch.objects.filter(pk=launch.pk).update(state=State.RUNNING, why="")
    return _go_on(item, launch)


def pre_flight(launch: Launch) -> str:
    """Fifteen minutes before the go time: every step checks itself, and its people hear of any that cannot
    run while there is time to fix it (the start checks again, and holds the launch if one still cannot)."""
    checked = launches.check(None, launch)
    blocked = [f"{launches.describe(step)}: {step.verdict}" for step in checked if not step.ready]
    if not blocked:
        return f"All {len(checked)} steps can run."
    go = scheduling.iso(launch.go_at) if launch.go_at else "its time"
    tell(
        launch,
        f"{launch.name}: {len(blocked)} of {len(checked)} steps cannot run",
        f"It goes at {go}. " + " ".join(blocked),
    )
    return f"{len(blocked)} of {len(checked)} steps cannot run; its people were told."


def _held(launch: Launch) -> str:
    """Why the launch may not start now, or ""."""
    approval = launches.approval(launch)
    if approval.needed and not approval.approved:
        if approval.stale:
            return "Its approval is stale: " + "; ".join(approval.changes)
        return "It was not approved."
    checked = launches.check(None, launch)
    if not checked:
        return "It has no steps."
    for attempt in range(1, RECHECKS + 1):
        failing = [step for step in checked if not step.ready]
        if not failing:
            break
        time.sleep(settings.REMOTE_BACKOFF * 2**attempt)  # a service may have been busy a moment
        for step in failing:
            launches.check_step(None, step)
    blocked = [f"{launches.describe(step)}: {step.verdict}" for step in checked if not step.ready]
    if blocked:
        return "The pre-flight found steps that cannot run. " + " ".join(blocked)
    return ""


def _go_on(item: LaunchAction, launch: Launch) -> str:
    """The steps not yet done, stage after stage; stops at the first that fails."""
    for _stage, todo in groupby(_todo(launch), key=lambda step: step.stage):
        failures = _each(list(todo), lambda step: _perform(item, launch, step), stop_at_first=True)
        if failures:
            why = failures[0]
            Launch.objects.filter(pk=launch.pk).update(state=State.STOPPED, why=why)
            tell(launch, f"{launch.name} stopped at a failed step", why)
            return f"Stopped: {why}"
    Launch.objects.filter(pk=launch.pk).update(state=State.DONE, finished_at=timezone.now(), why="")
    return "Every step is done."


def _each(group: list[Step], one: Callable[[Step], str], *, stop_at_first: bool = False) -> list[str]:
    """`one(step)` for the steps of one stage, AT_ONCE at a time (they do not depend on each other); what
    the failed ones said. With `stop_at_first`, a step not begun when one fails is left for later."""
    width = min(settings.LAUNCH_STEPS_AT_ONCE, len(group))
    failed: list[str] = []
    if width <= 1:
        for step in group:
            said = one(step)
            if said:
                failed.append(said)
                if stop_at_first:
                    break
        return failed
    stop = threading.Event()

    def guarded(step: Step) -> str:
        if stop_at_first and stop.is_set():
            return ""
        said = one(step)
        if said:
            stop.set()
        return said

    with ClosingThreadPool(width, thread_name_prefix="launch-steps") as pool:
        answers = list(pool.map(lambda step: contextvars.copy_context().run(guarded, step), group))
    return [said for said in answers if said]


def _perform(item: LaunchAction, launch: Launch, step: Step) -> str:
    """Carry out one step (once, however often it is asked); "" when done, else why it failed."""
    kind = steps.kind(step.kind)
    workspace = kind.workspace(step.added_by or launch.owner, step.connection, step.target)
    try:
        if step.before is None:
            Step.objects.filter(pk=step.pk).update(
                before=kind.before(workspace, step.target), state=StepState.RUNNING, started_at=timezone.now()
            )
        done = _patient(kind.perform, workspace, step.target)
    except (ApiError, steps.Refused) as exc:
        reason = f"{exc.title}: {exc.message}" if isinstance(exc, ApiError) else str(exc)
        Step.objects.filter(pk=step.pk).update(
            state=StepState.FAILED, said=reason, finished_at=timezone.now()
        )
        audit.record(_actor(item), "launch.step_failed", launches.ref(launch), step=launches.describe(step))
        return f"{launches.describe(step)} failed. {reason}"
    Step.objects.filter(pk=step.pk).update(
        state=StepState.DONE, after=done.after, said=done.said, finished_at=timezone.now()
    )
    audit.record(
        _actor(item), "launch.step_done", launches.ref(launch), step=launches.describe(step), said=done.said
    )
    return ""


def _patient(call: Callable[..., T], *args: Any) -> T:
    """`call(*args)`, again after an answer the remote may get over (its Retry-After, else a growing
    pause)."""
    for attempt in range(1, TRIES):
        try:
            return call(*args)
        except RETRYABLE as exc:
            wait = getattr(exc, "retry_after", None) or settings.REMOTE_BACKOFF * 2 ** (attempt - 1)
            time.sleep(min(wait, 10.0))
    return call(*args)


def _actor(item: LaunchAction) -> Any:
    """Whom the launch's own history names: its owner at its start, else the person who asked to go on
    (each step acts as the person who added it)."""
    if item.action == LaunchAction.Action.START or item.created_by is None:
        return item.launch.owner
    return item.created_by


def _todo(launch: Launch) -> QuerySet[Step]:
    todo = launch.steps.filter(state__in=[StepState.WAITING, StepState.RUNNING])
    return todo.select_related("connection", "added_by")


def roll_back(item: LaunchAction, launch: Launch) -> str:
    """Take back every step that acted, last stage first; a step whose target changed since is left
    alone."""
    Launch.objects.filter(pk=launch.pk).update(state=State.ROLLING_BACK)
    for attempt in range(1, PASSES + 1):
        acted = launch.steps.filter(state__in=[StepState.DONE, StepState.UNDO_FAILED])
        ordered = acted.select_related("connection", "added_by").order_by("-stage", "-position", "-pk")
        failures = 0
        for _stage, group in groupby(ordered, key=lambda step: step.stage):
            failures += len(_each(list(group), lambda step: _undo(item, launch, step)))
        if not failures or attempt == PASSES:
            break
        time.sleep(settings.REMOTE_BACKOFF * 2**attempt)  # the steps that failed, once more, a little later
    if failures:
        some = f"{failures} step{'s' if failures > 1 else ''}"
        why = f"{some} could not be taken back: roll back again to retry them."
        Launch.objects.filter(pk=launch.pk).update(state=State.STOPPED, why=why)
        return why
    Launch.objects.filter(pk=launch.pk).update(state=State.ROLLED_BACK, finished_at=timezone.now(), why="")
    return "Rolled back."


def _undo(item: LaunchAction, launch: Launch, step: Step) -> str:
    """Take one step back; "" when done or left alone (and said so), else why it could not be."""
    kind = steps.kind(step.kind)
    if step.before is None or kind.undo is None:
        said = kind.final or "It had not acted yet: nothing to take back."
        Step.objects.filter(pk=step.pk).update(state=StepState.LEFT_ALONE, undo_said=said)
        return ""
    workspace = kind.workspace(step.added_by or launch.owner, step.connection, step.target)
    try:
        undone = _patient(kind.undo, workspace, step.target, step.before, step.after or {})
    except (ApiError, steps.Refused) as exc:
        said = f"{exc.title}: {exc.message}" if isinstance(exc, ApiError) else str(exc)
        Step.objects.filter(pk=step.pk).update(state=StepState.UNDO_FAILED, undo_said=said)
        audit.record(
            _actor(item),
            "launch.step_undone",
            launches.ref(launch),
            outcome="failed",
            error=said,
            step=launches.describe(step),
        )
        return said
    state = StepState.LEFT_ALONE if undone.left_alone else StepState.UNDONE
    Step.objects.filter(pk=step.pk).update(state=state, undo_said=undone.said)
    audit.record(
        _actor(item),
        "launch.step_undone",
        launches.ref(launch),
        step=launches.describe(step),
        said=undone.said,
    )
    return ""
