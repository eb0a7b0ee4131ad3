"""How often a page that follows work asks again: `hx-trigger="every {% poll 2 %}s"`."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def poll(seconds: float) -> str:
    """The interval in seconds, times PAGE_POLL_SCALE (1; the browser tests shorten every wait at once)."""
    scaled = seconds * float(getattr(settings, "PAGE_POLL_SCALE", 1.0))
    return f"{scaled:g}"
