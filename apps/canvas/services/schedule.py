"""A Canvas workflow's scheduler: preview a Quartz expression, save it, Pause and Resume (canvas.md §7.7).

Canvas evaluates the expression in UTC. Pausing turns the scheduler off and keeps the expression (sent
again in the same call, and remembered here), so Resume turns it back on unchanged. Canvas has no call
to stop a run in progress: pausing only stops the next fires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from uuid import UUID

from django.utils import timezone

from apps.canvas import quartz
from apps.canvas.client import CanvasClient, Workflow
from apps.canvas.models import ScheduleMemory
from apps.canvas.quartz.words import describe
from apps.connections.workspace import Workspace
from apps.core import audit

FIRES_SHOWN = 10


class NothingToResume(Exception):
    """The workflow has no readable expression, here or in Canvas."""


@dataclass(frozen=True)
class Fire:
    utc: datetime
    local: datetime


@dataclass(frozen=True)
class Preview:
    text: str
    cron: quartz.Cron | None = None
    error: quartz.CronError | None = None
    words: str = ""
    fires: list[Fire] = field(default_factory=list)

    @property
    def caret(self) -> str:
        """A `^` under the character the error points at, to print below the expression."""
        return " " * (self.error.column - 1) + "^" if self.error and self.error.column else ""

    @property
    def shows_seconds(self) -> bool:
        return any(fire.utc.second for fire in self.fires)

    @property
    def never_fires(self) -> bool:
        return self.cron is not None and not self.fires


def preview(text: str, zone: tzinfo, *, now: datetime | None = None, count: int = FIRES_SHOWN) -> Preview:
    """What `text` means: its words and next fires in UTC (where Canvas runs it) beside `zone`."""
    text = " ".join(text.split())
    try:
        cron = quartz.parse(text)
    except quartz.CronError as exc:
        return Preview(text, error=exc)
    fires = cron.next_fires(now or timezone.now(), count, UTC)
    return Preview(text, cron, words=describe(cron), fires=[Fire(f, f.astimezone(zone)) for f in fires])


def in_words(cron: str | None) -> str:
    """`At 05:00, Monday through Friday (UTC)` for a list or a header; "" when there is no readable one."""
    try:
        parsed = quartz.parse(cron or "")
    except quartz.CronError:
        return ""
    return f"{describe(parsed)} (UTC)"


def ref(workflow: Workflow) -> audit.Ref:
    return audit.Ref("canvas.workflow", workflow.id, workflow.name)


def read(workspace: Workspace[CanvasClient], *, workflow_id: UUID | str) -> Workflow:
    with workspace.client() as api:
        return api.get_workflow(str(workflow_id))


def remembered(workspace: Workspace[CanvasClient], *, workflow: Workflow) -> str | None:
    """The expression Resume brings back: Canvas's own when it kept one, else the last we set."""
    if workflow.cron and _parses(workflow.cron):
        return workflow.cron
    memory = ScheduleMemory.objects.filter(connection=workspace.connection, workflow_id=workflow.id).first()
    return memory.cron if memory else None


def paused(workspace: Workspace[CanvasClient], *, workflow: Workflow) -> str | None:
    """The expression of a schedule that is off but was set, here: what Resume would bring back. Canvas
    fills an expression into every new workflow, which nobody chose: a workflow this dashboard never
    scheduled has no schedule, and its first action is to choose one."""
    if workflow.is_scheduled:
        return None
    if not ScheduleMemory.objects.filter(connection=workspace.connection, workflow_id=workflow.id).exists():
        return None
    return remembered(workspace, workflow=workflow)


def save(workspace: Workspace[CanvasClient], *, workflow: Workflow, cron: str, turn_on: bool) -> None:
    """Set the expression (already checked by `preview`), and turn the scheduler on or leave it off."""
    name = "canvas.schedule.save" if turn_on else "canvas.schedule.save_off"
    with audit.action(workspace.person, name, ref(workflow), cron=cron), workspace.client() as api:
        api.set_scheduler(workflow.id, enabled=turn_on, cron=cron)
    _remember(workspace, workflow.id, cron)


def pause(workspace: Workspace[CanvasClient], *, workflow: Workflow) -> None:
    cron = remembered(workspace, workflow=workflow)
    with (
        audit.action(workspace.person, "canvas.schedule.pause", ref(workflow), cron=cron or ""),
        workspace.client() as api,
    ):
        api.set_scheduler(workflow.id, enabled=False, cron=cron)
    if cron:
        _remember(workspace, workflow.id, cron)


def resume(workspace: Workspace[CanvasClient], *, workflow: Workflow) -> str:
    cron = remembered(workspace, workflow=workflow)
    if cron is None:
        raise NothingToResume(f"{workflow.name} has no schedule to resume: set one first.")
    with (
        audit.action(workspace.person, "canvas.schedule.resume", ref(workflow), cron=cron),
        workspace.client() as api,
    ):
        api.set_scheduler(workflow.id, enabled=True, cron=cron)
    return cron


def _remember(workspace: Workspace[CanvasClient], workflow_id: str, cron: str) -> None:
    ScheduleMemory.objects.update_or_create(
        connection=workspace.connection, workflow_id=workflow_id, defaults={"cron": cron}
    )


def _parses(text: str) -> bool:
    try:
        quartz.parse(text)
    except quartz.CronError:
        return False
    return True
