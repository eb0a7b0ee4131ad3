"""Text people wrote, shown safely: sanitized rich text, and insert tags as quiet chips."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.richtext import clean_html

register = template.Library()

# Matched on the escaped text, so the captured name can hold no markup (quotes are entities by then).
INSERT = re.compile(r"\{\{\s*([^{}<>]+?)\s*\}\}")


@register.filter
def sanitized(value: str | None) -> SafeString:
    """Rich text as HTML, through the same sanitizer as on the way in (older or API-written text too)."""
    return mark_safe(clean_html(value))  # nh3 has removed everything unsafe


@register.filter
def inserts(value: object) -> SafeString:
    """`Hi {{ customer.firstName }}` as `Hi <span class="insert">customer.firstName</span>`: escaped first."""
    escaped = str(conditional_escape("" if value is None else value))
    return mark_safe(  # escaped before the chips were added
        INSERT.sub(r'<span class="insert" title="Filled in for each customer">\1</span>', escaped)
    )


@register.filter
def plain_inserts(value: object) -> str:
    """The same for plain text (a page title): `Hi ‹customer.firstName›`, autoescaped as usual."""
    return re.sub(r"\{\{\s*([^{}]+?)\s*\}\}", r"‹\1›", "" if value is None else str(value))


@register.filter
def image_url(value: object) -> str:
    """The value when it is an address an <img> may show (http, https or a path on this site), else ""."""
    text = "" if value is None else str(value).strip()
    return text if re.match(r"^(https?://|/(?!/))", text, re.IGNORECASE) else ""
