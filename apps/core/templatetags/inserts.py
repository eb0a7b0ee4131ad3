"""Insert tags in text people wrote (`Hi {{ customer.firstName }}`), shown as quiet chips."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Matched on the escaped text, so the captured name can hold no markup (quotes are entities by then).
INSERT = re.compile(r"\{\{\s*([^{}<>]+?)\s*\}\}")


@register.filter
def inserts(value: Any) -> SafeString:  # whatever the template holds
    """`Hi {{ customer.firstName }}` as `Hi <span class="insert">customer.firstName</span>`: escaped first."""
    escaped = str(conditional_escape("" if value is None else value))
    return mark_safe(  # escaped before the chips were added
        INSERT.sub(r'<span class="insert" title="Filled in for each customer">\1</span>', escaped)
    )


@register.filter
def plain_inserts(value: object) -> str:
    """The same for plain text (a page title): `Hi ‹customer.firstName›`, autoescaped as usual."""
    return re.sub(r"\{\{\s*([^{}]+?)\s*\}\}", r"‹\1›", "" if value is None else str(value))
