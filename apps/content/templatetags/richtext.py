"""Rich text (a Brickworks `richtext` value) shown safely, and the image addresses a record holds."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.content.services.richtext import clean_html

register = template.Library()


@register.filter
def sanitized(value: str | None) -> SafeString:
    """Rich text as HTML, through the same sanitizer as on the way in (older or API-written text too)."""
    return mark_safe(clean_html(value))  # nh3 has removed everything unsafe


@register.filter
def image_url(value: object) -> str:
    """The value when it is an address an <img> may show (http, https or a path on this site), else ""."""
    text = "" if value is None else str(value).strip()
    return text if re.match(r"^(https?://|/(?!/))", text, re.IGNORECASE) else ""
