"""Times as people plan them: in their own zone, with UTC next to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, strip_tags
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(value: datetime | None) -> str:
    """`5 minutes ago`, and `just now` under a minute (never `0 minutes ago`)."""
    if value is None:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value)} ago"


@register.filter
def seconds(value: float | None) -> str:
    """1 h 4 min, 3 min 12 s, 8 s, under a second (never 0 s)."""
    if value is None:
        return ""
    if value < 1:
        return "under a second"
    total = int(round(value))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


@register.simple_tag
def both_times(value: datetime | None) -> str:
    """`25 Nov 2026, 14:00 CET · 13:00 UTC` in a <time> element; only local when the zone is UTC."""
    if value is None:
        return ""
    try:
        local = timezone.localtime(value)
    except OverflowError:
        # The person's zone would pass the year 9999 (or 1): UTC alone, and said so.
        shown = date_format(value.astimezone(UTC), "j M Y, H:i") + " UTC"
        return format_html('<time datetime="{}">{}</time>', _iso(value), shown)
    shown = date_format(local, "j M Y, H:i T")
    iso = _iso(value)
    if (
        local.utcoffset() == value.astimezone(UTC).utcoffset()
        and timezone.get_current_timezone_name() == "UTC"
    ):
        return format_html('<time datetime="{}">{}</time>', iso, shown)
    utc = date_format(value.astimezone(UTC), "H:i") + " UTC"
    if local.date() != value.astimezone(UTC).date():
        utc = date_format(value.astimezone(UTC), "j M, H:i") + " UTC"
    return format_html('<time datetime="{}">{}</time> <span class="muted">· {}</span>', iso, shown, utc)


@register.simple_tag
def zone_label() -> str:
    """The person's zone and its current offset, e.g. `Europe/Warsaw (UTC+01:00)`."""
    offset = timezone.localtime().strftime("%z")
    return f"{timezone.get_current_timezone_name()} (UTC{offset[:3]}:{offset[3:]})"


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def localtime(value: datetime) -> datetime | None:
    """`value` in the person's zone, or None where that zone would pass the year 9999 (or 1)."""
    try:
        return timezone.localtime(value)
    except OverflowError:
        return None


def plain_times(value: datetime) -> str:
    """The both_times text without markup, for messages."""
    return strip_tags(both_times(value))
