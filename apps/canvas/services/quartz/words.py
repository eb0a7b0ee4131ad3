"""A Quartz expression in plain words, by cron-descriptor (it reads seconds, `?`, L, W, # and years)."""

from __future__ import annotations

from cron_descriptor import ExpressionDescriptor, FormatError, Options

from apps.canvas.services.quartz.expression import Cron


def describe(cron: Cron) -> str:
    """`At 06:00, Monday through Friday`; the times are the expression's own (UTC for Canvas)."""
    options = Options()
    options.use_24hour_time_format = True
    options.day_of_week_start_index_zero = False  # Quartz: SUN=1 … SAT=7
    options.throw_exception_on_parse_error = True
    try:
        return str(ExpressionDescriptor(cron.text, options).get_description())
    except (FormatError, ValueError, IndexError, KeyError):
        # Our parser accepted it; say something true rather than nothing.
        return f"On the Quartz schedule {cron.text}"
