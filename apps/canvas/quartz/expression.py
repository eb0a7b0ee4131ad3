"""Quartz cron expressions as Canvas reads them (canvas.md §7.7, §8; docs/api-decisions.md, "Quartz").

`seconds minutes hours day-of-month month day-of-week [year]`: `*`, `?` in exactly one day field,
lists, ranges, `a/b` steps, JAN-DEC and SUN-SAT (SUN=1 … SAT=7, any case), and in the day fields
`L`, `L-n`, `nW`, `LW` (day of month) and `L`, `nL`, `n#k` (day of week). A refusal names the field, the
character where the trouble starts and the reason.

croniter (7.0.0) does not fit: it numbers weekdays from SUN=0 (`? * 1` is a Monday there) and refuses
`LW`, `nL` and `L-n`. The sandbox has its own evaluator (apps/sandbox/canvas/quartz.py); the two
are written apart so the tests can check one against the other.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
FIRST_YEAR, LAST_YEAR = 1970, 2099


@dataclass(frozen=True)
class Spec:
    label: str
    low: int
    high: int
    names: tuple[str, ...] = ()


FIELDS = (
    Spec("seconds", 0, 59),
    Spec("minutes", 0, 59),
    Spec("hours", 0, 23),
    Spec("day of month", 1, 31),
    Spec("month", 1, 12, MONTH_NAMES),
    Spec("day of week", 1, 7, DAY_NAMES),
    Spec("year", FIRST_YEAR, LAST_YEAR),
)


class CronError(ValueError):
    """An expression Quartz would refuse. `field` is 1-7 (0: the whole expression), `column` 1-based."""

    def __init__(self, reason: str, *, field: int = 0, column: int = 0) -> None:
        self.reason, self.field, self.column = reason, field, column
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.field:
            return self.reason[:1].upper() + self.reason[1:]
        label = FIELDS[self.field - 1].label
        return f"{label.capitalize()} (field {self.field}, character {self.column}): {self.reason}"


@dataclass(frozen=True)
class Token:
    text: str
    field: int
    column: int

    def fail(self, reason: str, offset: int = 0) -> CronError:
        return CronError(reason, field=self.field, column=self.column + offset)


@dataclass(frozen=True)
class Days:
    """Which days of a month fire: exactly one of the two day fields speaks, the other is `?`."""

    dom: frozenset[int] = frozenset()
    dow: frozenset[int] = frozenset()  # Quartz numbers, SUN=1
    last_day_offset: int | None = None  # L, L-n
    nearest_weekday: int | None = None  # nW; 0 for LW
    last_weekday_of: int | None = None  # nL (day of week)
    nth_weekday: tuple[int, int] | None = None  # n#k

    def of(self, year: int, month: int) -> list[int]:
        first_weekday, length = calendar.monthrange(year, month)  # Monday=0

        def quartz_day(day: int) -> int:
            return (first_weekday + day - 1 + 1) % 7 + 1

        if self.last_day_offset is not None:
            return [max(1, length - self.last_day_offset)]
        if self.nearest_weekday is not None:
            return [_nearest_weekday(year, month, self.nearest_weekday or length, length)]
        if self.last_weekday_of is not None:
            return [max(d for d in range(length - 6, length + 1) if quartz_day(d) == self.last_weekday_of)]
        if self.nth_weekday is not None:
            weekday, nth = self.nth_weekday
            first = next(d for d in range(1, 8) if quartz_day(d) == weekday)
            day = first + 7 * (nth - 1)
            return [day] if day <= length else []
        if self.dow:
            return [d for d in range(1, length + 1) if quartz_day(d) in self.dow]
        return [d for d in sorted(self.dom) if d <= length]


def _nearest_weekday(year: int, month: int, target: int, length: int) -> int:
    """Quartz `W`: the weekday nearest day `target` (clipped to the month), never leaving the month."""
    target = min(target, length)
    weekday = calendar.weekday(year, month, target)
    if weekday == 5:
        return target - 1 if target > 1 else target + 2
    if weekday == 6:
        return target + 1 if target < length else target - 2
    return target


@dataclass(frozen=True)
class Cron:
    text: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: tuple[int, ...]
    years: tuple[int, ...]
    days: Days

    def fires(self, after: datetime, zone: tzinfo = UTC) -> Iterator[datetime]:
        """The fires strictly after `after` (aware), in order, as aware datetimes in `zone`.

        Canvas evaluates in UTC; another zone follows its wall clock: a time the clocks skip does not
        fire, a time they repeat fires once, at its first occurrence.
        """
        moment = after.astimezone(zone)
        # Starting a little early finds the repeated hour's fires when `after` falls inside it.
        back = timedelta(0) if zone is UTC else timedelta(hours=3)
        for wall in self._walls(moment.replace(tzinfo=None, microsecond=0, fold=0) - back):
            fire = wall.replace(tzinfo=zone)
            if fire.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
                continue  # skipped by the clocks going forward
            if fire > after:
                yield fire

    def next_after(self, after: datetime, zone: tzinfo = UTC) -> datetime | None:
        return next(self.fires(after, zone), None)

    def next_fires(self, after: datetime, count: int, zone: tzinfo = UTC) -> list[datetime]:
        found: list[datetime] = []
        for fire in self.fires(after, zone):
            found.append(fire)
            if len(found) == count:
                break
        return found

    def _walls(self, start: datetime) -> Iterator[datetime]:
        """Wall-clock times that match, from `start` (naive) on, in order."""
        for year in self.years:
            if year < start.year:
                continue
            same_year = year == start.year
            for month in self.months:
                if same_year and month < start.month:
                    continue
                same_month = same_year and month == start.month
                for day in self.days.of(year, month):
                    if same_month and day < start.day:
                        continue
                    same_day = same_month and day == start.day
                    for hour in self.hours:
                        if same_day and hour < start.hour:
                            continue
                        same_hour = same_day and hour == start.hour
                        for minute in self.minutes:
                            if same_hour and minute < start.minute:
                                continue
                            same_minute = same_hour and minute == start.minute
                            for second in self.seconds:
                                if same_minute and second < start.second:
                                    continue
                                yield datetime(year, month, day, hour, minute, second)  # noqa: DTZ001


def parse(text: str) -> Cron:
    tokens = [
        Token(match.group(), number, match.start() + 1)
        for number, match in enumerate(re.finditer(r"\S+", text), start=1)
    ]
    if len(tokens) < 6:
        raise CronError(
            f"a Quartz expression has 6 or 7 fields (seconds, minutes, hours, day of month, month, "
            f"day of week, and an optional year); this one has {len(tokens)}"
        )
    if len(tokens) > 7:
        raise CronError(
            f"a Quartz expression has at most 7 fields; the 8th starts at character {tokens[7].column}",
            field=0,
        )
    dom, dow = tokens[3], tokens[5]
    if dom.text == "?" and dow.text == "?":
        raise dow.fail("'?' may stand in only one of day of month and day of week; give this one days")
    if dom.text != "?" and dow.text != "?":
        raise dow.fail("one of day of month and day of week must be '?' (Quartz does not combine them)")
    year = tokens[6] if len(tokens) == 7 else Token("*", 7, 0)
    return Cron(
        text=" ".join(t.text for t in tokens),
        seconds=tuple(sorted(_values(tokens[0]))),
        minutes=tuple(sorted(_values(tokens[1]))),
        hours=tuple(sorted(_values(tokens[2]))),
        months=tuple(sorted(_values(tokens[4]))),
        years=tuple(sorted(_values(year))),
        days=_day_of_month(dom) if dow.text == "?" else _day_of_week(dow),
    )


def _values(token: Token) -> set[int]:
    if token.text == "?":
        raise token.fail("'?' is allowed only in day of month or day of week")
    found: set[int] = set()
    offset = 0
    for item in token.text.split(","):
        if not item:
            raise token.fail("an empty item in the list (two commas, or a comma at an end)", offset)
        found |= _item(token, item.upper(), offset)
        offset += len(item) + 1
    return found


def _item(token: Token, item: str, offset: int) -> set[int]:
    spec = FIELDS[token.field - 1]
    base, slash, step_text = item.partition("/")
    if slash:
        at = offset + len(base) + 1
        if not step_text.isdigit():
            raise token.fail(f"'/' must be followed by a number, not '{step_text}'", at)
        step = int(step_text)
        if not 1 <= step <= spec.high:
            raise token.fail(f"the step {step} must be from 1 to {spec.high}", at)
    else:
        step = 1
    if base == "*":
        low, high = spec.low, spec.high
    elif "-" in base:
        first, _, last = base.partition("-")
        low = _number(token, first, offset)
        high = _number(token, last, offset + len(first) + 1)
        if low > high:
            raise token.fail(f"the range {first}-{last} runs backwards; write it as two ranges", offset)
    else:
        low = _number(token, base, offset)
        high = spec.high if slash else low
    return set(range(low, high + 1, step))


def _number(token: Token, text: str, offset: int) -> int:
    spec = FIELDS[token.field - 1]
    if spec.names and text in spec.names:
        return spec.names.index(text) + 1
    if not text.isdigit():
        kind = f"a number from {spec.low} to {spec.high}"
        if spec.names:
            kind += f" or a name {spec.names[0]}-{spec.names[-1]}"
        if re.fullmatch(r"\d*[LW]|LW|L-\d+|\w*#\w*", text):
            if token.field in (4, 6):
                raise token.fail(
                    f"'{text}' must stand alone in its field, not in a list, range or step", offset
                )
            raise token.fail(f"'{text}': L, W and # are allowed only in day of month and day of week", offset)
        raise token.fail(f"'{text}' is not {kind}", offset)
    value = int(text)
    if not spec.low <= value <= spec.high:
        raise token.fail(f"{value} is outside {spec.low}-{spec.high}", offset)
    return value


def _day_of_month(token: Token) -> Days:
    text = token.text.upper()
    if text == "L":
        return Days(last_day_offset=0)
    if text == "LW":
        return Days(nearest_weekday=0)
    if match := re.fullmatch(r"L-(\d+)", text):
        offset = int(match.group(1))
        if offset > 30:
            raise token.fail(f"L-{offset}: the offset from the last day must be 0-30", 2)
        return Days(last_day_offset=offset)
    if match := re.fullmatch(r"(\d+)W", text):
        return Days(nearest_weekday=_number(token, match.group(1), 0))
    if "L" in text or "W" in text:
        if "," in text or "-" in text or "/" in text:
            raise token.fail("L and W must stand alone in their field, not in a list, range or step")
        raise token.fail(f"'{token.text}' is not a day: use L, L-n, nW or LW")
    if "#" in text:
        raise token.fail("'#' belongs in day of week (e.g. MON#1), not day of month", text.index("#"))
    return Days(dom=frozenset(_values(token)))


def _day_of_week(token: Token) -> Days:
    text = token.text.upper()
    if text == "L":
        return Days(dow=frozenset({7}))
    if match := re.fullmatch(r"(\w+)L", text):
        return Days(last_weekday_of=_number(token, match.group(1), 0))
    if match := re.fullmatch(r"(\w+)#(\w*)", text):
        weekday = _number(token, match.group(1), 0)
        nth = match.group(2)
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            raise token.fail(
                f"'#' must be followed by a number from 1 to 5, not '{nth}'", text.index("#") + 1
            )
        return Days(nth_weekday=(weekday, int(nth)))
    return Days(dow=frozenset(_values(token)))
