"""Content generation: a record's values as a profile sees them (spec §2.5; our rules in api-decisions.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import TemplateError

from apps.sandbox.brickworks import inserts

Resolver = Callable[[str, str], dict[str, Any] | None]
Fetcher = Callable[[str, dict[str, Any], dict[str, Any]], Any]
MISSING = object()


class GenerationError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def generate(
    fields: dict[str, dict[str, Any]],
    values: dict[str, Any],
    *,
    field_context: dict[str, Any] | None = None,
    profile: dict[str, Any] | None = None,
    context: list[str] | None = None,
    resolve_relation: Resolver = lambda app_id, record_id: None,
    fetch_external: Fetcher = lambda source, params, profile: None,
) -> dict[str, Any]:
    """Each schema field's value, first found of: fieldContext, the record, `default`, nested defaults.

    Stored values of fields the schema no longer has are ignored; fields with no value are left out.
    """
    field_context = field_context or {}
    profile = profile or {}
    insert_context = {"profile": profile, "customer": profile, "context": list(context or [])}
    out: dict[str, Any] = {}
    for name, definition in fields.items():
        value = field_context.get(name, values.get(name, MISSING))
        if value is MISSING or value is None:
            value = default_of(definition)
        if value is MISSING and definition["type"] == "external":
            value = {}  # an external source is called even without parameters
        if value is MISSING:
            continue
        if definition["type"] == "object" and isinstance(value, dict):
            value = {**nested_defaults(definition), **value}
        if definition["type"] == "relation":
            value = _relations(definition, value, resolve_relation)
            if value is None:
                continue
        elif definition["type"] == "external":
            value = fetch_external(definition["source"], value if isinstance(value, dict) else {}, profile)
        else:
            value = _render(definition, value, name, insert_context)
        out[name] = value
    return out


def default_of(definition: dict[str, Any]) -> Any:
    if "default" in definition:
        return definition["default"]
    if definition["type"] == "object":
        built = nested_defaults(definition)
        return built if built else MISSING
    return MISSING


def nested_defaults(definition: dict[str, Any]) -> dict[str, Any]:
    built = {}
    for key, sub in definition.get("properties", {}).items():
        value = default_of(sub)
        if value is not MISSING:
            built[key] = value
    return built


def _relations(definition: dict[str, Any], value: Any, resolve: Resolver) -> Any:
    if definition.get("multiple"):
        found = [resolve(definition["schema"], str(v)) for v in value if v] if isinstance(value, list) else []
        return [item for item in found if item is not None]
    return resolve(definition["schema"], str(value)) if value else None


def _render(definition: dict[str, Any], value: Any, path: str, context: dict[str, Any]) -> Any:
    """Render the inserts of text values, also inside lists and objects."""
    kind = definition["type"]
    if kind in ("text", "longtext", "richtext") and isinstance(value, str):
        try:
            return inserts.render(value, context, escape=kind == "richtext")
        except TemplateError as exc:  # the sandbox's SecurityError is one
            raise GenerationError(path, str(exc)) from exc
    if kind == "list" and isinstance(value, list):
        return [_render(definition["items"], item, f"{path}.{i}", context) for i, item in enumerate(value)]
    if kind == "object" and isinstance(value, dict):
        properties = definition.get("properties", {})
        return {
            key: _render(properties[key], item, f"{path}.{key}", context) if key in properties else item
            for key, item in value.items()
        }
    return value
