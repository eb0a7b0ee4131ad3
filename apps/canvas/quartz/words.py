"""A Quartz expression in plain words, by cron-descriptor (it reads seconds, `?`, L, W, # and years)."""

from __future__ import annotations

import re

from cron_descriptor import ExpressionDescriptor, FormatError, Options

from apps.canvas.quartz.expression import LAST_YEAR, Cron


def describe(cron: Cron) -> str:
    """`At 06:00, Monday through Friday`; the times are the expression's own (UTC for Canvas)."""
    options = Options()
    options.use_24hour_time_format = True
    options.day_of_week_start_index_zero = False  # Quartz: SUN=1 … SAT=7
    options.throw_exception_on_parse_error = True
    try:
        return str(ExpressionDescriptor(_for_descriptor(cron.text), options).get_description())
    except (FormatError, ValueError, IndexError, KeyError):
        # Our parser accepted it; say something true rather than nothing.
        return f"On the Quartz schedule {cron.text}"


def _for_descriptor(text: str) -> str:
    """Spell out what cron-descriptor reads otherwise: `L` alone in day of week is Saturday, and a year
    step runs to our last year, not 9999."""
    fields = text.split()
    if fields[5].upper() == "L":
        fields[5] = "7"
    if len(fields) == 7:
        fields[6] = re.sub(r"^(\d+)/(\d+)$", rf"\1-{LAST_YEAR}/\2", fields[6])
    return " ".join(fields)
