"""Presets write the UTC expression for a time in the person's zone; the words come from cron-descriptor."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from apps.canvas import quartz
from apps.canvas.quartz.presets import Preset, has_clock_changes, write
from apps.canvas.quartz.words import describe
from apps.canvas.services.schedule import in_words

WINTER, SUMMER = date(2026, 11, 30), date(2027, 6, 14)  # both Mondays


@pytest.mark.parametrize(
    ("preset", "zone", "today", "cron", "shift"),
    [
        (Preset("minutes", every=15), "Europe/Warsaw", WINTER, "0 0/15 * ? * *", 0),
        (Preset("hourly", at=time(0, 20)), "Europe/Warsaw", WINTER, "0 20 * ? * *", 0),
        (Preset("hourly", at=time(0, 0)), "Asia/Kolkata", WINTER, "0 30 * ? * *", 0),  # UTC+05:30
        (Preset("daily", at=time(6, 0)), "Europe/Warsaw", WINTER, "0 0 5 ? * *", 0),
        (Preset("daily", at=time(6, 0)), "Europe/Warsaw", SUMMER, "0 0 4 ? * *", 0),
        (Preset("weekdays", at=time(6, 0)), "Europe/Warsaw", WINTER, "0 0 5 ? * MON-FRI", 0),
        (Preset("weekdays", at=time(6, 0)), "America/New_York", WINTER, "0 0 11 ? * MON-FRI", 0),
        (Preset("weekdays", at=time(6, 0)), "Asia/Tokyo", WINTER, "0 0 21 ? * SUN-THU", -1),
        (Preset("weekdays", at=time(21, 0)), "America/Los_Angeles", WINTER, "0 0 5 ? * TUE-SAT", 1),
        (Preset("weekly", at=time(0, 30), day=2), "Europe/Warsaw", WINTER, "0 30 23 ? * SUN", -1),
        (Preset("weekly", at=time(9, 0), day=7), "UTC", WINTER, "0 0 9 ? * SAT", 0),
    ],
)
def test_a_preset_writes_the_utc_expression(
    preset: Preset, zone: str, today: date, cron: str, shift: int
) -> None:
    written = write(preset, ZoneInfo(zone), today)
    assert (written.cron, written.day_shift) == (cron, shift)
    quartz.parse(written.cron)


def test_weekdays_at_six_in_tokyo_fire_at_six_tokyo_time_on_weekdays() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    cron = quartz.parse(write(Preset("weekdays", at=time(6, 0)), tokyo, WINTER).cron)
    local = [f.astimezone(tokyo) for f in cron.next_fires(datetime(2026, 11, 29, tzinfo=UTC), 10)]
    assert {(f.hour, f.minute) for f in local} == {(6, 0)}
    assert {f.isoweekday() for f in local} == {1, 2, 3, 4, 5}


def test_zones_with_summer_time_are_told_apart_from_those_without() -> None:
    start = datetime(2026, 11, 30, tzinfo=UTC)
    assert has_clock_changes(ZoneInfo("Europe/Warsaw"), start)
    assert has_clock_changes(ZoneInfo("America/New_York"), start)
    assert not has_clock_changes(ZoneInfo("Asia/Tokyo"), start)
    assert not has_clock_changes(UTC, start)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("0 0 * ? * *", "Every hour"),
        ("0 0 0/1 ? * * *", "Every hour"),
        ("0 0 2,6 ? * TUE *", "At 02:00 and 06:00, only on Tuesday"),
        ("0 0/5 * ? * * *", "Every 5 minutes"),
        ("0 0 5 ? * MON-FRI", "At 05:00, Monday through Friday"),
        ("0 0 8 ? * 1", "At 08:00, only on Sunday"),  # Quartz: SUN=1
        ("0 0 0 LW * ?", "At 00:00, on the last weekday of the month"),
        ("0 0 0 ? * 6L", "At 00:00, on the last Friday of the month"),
        ("0 15 10 ? * 6#3 2027-2029", "At 10:15, on the third Friday of the month, 2027 through 2029"),
        ("0 0 0 ? * L", "At 00:00, only on Saturday"),  # L alone in day of week
        (
            "0 0 0 1 1 ? 2030/5",
            "At 00:00, on day 1 of the month, only in January, every 5 years, 2030 through 2099",
        ),
    ],
)
def test_an_expression_is_said_in_plain_words(expression: str, words: str) -> None:
    assert describe(quartz.parse(expression)) == words


def test_a_stored_expression_is_summed_up_for_lists() -> None:
    assert in_words("0 0 2,6 ? * TUE *") == "At 02:00 and 06:00, only on Tuesday (UTC)"
    assert in_words("not a cron") == ""
    assert in_words(None) == ""
