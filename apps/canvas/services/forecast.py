"""The fires of every Canvas scheduler that is on, for the calendar of everything that will change
(`apps.jobs.upcoming.Forecast`): Canvas runs a workflow by itself at each, so it is on the calendar beside
the actions people scheduled, and a launch that changes the same workflow near one is a conflict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from apps.canvas import quartz
from apps.canvas.client import CanvasClient
from apps.connections.workspace import Workspace
from apps.jobs.upcoming import Entry

A_DAY_MOST = 100  # fires counted in a day; an expression firing more often says "more than"


def scheduler_fires(workspace: Workspace[CanvasClient], start: datetime, end: datetime) -> list[Entry]:
    """An entry a scheduler and a day (in the person's zone), with every fire of that day."""
    with workspace.client() as api:
        found = api.list_workflows()
    entries: list[Entry] = []
    for workflow in found:
        if not workflow.is_scheduled or not workflow.cron:
            continue
        try:
            cron = quartz.parse(workflow.cron)
        except quartz.CronError:
            continue  # the Canvas pages say so; here there is no time to show
        url = reverse("canvas:schedule", args=[workflow.id])
        for times in _by_day(cron, start, end):
            entries.append(
                Entry(
                    at=times[0],
                    action=_runs(len(times)),
                    name=workflow.name,
                    url=url,
                    system="Integrations",
                    times=times[:A_DAY_MOST],
                    touches={f"canvas.workflow:{workflow.id}"},
                )
            )
    return entries


def _runs(many: int) -> str:
    if many > A_DAY_MOST:
        return f"Over {A_DAY_MOST} scheduled runs of"
    return "Scheduled run of" if many == 1 else f"{many} scheduled runs of"


def _by_day(cron: quartz.Cron, start: datetime, end: datetime) -> list[list[datetime]]:
    """The fires from `start` to `end`, a list a local day; at most A_DAY_MOST + 1 a day."""
    days: list[list[datetime]] = []
    day = timezone.localtime(start).replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        after, until = max(day, start), min(day + timedelta(days=1), end)
        times: list[datetime] = []
        for fire in cron.fires(after - timedelta(seconds=1), UTC):
            if fire >= until or len(times) > A_DAY_MOST:
                break
            times.append(fire)
        if times:
            days.append(times)
        day += timedelta(days=1)  # wall-clock arithmetic: the next local midnight, clock changes or not
    return days
