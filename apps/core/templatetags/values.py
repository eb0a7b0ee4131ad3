"""`{{ value|readable }}`: a stored value as a person reads it (apps/core/values.py)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.core import values

register = template.Library()


@register.filter
def readable(value: Any) -> str:
    return values.readable(value)
