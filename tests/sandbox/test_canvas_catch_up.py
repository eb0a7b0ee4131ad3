"""The sandbox's catch-up of missed fires finds the last fire before a moment, checked against stepping
through every fire with the dashboard's evaluator (written apart)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.canvas import quartz
from apps.sandbox.canvas import runs

# Each expression with the longest gap between two of its fires (the oracle steps through that much).
GAPS = {
    "* * * ? * *": timedelta(seconds=1),
    "*/7 * * ? * *": timedelta(seconds=7),
    "0 * * ? * *": timedelta(minutes=1),
    "0 0/5 * ? * * *": timedelta(minutes=5),
    "0 0 * ? * *": timedelta(hours=1),
    "0 0 2,6 ? * TUE *": timedelta(days=7),
    "0 30 5 ? * MON-FRI": timedelta(days=3),
    "0 0 0 L * ?": timedelta(days=31),
    "0 0 12 15W * ?": timedelta(days=34),
    "0 0 9 ? * 6#3": timedelta(days=35),
    "0 0 0 29 2 ?": timedelta(days=366 * 8),
    "0 0 0 1 1 ? 2030": timedelta(days=366 * 8),
}


def last_by_stepping(cron: str, first: datetime, limit: datetime) -> datetime:
    """The last fire in [first, limit]: step through every fire of the last gap before `limit`."""
    start = max(first, limit - GAPS[cron])
    last = first
    for fire in quartz.parse(cron).fires(start - timedelta(microseconds=1)):
        if fire > limit:
            break
        last = fire
    return last


@settings(max_examples=150, deadline=None)
@given(
    cron=st.sampled_from(sorted(GAPS)),
    limit=st.datetimes(datetime(2026, 1, 1), datetime(2032, 12, 31)).map(lambda d: d.replace(tzinfo=UTC)),
    behind=st.timedeltas(timedelta(seconds=1), timedelta(days=3000)),
)
def test_the_last_missed_fire_is_the_last_fire_before_the_moment(
    cron: str, limit: datetime, behind: timedelta
) -> None:
    first = quartz.parse(cron).next_after(limit - behind)
    if first is None:
        return
    workflow: Any = SimpleNamespace(scheduler_frequency=json.dumps({"cronSchedule": cron}))
    found = runs._last_fire_until(workflow, first, limit)
    expected = first if first > limit else last_by_stepping(cron, first, limit)
    assert found == expected
