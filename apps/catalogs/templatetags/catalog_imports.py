from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.filter
def number(value: Any) -> str:
    """12345 as 12,345; nothing for a missing count."""
    try:
        return f"{int(float(value)):,}"
    except (TypeError, ValueError):
        return "0"
