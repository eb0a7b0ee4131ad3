"""The sandbox's Quartz cron (apps/sandbox/canvas/quartz.py): next fires in UTC, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.sandbox.canvas import quartz


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # the doc's four (§8)
        ("0 0 * ? * *", "2022-04-12 10:35:32", "2022-04-12 11:00:00"),
        ("0 0 0/1 ? * * *", "2022-04-12 23:59:59", "2022-04-13 00:00:00"),
        ("0 0 2,6 ? * TUE *", "2022-04-26 06:00:28", "2022-05-03 02:00:00"),
        ("0 0/5 * ? * * *", "2022-04-12 10:35:32", "2022-04-12 10:40:00"),
        # fields, names, ranges, steps, years
        ("30 15 10 ? * MON-FRI", "2026-11-28 12:00:00", "2026-11-30 10:15:30"),
        ("0 0 12 1 JAN,JUL ?", "2026-02-01 00:00:00", "2026-07-01 12:00:00"),
        ("0 0 0 29 2 ? *", "2026-03-01 00:00:00", "2028-02-29 00:00:00"),
        ("0 0 8 ? * 1", "2026-11-30 09:00:00", "2026-12-06 08:00:00"),
        ("0 0 0 1 1 ? 2030", "2026-01-01 00:00:00", "2030-01-01 00:00:00"),
        ("*/20 * * ? * *", "2026-01-01 00:00:41", "2026-01-01 00:01:00"),
        # L, L-n, W, LW, nL, n#k
        ("0 0 0 L * ?", "2028-02-01 00:00:00", "2028-02-29 00:00:00"),
        ("0 0 0 L-2 * ?", "2026-04-01 00:00:00", "2026-04-28 00:00:00"),
        ("0 0 0 15W * ?", "2026-08-01 00:00:00", "2026-08-14 00:00:00"),  # the 15th is a Saturday
        ("0 0 0 1W * ?", "2026-07-31 00:00:00", "2026-08-03 00:00:00"),  # the 1st is a Saturday: Monday
        ("0 0 0 LW * ?", "2026-05-01 00:00:00", "2026-05-29 00:00:00"),  # the 31st is a Sunday
        ("0 0 0 ? * 6L", "2026-11-01 00:00:00", "2026-11-27 00:00:00"),  # last Friday
        ("0 0 0 ? * MON#1", "2026-11-03 00:00:00", "2026-12-07 00:00:00"),
    ],
)
def test_the_next_fire_is_the_one_quartz_would_give(expression: str, after: str, expected: str) -> None:
    assert quartz.parse(expression).next_after(at(after)) == at(expected)


def test_an_expression_whose_years_are_over_never_fires() -> None:
    assert quartz.parse("0 0 0 1 1 ? 2001").next_after(at("2026-01-01 00:00:00")) is None


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("0 0 * * * *", "exactly one of day-of-month and day-of-week must be '?'"),
        ("0 0 * ? * ? *", "exactly one of day-of-month and day-of-week must be '?'"),
        ("60 * * ? * *", "seconds '60': 60 is outside 0-59"),
        ("0 0 5-2 ? * *", "hours '5-2': the range runs backwards"),
        ("0 0/0 * ? * *", "minutes '0/0': the step after '/' must be a positive number"),
        ("0 0 0 ? FOO *", "month 'FOO': 'FOO' is not a number or a name"),
        ("0 0 0 ? * MON#6", "day-of-week 'MON#6': the number after '#' must be 1-5"),
        ("0 0 0 32W * ?", "day-of-month '32W': 32 is outside 1-31"),
        ("* * * *", "expected 6 or 7 fields (seconds … day-of-week, then a year), got 4"),
    ],
)
def test_an_invalid_expression_is_refused_with_where_and_why(expression: str, reason: str) -> None:
    with pytest.raises(quartz.CronError) as refused:
        quartz.parse(expression)
    assert str(refused.value) == reason
