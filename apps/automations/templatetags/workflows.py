"""Workflow facts in words: capping, statuses as badges (durations: core's `times`, `seconds`)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.automations.client import Capping

register = template.Library()

PERIODS = [
    (365 * 86400, "year"),
    (30 * 86400, "month"),
    (7 * 86400, "week"),
    (86400, "day"),
    (3600, "hour"),
    (60, "minute"),
]


@register.filter
def capping(value: Capping | None) -> str:
    """ "At most 2 times a week", or "No limit" when the limit is 0 or missing."""
    if value is None or not value.limit:
        return "No limit: a customer may enter any number of times"
    times = "once" if value.limit == 1 else f"{value.limit} times"
    period = value.period.time_seconds if value.period else None
    if not period:
        return f"At most {times} per customer"
    for length, name in PERIODS:
        if period % length == 0:
            count = period // length
            return (
                f"At most {times} per customer every {name}"
                if count == 1
                else f"At most {times} per customer every {count} {name}s"
            )
    return f"At most {times} per customer every {period} seconds"


@register.filter
def tone(status: str) -> str:
    """The badge colour of a workflow, run or stage status (open strings: anything else is neutral)."""
    return {
        "Active": "ok",
        "Success": "ok",
        "Running": "running",
        "Pending": "running",
        "Scheduled": "running",
        "Starting": "running",
        "Draft": "running",
        "Paused": "warn",
        "Failed": "bad",
        "Error": "bad",
    }.get(status, "quiet")


@register.filter
def badge(status: str) -> SafeString:
    """A status as a badge in its tone (a filter, not an include: the list shows two a row)."""
    return format_html('<span class="badge tone-{}">{}</span>', tone(status), status)
