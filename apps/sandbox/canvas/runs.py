"""Runs and schedules of Canvas workflows, computed from timestamps (docs/api-decisions.md, "Canvas").

A run of blocks A..B (1-based, inclusive) started at T works on block A + k during
[T + k·S, T + (k+1)·S), S being `block_seconds()` (settings.SANDBOX_BLOCK_SECONDS, 3 by default). While
it runs the workflow's `status` is "Running" and `currentBlock` the block in progress; when it ends
`status` is "Ready" and `currentBlock` is B. A block whose name starts with "Fail" fails: the run stops
there with `status` "Failed" and `currentBlock` that block. `dateLastRun` is the moment a run starts.

A scheduled workflow starts a run of its whole chain at each fire of its Quartz cron (UTC); a fire that
finds a run in progress is skipped. Nothing runs in the background: `settle` replays what happened up to
now whenever a workflow is read. Fires that came while nobody read the workflow still ran: the last of
them whose run has ended by now is replayed (the runs before it ended the same way and left no other
trace), then every later one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from apps.sandbox.canvas import quartz
from apps.sandbox.canvas.models import CanvasWorkflow


def block_seconds() -> float:
    """How long each block of a run takes; tests shorten it, as SANDBOX_STAGE_SECONDS for workflows."""
    return float(getattr(settings, "SANDBOX_BLOCK_SECONDS", 3.0))


class RangeError(ValueError):
    pass


@dataclass(frozen=True)
class Progress:
    status: str
    current_block: int


def block_range(workflow: CanvasWorkflow, run_from: int | None, run_till: int | None) -> tuple[int, int]:
    """The blocks a RunWorkflow body asks for, checked against the chain (§7.6)."""
    length = len(workflow.chain)
    first = 1 if run_from is None else run_from
    last = length if run_till is None else run_till
    if length == 0:
        raise RangeError("Workflow has no blocks to run")
    for name, value in (("runFromBlock", first), ("runTillBlock", last)):
        if not 1 <= value <= length:
            raise RangeError(f"{name} must be between 1 and {length}, the blocks of the workflow")
    if first > last:
        raise RangeError(f"runFromBlock {first} is after runTillBlock {last}")
    return first, last


def cron_of(frequency: str) -> str:
    """The cron inside a `{"cronSchedule": "..."}` frequency string (§8); ValueError when it is not one."""
    try:
        value = json.loads(frequency)
    except ValueError as exc:
        raise ValueError(
            'scheduleFrequency must be a JSON object string like {"cronSchedule":"0 0 * ? * *"}'
        ) from exc
    if not isinstance(value, dict) or not isinstance(value.get("cronSchedule"), str):
        raise ValueError('scheduleFrequency must be a JSON object string like {"cronSchedule":"0 0 * ? * *"}')
    cron: str = value["cronSchedule"]
    return cron


def next_fire(frequency: str, after: datetime) -> datetime | None:
    return quartz.parse(cron_of(frequency)).next_after(after)


def _end(workflow: CanvasWorkflow) -> tuple[datetime, Progress] | None:
    """When the run in progress ends, and how, or None when there is none."""
    if workflow.run_started_at is None or workflow.run_from is None or workflow.run_till is None:
        return None
    for number in range(workflow.run_from, workflow.run_till + 1):
        if str(workflow.chain[number - 1].get("blockName", "")).startswith("Fail"):
            blocks = number - workflow.run_from + 1
            return workflow.run_started_at + timedelta(seconds=blocks * block_seconds()), Progress(
                "Failed", number
            )
    blocks = workflow.run_till - workflow.run_from + 1
    return workflow.run_started_at + timedelta(seconds=blocks * block_seconds()), Progress(
        "Ready", workflow.run_till
    )


def start(workflow: CanvasWorkflow, first: int, last: int, at: datetime) -> None:
    workflow.run_started_at, workflow.run_from, workflow.run_till = at, first, last
    workflow.date_last_run = at
    workflow.current_block = first


def running(workflow: CanvasWorkflow, now: datetime | None = None) -> bool:
    ended = _end(workflow)
    return ended is not None and ended[0] > (now or timezone.now())


def settle(workflow: CanvasWorkflow, now: datetime | None = None) -> CanvasWorkflow:
    """Replay the ends of runs and the scheduler's fires up to `now`, and save what changed."""
    now = now or timezone.now()
    before = (workflow.run_started_at, workflow.date_next_schedule, workflow.current_block, workflow.status)
    whole = timedelta(seconds=block_seconds() * max(len(workflow.chain), 1))
    fire = workflow.date_next_schedule if workflow.is_scheduled else None
    while True:
        ended = _end(workflow)
        if ended is not None and ended[0] <= now and (fire is None or ended[0] <= fire):
            workflow.status, workflow.current_block = ended[1].status, ended[1].current_block
            workflow.run_started_at = workflow.run_from = workflow.run_till = None
            continue
        if fire is not None and fire <= now:
            if ended is None:  # a fire during a run is skipped
                fire = _last_fire_until(workflow, fire, now - whole)
                start(workflow, 1, len(workflow.chain), fire)
            fire = workflow.date_next_schedule = _next_or_none(workflow, fire)
            continue
        break
    if (
        workflow.run_started_at,
        workflow.date_next_schedule,
        workflow.current_block,
        workflow.status,
    ) != before:
        workflow.save()
    return workflow


CATCH_UP_WINDOWS = (
    timedelta(minutes=1),
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=32),
    timedelta(days=367),
    timedelta(days=366 * 100),
)


def _last_fire_until(workflow: CanvasWorkflow, fire: datetime, limit: datetime) -> datetime:
    """The last fire in [fire, limit], or `fire` itself when it is after `limit`.

    Looks back from `limit` in growing windows, so a frequent cron missed for months costs a few steps.
    """
    if fire > limit:
        return fire
    for window in CATCH_UP_WINDOWS:
        start = max(fire, limit - window)
        found = start if start == fire else _next_or_none(workflow, start - timedelta(microseconds=1))
        if found is None or found > limit:
            continue
        while (following := _next_or_none(workflow, found)) is not None and following <= limit:
            found = following
        return found
    return fire


def _next_or_none(workflow: CanvasWorkflow, after: datetime) -> datetime | None:
    try:
        return next_fire(workflow.scheduler_frequency, after)
    except ValueError:
        return None


def progress(workflow: CanvasWorkflow, now: datetime | None = None) -> Progress:
    """`status` and `currentBlock` as the API shows them now (after `settle`)."""
    now = now or timezone.now()
    if workflow.run_started_at is not None and workflow.run_from is not None and running(workflow, now):
        elapsed = (now - workflow.run_started_at).total_seconds()
        return Progress("Running", workflow.run_from + int(elapsed // block_seconds()))
    return Progress(workflow.status, workflow.current_block)
