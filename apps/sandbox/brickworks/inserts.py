"""Jinja inserts in text values (`{{ customer.firstName }}`), rendered in a sandbox."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

ENVIRONMENT = ImmutableSandboxedEnvironment(autoescape=False)
ESCAPING = ImmutableSandboxedEnvironment(autoescape=True)


def has_insert(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


@lru_cache(maxsize=512)
def _compile(source: str, escape: bool) -> Template:
    return (ESCAPING if escape else ENVIRONMENT).from_string(source)


def render(source: str, context: dict[str, Any], *, escape: bool = False) -> str:
    """The text with its inserts rendered; unknown names render empty. Raises Jinja's errors."""
    if not has_insert(source):
        return source
    return _compile(source, escape).render(context)
