"""The calendar of everything that will change: the scheduled actions of every area, launches among them,
and what remote schedulers will do by themselves (a Canvas workflow's fires, registered as a `Forecast`),
with the conflicts between them in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from apps.core.http import ApiError
from apps.jobs import scheduling
from apps.jobs.models import ScheduledBase

WINDOW = timedelta(hours=1)  # two changes of one thing closer than this are a conflict
# What a thing is, by the prefix of its name (`StepKind.touches`, `ScheduledBase.touches`).
NOUNS = {
    "brickworks.record": "record",
    "automation.workflow": "workflow",
    "flows.flow": "flow",
    "flows.entity": "profile",
    "canvas.workflow": "Canvas workflow",
    "synerise.catalog": "catalog",
}


@dataclass
class Entry:
    """One line of the calendar: an action due, or the fires of a remote scheduler on one day."""

    at: datetime  # the first (or only) time
    action: str  # "Publish", "Start", "Scheduler runs"
    name: str  # what it acts on: "Winter sale"
    url: str
    system: str
    state: str = ScheduledBase.State.PENDING
    times: list[datetime] = field(default_factory=list)  # every time it changes something that day
    touches: set[str] = field(default_factory=set)
    conflicts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Forecast:
    """What a remote service will do by itself between two times, as calendar entries."""

    key: str
    system: str
    view_permission: str
    entries: Callable[[Any, datetime, datetime], list[Entry]]


FORECASTS: dict[str, Forecast] = {}


def register(forecast: Forecast) -> None:
    """Called from the domain's AppConfig.ready()."""
    FORECASTS[forecast.key] = forecast


def systems(user: Any) -> list[str]:
    """The areas whose changes the person may see, in menu order."""
    seen = {source.system for source in scheduling.visible(user)}
    seen |= {f.system for f in FORECASTS.values() if user.has_perm(f.view_permission)}
    order = ["Content", "Workflows", "Integrations", "Catalogs", "Launches"]
    return sorted(seen - {""}, key=lambda system: order.index(system) if system in order else len(order))


def entries(user: Any, start: datetime, end: datetime, system: str = "") -> tuple[list[Entry], list[str]]:
    """Everything due from `start` to `end` (of one area, or all), in order, conflicts flagged; and the
    areas that did not answer, in words."""
    sources = [s for s in scheduling.visible(user) if not system or s.system == system]
    items = scheduling.items_for(
        user,
        sources,
        lambda rows: rows.filter(due_at__gte=start, due_at__lt=end).exclude(
            state=ScheduledBase.State.CANCELLED
        ),
    )
    found = [_entry(item) for item in items]
    silent: list[str] = []
    for forecast in FORECASTS.values():
        if (system and forecast.system != system) or not user.has_perm(forecast.view_permission):
            continue
        try:
            found += forecast.entries(user, start, end)
        except ApiError as exc:
            silent.append(f"{forecast.system} did not answer ({exc.message}): its schedulers are not shown.")
    found.sort(key=lambda entry: entry.at)
    flag_conflicts(found)
    return found, silent


def flag_conflicts(found: list[Entry]) -> None:
    """Note on each entry the others that change one of its things within WINDOW of it."""
    by_thing: dict[str, list[Entry]] = {}
    for entry in found:
        if entry.state == ScheduledBase.State.PENDING:
            for thing in entry.touches:
                by_thing.setdefault(thing, []).append(entry)
    for thing, group in by_thing.items():
        for number, one in enumerate(group):
            for other in group[number + 1 :]:
                if _near(one, other):
                    one.conflicts.append(_said(thing, other))
                    other.conflicts.append(_said(thing, one))


def _near(one: Entry, other: Entry) -> bool:
    return any(abs(a - b) <= WINDOW for a in one.times for b in other.times)


def _said(thing: str, other: Entry) -> str:
    noun = NOUNS.get(thing.rpartition(":")[0], "thing")
    at = timezone.localtime(other.at)
    return f"{other.action} {other.name} ({at:%-d %b %H:%M}) changes the same {noun} within an hour."


def _entry(item: Any) -> Entry:
    source = scheduling.SOURCES[item.source_key]
    return Entry(
        at=item.due_at,
        action=item.get_action_display(),
        name=item.target_name,
        url=reverse("jobs:scheduled_detail", args=[item.source_key, item.pk]),
        system=source.system,
        state=item.state,
        times=[item.due_at],
        touches=item.touched,
    )
