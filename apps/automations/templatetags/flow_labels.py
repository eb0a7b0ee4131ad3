"""Words for the flows API's code values (`onEvent`, `eq`, `selfServiceAction`) where a person reads them."""

from __future__ import annotations

import json
from typing import Any

from django import template

from apps.automations.forms.flows import ACTION_TYPES, EVENT_ACTIONS, OPERATORS, RESOURCES, TRIGGER_TYPES
from apps.automations.services.flows import TYPE_LABELS

register = template.Library()

LABELS = {
    "type": TYPE_LABELS,
    "trigger": TRIGGER_TYPES,
    "resource": RESOURCES,
    "event": EVENT_ACTIONS,
    "action": ACTION_TYPES,
    "operator": OPERATORS,
}


@register.filter
def flow_label(value: Any, kind: str) -> str:
    """The words for `value`, or the value itself when the service sends one we do not know."""
    if value is None:
        return ""
    return LABELS.get(kind, {}).get(str(value), str(value))


@register.filter
def event_words(actions: list[str]) -> str:
    """["create", "update"] -> "is created or is updated"."""
    return " or ".join(flow_label(action, "event") for action in actions) or "changes"


@register.filter
def as_json(value: Any) -> str:
    """The explicit JSON view of a value the doc leaves open (arguments, outputs, a suggestion's change)."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


@register.filter
def plain(value: Any) -> str:
    """A state's value in words: text as it is, yes/no, empty; lists and objects as compact JSON."""
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
