"""Quartz cron expressions, evaluated in UTC: the sandbox's WorkflowScheduler (canvas.md §8).

`seconds minutes hours day-of-month month day-of-week [year]`, with `*`, `?` (in exactly one of the two
day fields), lists, ranges, `a/b` steps, month and day names (SUN=1 … SAT=7), and in the day fields
`L`, `L-n`, `nW`, `LW` (day of month) and `nL`, `n#k` (day of week).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
LAST_YEAR = 2099

DayTest = Callable[[date], bool]


class CronError(ValueError):
    """An expression Quartz would refuse; the message names the field and the reason."""


@dataclass(frozen=True)
class Field:
    name: str
    low: int
    high: int
    names: list[str] | None = None


SECOND = Field("seconds", 0, 59)
MINUTE = Field("minutes", 0, 59)
HOUR = Field("hours", 0, 23)
DOM = Field("day-of-month", 1, 31)
MONTH = Field("month", 1, 12, MONTHS)
DOW = Field("day-of-week", 1, 7, DAYS)
YEAR = Field("year", 1970, LAST_YEAR)


@dataclass(frozen=True)
class Cron:
    seconds: list[int]
    minutes: list[int]
    hours: list[int]
    months: frozenset[int]
    years: frozenset[int]
    day: DayTest

    def next_after(self, moment: datetime) -> datetime | None:
        """The first fire strictly after `moment` (aware, UTC), or None when there is none left."""
        moment = moment.astimezone(UTC)
        day = moment.date()
        while day.year <= LAST_YEAR:
            if day.year not in self.years:
                day = date(day.year + 1, 1, 1)
                continue
            if day.month not in self.months:
                day = _first_of_next_month(day)
                continue
            if self.day(day):
                today = day == moment.date()
                for hour in self.hours:
                    if today and hour < moment.hour:
                        continue  # skipping what has passed keeps a frequent cron cheap to step through
                    for minute in self.minutes:
                        if today and hour == moment.hour and minute < moment.minute:
                            continue
                        for second in self.seconds:
                            fire = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)
                            if fire > moment:
                                return fire
            day += timedelta(days=1)
        return None


def parse(expression: str) -> Cron:
    parts = expression.split()
    if len(parts) not in (6, 7):
        raise CronError(f"expected 6 or 7 fields (seconds … day-of-week, then a year), got {len(parts)}")
    second, minute, hour, dom, month, dow = parts[:6]
    year = parts[6] if len(parts) == 7 else "*"
    if (dom == "?") == (dow == "?"):
        raise CronError("exactly one of day-of-month and day-of-week must be '?'")
    return Cron(
        seconds=sorted(_values(second, SECOND)),
        minutes=sorted(_values(minute, MINUTE)),
        hours=sorted(_values(hour, HOUR)),
        months=frozenset(_values(month, MONTH)),
        years=frozenset(_values(year, YEAR)),
        day=_day_of_month(dom) if dow == "?" else _day_of_week(dow),
    )


def _values(text: str, field: Field) -> set[int]:
    found: set[int] = set()
    for item in text.split(","):
        found |= _item(item, field)
    return found


def _item(item: str, field: Field) -> set[int]:
    where = f"{field.name} {item!r}"
    base, _, step_text = item.partition("/")
    step = 1
    if step_text:
        if not step_text.isdigit() or int(step_text) == 0:
            raise CronError(f"{where}: the step after '/' must be a positive number")
        step = int(step_text)
    if base in ("*", "?"):
        low, high = field.low, field.high
    elif "-" in base:
        first, _, last = base.partition("-")
        low, high = _number(first, field, where), _number(last, field, where)
        if low > high:
            raise CronError(f"{where}: the range runs backwards")
    else:
        low = _number(base, field, where)
        high = field.high if step_text else low
    return set(range(low, high + 1, step))


def _number(text: str, field: Field, where: str) -> int:
    upper = text.upper()
    if field.names and upper in field.names:
        return field.names.index(upper) + 1
    if not text.isdigit():
        raise CronError(f"{where}: {text!r} is not a number" + (" or a name" if field.names else ""))
    value = int(text)
    if not field.low <= value <= field.high:
        raise CronError(f"{where}: {value} is outside {field.low}-{field.high}")
    return value


def _day_of_month(text: str) -> DayTest:
    upper = text.upper()
    if upper == "L":
        return lambda day: day.day == _month_length(day)
    if upper == "LW":
        return lambda day: day.day == _nearest_weekday(day, _month_length(day))
    if match := re.fullmatch(r"L-(\d+)", upper):
        offset = int(match.group(1))
        if offset > 30:
            raise CronError(f"day-of-month {text!r}: the offset from the last day must be 0-30")
        return lambda day: day.day == max(1, _month_length(day) - offset)
    if match := re.fullmatch(r"(\d+)W", upper):
        target = _number(match.group(1), DOM, f"day-of-month {text!r}")
        return lambda day: day.day == _nearest_weekday(day, min(target, _month_length(day)))
    days = _values(text, DOM)
    return lambda day: day.day in days


def _day_of_week(text: str) -> DayTest:
    upper = text.upper()
    where = f"day-of-week {text!r}"
    if match := re.fullmatch(r"(\w+)L", upper):
        weekday = _number(match.group(1), DOW, where)
        return lambda day: _quartz_weekday(day) == weekday and day.day + 7 > _month_length(day)
    if match := re.fullmatch(r"(\w+)#(\d+)", upper):
        weekday = _number(match.group(1), DOW, where)
        nth = int(match.group(2))
        if not 1 <= nth <= 5:
            raise CronError(f"{where}: the number after '#' must be 1-5")
        return lambda day: _quartz_weekday(day) == weekday and (day.day - 1) // 7 + 1 == nth
    if upper == "L":
        return lambda day: _quartz_weekday(day) == 7
    weekdays = _values(text, DOW)
    return lambda day: _quartz_weekday(day) in weekdays


def _quartz_weekday(day: date) -> int:
    return (day.isoweekday() % 7) + 1  # SUN=1 … SAT=7


def _month_length(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _nearest_weekday(day: date, target: int) -> int:
    """The weekday nearest to day `target` of `day`'s month, never leaving the month (Quartz `W`)."""
    anchor = day.replace(day=target)
    if anchor.weekday() == 5:  # Saturday: Friday, or Monday when the 1st is a Saturday
        return target - 1 if target > 1 else target + 2
    if anchor.weekday() == 6:  # Sunday: Monday, or Friday when Sunday is the month's last day
        return target + 1 if target < _month_length(day) else target - 2
    return target


def _first_of_next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
