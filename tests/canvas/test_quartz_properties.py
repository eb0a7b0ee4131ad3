"""Generated Quartz expressions: each next fire matches the expression and nothing matches before it.

The matcher below reads the expression's text field by field with arithmetic (no sets, no ordering), so
it shares no code or method with the evaluator. The sandbox's evaluator, written apart, must agree too.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.canvas import quartz
from apps.canvas.quartz.words import describe
from apps.sandbox.canvas import quartz as sandbox_quartz

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


def plain(low: int, high: int, names: list[str] | None = None) -> st.SearchStrategy[str]:
    """`*`, a value, a range, a step, or a list of them."""

    def number(value: int) -> st.SearchStrategy[str]:
        if names:
            return st.sampled_from([str(value), names[value - low], names[value - low].lower()])
        return st.just(str(value))

    value = st.integers(low, high).flatmap(number)
    span = st.tuples(st.integers(low, high), st.integers(low, high)).map(sorted)
    ranged = span.flatmap(lambda ab: st.tuples(number(ab[0]), number(ab[1]))).map("-".join)
    step = st.integers(1, high)
    item = st.one_of(
        st.just("*"),
        value,
        ranged,
        st.tuples(st.sampled_from(["*"]) | value, step).map(lambda t: f"{t[0]}/{t[1]}"),
        st.tuples(ranged, step).map(lambda t: f"{t[0]}/{t[1]}"),
    )
    return st.one_of(item, st.lists(value | ranged, min_size=2, max_size=3).map(",".join))


DAY_OF_MONTH = st.one_of(
    plain(1, 31),
    st.just("L"),
    st.just("LW"),
    st.integers(0, 30).map(lambda n: f"L-{n}"),
    st.integers(1, 31).map(lambda n: f"{n}W"),
)
DAY_OF_WEEK = st.one_of(
    plain(1, 7, DAYS),
    st.just("L"),
    st.integers(1, 7).map(lambda n: f"{n}L"),
    st.tuples(st.integers(1, 7), st.integers(1, 5)).map(lambda t: f"{t[0]}#{t[1]}"),
)
YEAR = st.one_of(st.just(""), st.just(" *"), plain(2000, 2099).map(lambda y: f" {y}"))


@st.composite
def expressions(draw: st.DrawFn) -> str:
    by_month = draw(st.booleans())
    dom = draw(DAY_OF_MONTH) if by_month else "?"
    dow = "?" if by_month else draw(DAY_OF_WEEK)
    fields = [
        draw(plain(0, 59)),
        draw(plain(0, 59)),
        draw(plain(0, 23)),
        dom,
        draw(plain(1, 12, MONTHS)),
        dow,
    ]
    return " ".join(fields) + draw(YEAR)


def in_field(text: str, value: int, low: int, high: int, names: list[str] | None = None) -> bool:
    def number(token: str) -> int:
        return names.index(token.upper()) + low if names and token.upper() in names else int(token)

    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            first, last = low, high
        elif "-" in base:
            first, last = (number(part) for part in base.split("-"))
        else:
            first = number(base)
            last = high if step_text else first
        if first <= value <= last and (value - first) % step == 0:
            return True
    return False


def quartz_weekday(day: date) -> int:
    return day.isoweekday() % 7 + 1


def day_matches(dom: str, dow: str, day: date) -> bool:
    length = calendar.monthrange(day.year, day.month)[1]
    if dow == "?":
        if dom == "L":
            return day.day == length
        if dom.startswith("L-"):
            return day.day == max(1, length - int(dom[2:]))
        if dom.endswith("W"):
            target = length if dom == "LW" else min(int(dom[:-1]), length)
            weekdays = [d for d in range(1, length + 1) if date(day.year, day.month, d).weekday() < 5]
            return day.day == min(weekdays, key=lambda d: abs(d - target))
        return in_field(dom, day.day, 1, 31)
    if dow == "L":
        return quartz_weekday(day) == 7
    if dow.endswith("L"):
        return quartz_weekday(day) == int(dow[:-1]) and day.day > length - 7
    if "#" in dow:
        weekday, nth = (int(part) for part in dow.split("#"))
        return quartz_weekday(day) == weekday and (day.day - 1) // 7 == nth - 1
    return in_field(dow, quartz_weekday(day), 1, 7, DAYS)


class Matcher:
    def __init__(self, expression: str) -> None:
        parts = expression.split()
        self.second, self.minute, self.hour, self.dom, self.month, self.dow = parts[:6]
        self.year = parts[6] if len(parts) == 7 else "*"

    def day(self, day: date) -> bool:
        return (
            in_field(self.year, day.year, 1970, 2099)
            and in_field(self.month, day.month, 1, 12, MONTHS)
            and day_matches(self.dom, self.dow, day)
        )

    def __call__(self, moment: datetime) -> bool:
        return (
            self.day(moment.date())
            and in_field(self.hour, moment.hour, 0, 23)
            and in_field(self.minute, moment.minute, 0, 59)
            and in_field(self.second, moment.second, 0, 59)
        )


def first_match_by_scanning(matcher: Matcher, after: datetime, until: datetime) -> datetime | None:
    """The first matching second in (after, until], skipping a whole year, month, day, hour or minute that
    cannot match."""
    moment = after.replace(microsecond=0) + timedelta(seconds=1)
    while moment <= until:
        if not in_field(matcher.year, moment.year, 1970, 2099):
            moment = datetime(moment.year + 1, 1, 1, tzinfo=UTC)
        elif not in_field(matcher.month, moment.month, 1, 12, MONTHS):
            moment = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=UTC)
        elif not matcher.day(moment.date()):
            moment = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), UTC)
        elif not in_field(matcher.hour, moment.hour, 0, 23):
            moment = moment.replace(minute=0, second=0) + timedelta(hours=1)
        elif not in_field(matcher.minute, moment.minute, 0, 59):
            moment = moment.replace(second=0) + timedelta(minutes=1)
        elif matcher(moment):
            return moment
        else:
            moment += timedelta(seconds=1)
    return None


STARTS = st.datetimes(datetime(2020, 1, 1), datetime(2060, 12, 31)).map(lambda d: d.replace(tzinfo=UTC))


@settings(max_examples=200, deadline=None)
@given(expression=expressions(), after=STARTS)
def test_the_next_fire_matches_and_nothing_earlier_does(expression: str, after: datetime) -> None:
    cron = quartz.parse(expression)
    assert not describe(cron).startswith("On the Quartz schedule")  # cron-descriptor read it
    fire = cron.next_after(after)
    matcher = Matcher(expression)
    if fire is None:
        assert first_match_by_scanning(matcher, after, datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)) is None
        return
    assert fire > after
    assert matcher(fire), f"{fire} does not match {expression}"
    assert first_match_by_scanning(matcher, after, fire) == fire


@settings(max_examples=200, deadline=None)
@given(expression=expressions(), after=STARTS)
def test_the_sandbox_and_the_dashboard_agree_on_the_next_three_fires(
    expression: str, after: datetime
) -> None:
    ours = quartz.parse(expression).next_fires(after, 3)
    theirs: list[datetime] = []
    cron, moment = sandbox_quartz.parse(expression), after
    while len(theirs) < 3 and (moment := cron.next_after(moment)) is not None:
        theirs.append(moment)
    assert ours == theirs


ZONES = st.sampled_from(["Europe/Warsaw", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"])


@settings(max_examples=150, deadline=None)
@given(expression=expressions(), after=STARTS, zone_name=ZONES)
def test_in_a_zone_each_fire_is_a_real_wall_time_that_matches_once(
    expression: str, after: datetime, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    fires = quartz.parse(expression).next_fires(after, 5, zone)
    matcher = Matcher(expression)
    walls = [fire.replace(tzinfo=None) for fire in fires]
    for fire, wall in zip(fires, walls, strict=True):
        assert fire.astimezone(UTC) > after
        assert matcher(wall.replace(tzinfo=UTC)), f"{wall} does not match {expression}"
        assert fire.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall  # not skipped by the clocks
    assert walls == sorted(set(walls))  # in order, and a repeated hour fires once
    assert [f.astimezone(UTC) for f in fires] == sorted({f.astimezone(UTC) for f in fires})
