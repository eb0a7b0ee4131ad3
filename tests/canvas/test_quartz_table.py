"""The dashboard's Quartz evaluator against a table of expressions with known next fires and refusals.

Each expected time was worked out by hand from a calendar (the comments say the facts it rests on).
Canvas evaluates in UTC (canvas.md §7.7); the rows with a zone check our wall-clock rule for other zones
(docs/api-decisions.md, "Quartz"): a time the clocks skip does not fire, a repeated time fires once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.canvas import quartz
from apps.sandbox.canvas import quartz as sandbox_quartz

WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")

UTC_TABLE = [
    # the doc's four (§8), and its QuinyxRandom sample: last run Tue 26 Apr 2022 06:00:28, next 3 May 02:00
    ("0 0 * ? * *", "2022-04-12T10:35:32", "2022-04-12T11:00:00"),
    ("0 0 0/1 ? * * *", "2022-04-12T23:59:59", "2022-04-13T00:00:00"),
    ("0 0 2,6 ? * TUE *", "2022-04-26T06:00:28.976", "2022-05-03T02:00:00"),
    ("0 0/5 * ? * * *", "2022-04-12T10:35:32", "2022-04-12T10:40:00"),
    ("0 0 2,6 ? * TUE *", "2022-05-03T02:00:00", "2022-05-03T06:00:00"),  # strictly after
    # fields, names (any case), ranges, steps, lists
    ("30 15 10 ? * MON-FRI", "2026-11-28T12:00:00", "2026-11-30T10:15:30"),  # Sat 28 Nov → Mon 30
    ("0 0 12 1 JAN,JUL ?", "2026-02-01T00:00:00", "2026-07-01T12:00:00"),
    ("*/20 * * ? * *", "2026-01-01T00:00:41", "2026-01-01T00:01:00"),
    ("10-12 0 0 ? * *", "2026-01-01T00:00:11", "2026-01-01T00:00:12"),
    ("0 0 8 ? * 1", "2026-11-30T09:00:00", "2026-12-06T08:00:00"),  # SUN=1: Sunday 6 Dec
    ("0 0 8 ? * sun", "2026-11-30T09:00:00", "2026-12-06T08:00:00"),
    ("0 0 12 ? JAN-MAR/2 MON", "2026-11-30T00:00:00", "2027-01-04T12:00:00"),  # Jan, Mar; 1 Jan 2027 a Fri
    ("0 59 23 31 DEC ? *", "2026-12-31T23:59:00", "2027-12-31T23:59:00"),
    ("0 0 0 31 * ?", "2026-04-01T00:00:00", "2026-05-31T00:00:00"),  # April has 30 days
    # leap years
    ("0 0 0 29 2 ? *", "2026-03-01T00:00:00", "2028-02-29T00:00:00"),
    ("0 0 0 29 FEB ?", "2028-02-29T00:00:00", "2032-02-29T00:00:00"),
    ("0 0 0 L 2 ?", "2027-01-01T00:00:00", "2027-02-28T00:00:00"),
    ("0 0 0 L * ?", "2028-02-01T00:00:00", "2028-02-29T00:00:00"),
    # L, L-n, W, LW, nL, L (Saturday), n#k
    ("0 0 0 L-2 * ?", "2026-04-01T00:00:00", "2026-04-28T00:00:00"),
    ("0 0 0 L-30 * ?", "2026-12-31T00:00:00", "2027-01-01T00:00:00"),
    ("0 0 0 15W * ?", "2026-08-01T00:00:00", "2026-08-14T00:00:00"),  # 15 Aug 2026 a Saturday: Friday
    ("0 0 0 1W * ?", "2026-07-31T00:00:00", "2026-08-03T00:00:00"),  # 1 Aug a Saturday: Monday the 3rd
    ("0 0 0 LW * ?", "2026-05-01T00:00:00", "2026-05-29T00:00:00"),  # 31 May 2026 a Sunday
    ("0 0 0 LW 2 ?", "2027-01-01T00:00:00", "2027-02-26T00:00:00"),  # 28 Feb 2027 a Sunday
    ("0 0 0 31W * ?", "2026-05-01T00:00:00", "2026-05-29T00:00:00"),  # the 31st a Sunday and the last day
    ("0 0 0 ? * 6L", "2026-11-01T00:00:00", "2026-11-27T00:00:00"),  # last Friday of Nov 2026
    ("0 0 0 ? * 1L", "2026-11-01T00:00:00", "2026-11-29T00:00:00"),  # last Sunday
    ("0 0 0 ? * L", "2026-11-30T00:00:00", "2026-12-05T00:00:00"),  # L alone: Saturday
    ("0 0 0 ? * MON#1", "2026-11-03T00:00:00", "2026-12-07T00:00:00"),  # 1 Dec 2026 a Tuesday
    ("0 15 10 ? * 6#3", "2026-11-30T00:00:00", "2026-12-18T10:15:00"),
    ("0 0 0 ? * 2#5", "2026-11-01T00:00:00", "2026-11-30T00:00:00"),  # Mondays 2, 9, 16, 23, 30
    ("0 0 0 ? * 2#5", "2026-11-30T00:00:00", "2027-03-29T00:00:00"),  # next month with five Mondays
    # the year field
    ("0 0 0 1 1 ? 2030", "2026-01-01T00:00:00", "2030-01-01T00:00:00"),
    ("0 0 0 1 1 ? 2028-2032/2", "2028-01-01T00:00:00", "2030-01-01T00:00:00"),
    ("0 0 0 1 1 ? 2001", "2026-01-01T00:00:00", None),  # its years are over
    ("0 0 0 30 2 ?", "2026-01-01T00:00:00", None),  # 30 February never comes
]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("expression", "after", "expected"), UTC_TABLE)
def test_the_next_fire_in_utc_is_the_one_worked_out_by_hand(
    expression: str, after: str, expected: str | None
) -> None:
    fire = quartz.parse(expression).next_after(utc(after))
    assert fire == (utc(expected) if expected else None)


@pytest.mark.parametrize(("expression", "after", "expected"), UTC_TABLE)
def test_the_sandbox_evaluator_agrees_on_the_table(expression: str, after: str, expected: str | None) -> None:
    assert sandbox_quartz.parse(expression).next_after(utc(after)) == (utc(expected) if expected else None)


ZONE_TABLE = [
    # Warsaw springs forward at 02:00 on Sun 28 Mar 2027: 02:30 does not exist that day
    ("0 30 2 ? * *", WARSAW, "2027-03-27T12:00:00+01:00", "2027-03-29T02:30:00+02:00"),
    # and falls back at 03:00 on Sun 25 Oct 2026: 02:30 happens twice and fires once, the first time
    ("0 30 2 ? * *", WARSAW, "2026-10-25T00:00:00+02:00", "2026-10-25T02:30:00+02:00"),
    ("0 30 2 ? * *", WARSAW, "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"),
    ("0 0 * ? * *", WARSAW, "2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00"),
    # New York springs forward at 02:00 on Sun 14 Mar 2027, falls back at 02:00 on Sun 1 Nov 2026
    ("0 30 2 ? * *", NEW_YORK, "2027-03-13T12:00:00-05:00", "2027-03-15T02:30:00-04:00"),
    ("0 30 1 ? * *", NEW_YORK, "2026-11-01T00:00:00-04:00", "2026-11-01T01:30:00-04:00"),
    ("0 30 1 ? * *", NEW_YORK, "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"),
    # starting inside the repeated hour (01:00 EST, the second one) still finds the next hour
    ("0 0 0/1 ? * *", NEW_YORK, "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"),
    ("0 0 0 29 2 ?", NEW_YORK, "2027-01-01T00:00:00-05:00", "2028-02-29T00:00:00-05:00"),
]


@pytest.mark.parametrize(("expression", "zone", "after", "expected"), ZONE_TABLE)
def test_the_next_fire_follows_the_wall_clock_of_a_zone(
    expression: str, zone: ZoneInfo, after: str, expected: str
) -> None:
    fire = quartz.parse(expression).next_after(datetime.fromisoformat(after), zone)
    want = datetime.fromisoformat(expected)
    # In UTC: Python never finds a repeated wall time equal to anything in another zone (PEP 495).
    assert fire is not None and fire.astimezone(UTC) == want.astimezone(UTC)
    assert (fire.replace(tzinfo=None), fire.utcoffset()) == (want.replace(tzinfo=None), want.utcoffset())


@pytest.mark.parametrize(
    ("expression", "zone", "after", "local_times"),
    [
        # Canvas keeps the UTC time, so a person's local time moves when their clocks change.
        (
            "0 0 5 ? * MON-FRI",
            WARSAW,
            "2027-03-25T06:00:00",
            ["2027-03-26 06:00 CET", "2027-03-29 07:00 CEST"],
        ),
        (
            "0 0 11 ? * MON-FRI",
            NEW_YORK,
            "2027-03-11T12:00:00",
            ["2027-03-12 06:00 EST", "2027-03-15 07:00 EDT"],
        ),
        ("0 0 4 ? * SUN", WARSAW, "2026-10-17T00:00:00", ["2026-10-18 06:00 CEST", "2026-10-25 05:00 CET"]),
    ],
)
def test_a_utc_schedule_moves_in_local_time_across_a_clock_change(
    expression: str, zone: ZoneInfo, after: str, local_times: list[str]
) -> None:
    fires = quartz.parse(expression).next_fires(utc(after), 2)
    assert [f.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") for f in fires] == local_times


INVALID = [
    (
        "0 0 * * * *",
        "Day of week (field 6, character 11): one of day of month and day of week must be '?' "
        "(Quartz does not combine them)",
    ),
    (
        "0 0 * ? * ?",
        "Day of week (field 6, character 11): '?' may stand in only one of day of month and "
        "day of week; give this one days",
    ),
    ("60 * * ? * *", "Seconds (field 1, character 1): 60 is outside 0-59"),
    ("0 0 5-2 ? * *", "Hours (field 3, character 5): the range 5-2 runs backwards; write it as two ranges"),
    ("0 0/0 * ? * *", "Minutes (field 2, character 5): the step 0 must be from 1 to 59"),
    ("0 0 0 ? FOO *", "Month (field 5, character 9): 'FOO' is not a number from 1 to 12 or a name JAN-DEC"),
    (
        "0 0 0 ? * MON#6",
        "Day of week (field 6, character 15): '#' must be followed by a number from 1 to 5, not '6'",
    ),
    ("0 0 0 32W * ?", "Day of month (field 4, character 7): 32 is outside 1-31"),
    ("0 0 0 ? * 8", "Day of week (field 6, character 11): 8 is outside 1-7"),
    ("0 0 0 ? * * 2100", "Year (field 7, character 13): 2100 is outside 1970-2099"),
    (
        "0 0 0 1,L * ?",
        "Day of month (field 4, character 7): L and W must stand alone in their field, not in "
        "a list, range or step",
    ),
    (
        "0 0 L ? * *",
        "Hours (field 3, character 5): 'L': L, W and # are allowed only in day of month and day of week",
    ),
    (
        "0 0 0 ? * MON,,FRI",
        "Day of week (field 6, character 15): an empty item in the list (two commas, or a comma at an end)",
    ),
    (
        "0 0 0 L-31 * ?",
        "Day of month (field 4, character 9): L-31: the offset from the last day must be 0-30",
    ),
    (
        "* * * *",
        "A Quartz expression has 6 or 7 fields (seconds, minutes, hours, day of month, month, day of "
        "week, and an optional year); this one has 4",
    ),
    ("0 0 0 ? * MON 2027 x", "A Quartz expression has at most 7 fields; the 8th starts at character 20"),
]


@pytest.mark.parametrize(("expression", "message"), INVALID)
def test_an_invalid_expression_is_refused_with_its_place_and_reason(expression: str, message: str) -> None:
    with pytest.raises(quartz.CronError) as refused:
        quartz.parse(expression)
    assert str(refused.value) == message


def test_the_table_has_at_least_forty_expressions() -> None:
    assert len(UTC_TABLE) + len(ZONE_TABLE) + 3 + len(INVALID) >= 40
