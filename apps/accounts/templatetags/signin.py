"""What the sign-in page says about sessions."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaultfilters import pluralize

register = template.Library()


@register.simple_tag
def idle_time() -> str:
    """How long a session lasts without activity: "12 hours"."""
    hours = settings.SESSION_IDLE_HOURS
    return f"{hours} hour{pluralize(hours)}"
