"""Schedules people ask for, written as the UTC Quartz expression Canvas runs (canvas.md §7.7).

A time of day is given in the person's zone and turned into UTC at today's offset; when that crosses
midnight the weekdays move with it (06:00 Monday in Tokyo is 21:00 Sunday UTC). Canvas keeps the UTC
time, so in a zone with summer time the local time moves by the clock change (the screen says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from apps.canvas.quartz.expression import DAY_NAMES

KINDS = {
    "minutes": "Every N minutes",
    "hourly": "Every hour at minute",
    "daily": "Every day at",
    "weekdays": "Weekdays (Monday to Friday) at",
    "weekly": "Once a week on",
}
EVERY_MINUTES = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)  # the steps that divide an hour evenly
WEEKDAYS = (2, 3, 4, 5, 6)  # Quartz MON-FRI


@dataclass(frozen=True)
class Preset:
    kind: str
    every: int = 5
    at: time = time(6, 0)
    day: int = 2  # Quartz weekday, SUN=1


@dataclass(frozen=True)
class Written:
    cron: str
    utc: time  # the UTC time of day the local one became (unused for "minutes")
    day_shift: int  # -1, 0 or 1: the UTC day relative to the local one


def write(preset: Preset, zone: tzinfo, today: date | None = None) -> Written:
    today = today or datetime.now(zone).date()
    local = datetime.combine(today, preset.at, tzinfo=zone)
    utc = local.astimezone(UTC)
    shift = (utc.date() - today).days
    if preset.kind == "minutes":
        return Written(f"0 0/{preset.every} * ? * *", utc.time(), 0)
    if preset.kind == "hourly":
        return Written(f"0 {utc.minute} * ? * *", utc.time(), 0)
    clock = f"0 {utc.minute} {utc.hour}"
    if preset.kind == "daily":
        return Written(f"{clock} ? * *", utc.time(), shift)
    days = WEEKDAYS if preset.kind == "weekdays" else (preset.day,)
    moved = sorted((day - 1 + shift) % 7 + 1 for day in days)
    return Written(f"{clock} ? * {_days(moved)}", utc.time(), shift)


def _days(days: list[int]) -> str:
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0] - 1]}-{DAY_NAMES[days[-1] - 1]}"
    return ",".join(DAY_NAMES[day - 1] for day in days)


def has_clock_changes(zone: tzinfo, start: datetime) -> bool:
    """Whether `zone`'s offset changes in the year from `start`: then a UTC schedule moves locally."""
    offsets = {(start + timedelta(days=30 * month)).astimezone(zone).utcoffset() for month in range(13)}
    return len(offsets) > 1
