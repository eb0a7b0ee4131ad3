"""Brickworks field definitions (ours: docs/api-decisions.md, "Field definitions") and record values.

The doc leaves the format of a schema's `fields` open; this module is its one definition.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlparse

from django.utils.dateparse import parse_datetime
from jinja2 import TemplateSyntaxError

from apps.sandbox.brickworks.inserts import ENVIRONMENT, has_insert

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
TEXT_TYPES = ("text", "longtext", "richtext")
SEARCHABLE_TYPES = (*TEXT_TYPES, "number", "select", "url", "date", "datetime")
COMMON_KEYS = {"type", "label", "help", "required", "searchable", "useAsRecordName", "default"}
TYPE_KEYS: dict[str, set[str]] = {
    "text": {"minLength", "maxLength", "pattern"},
    "longtext": {"minLength", "maxLength"},
    "richtext": {"maxLength"},
    "number": {"min", "max", "integer"},
    "boolean": set(),
    "date": {"min", "max"},
    "datetime": set(),
    "select": {"options", "multiple"},
    "url": set(),
    "image": set(),
    "json": set(),
    "list": {"items", "minItems", "maxItems"},
    "object": {"properties"},
    "relation": {"schema", "multiple"},
    "external": {"source"},
}
TEXT_MAX = 1000
RelationCheck = Callable[[str, str], bool]


class FieldErrors(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Problems:
    """Collects every problem under its dotted path, so a client sees them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


# Definitions


def validate_definitions(fields: object) -> dict[str, dict[str, Any]]:
    """The definitions, checked; FieldErrors lists every problem ("fields.<name>.<key>")."""
    problems = Problems()
    if not isinstance(fields, dict):
        raise FieldErrors({"fields": ["Fields are an object of field name to definition."]})
    _check_definitions(fields, "fields", problems, top=True)
    if sum(1 for d in fields.values() if isinstance(d, dict) and d.get("useAsRecordName")) > 1:
        problems.add("fields", "Only one field can be used as the record name.")
    problems.raise_any()
    return {name: dict(definition) for name, definition in fields.items()}


def _check_definitions(fields: dict[str, Any], path: str, problems: Problems, *, top: bool) -> None:
    for name, definition in fields.items():
        where = f"{path}.{name}"
        if not NAME.fullmatch(str(name)):
            problems.add(
                where, "A field name starts with a letter and holds letters, digits and _ (64 at most)."
            )
        _check_definition(definition, where, problems, top=top)


def _check_definition(
    definition: Any, path: str, problems: Problems, *, top: bool, in_list: bool = False
) -> None:
    if not isinstance(definition, dict):
        problems.add(path, "A field definition is an object with a type.")
        return
    kind = definition.get("type")
    if kind not in TYPE_KEYS:
        problems.add(f"{path}.type", f"Unknown field type {kind!r}; use one of {', '.join(TYPE_KEYS)}.")
        return
    for key in sorted(set(definition) - COMMON_KEYS - TYPE_KEYS[kind]):
        problems.add(f"{path}.{key}", f"Unknown key for a {kind} field.")
    if definition.get("searchable") and (not top or kind not in SEARCHABLE_TYPES):
        problems.add(f"{path}.searchable", f"A {kind} field here can't be searchable.")
    if definition.get("useAsRecordName") and (not top or kind != "text"):
        problems.add(f"{path}.useAsRecordName", "Only a top-level text field can be the record name.")
    _check_limits(definition, path, problems)
    if kind == "text" and "pattern" in definition:
        try:
            re.compile(str(definition["pattern"]))
        except re.error as exc:
            problems.add(f"{path}.pattern", f"Not a valid regular expression: {exc}.")
    if kind == "select":
        options = definition.get("options")
        values = [o.get("value") for o in options if isinstance(o, dict)] if isinstance(options, list) else []
        if not values or len(values) != len(options) or not all(isinstance(v, str) for v in values):  # type: ignore[arg-type]  # list: values is
            problems.add(f"{path}.options", "A select needs a list of options, each {value, label}.")
        elif len(set(values)) != len(values):
            problems.add(f"{path}.options", "Option values must be unique.")
    if kind == "list":
        items = definition.get("items")
        if isinstance(items, dict) and items.get("type") == "list":
            problems.add(f"{path}.items", "A list can't hold lists.")
        else:
            _check_definition(items, f"{path}.items", problems, top=False, in_list=True)
    if kind == "object":
        properties = definition.get("properties")
        if not isinstance(properties, dict) or not properties:
            problems.add(f"{path}.properties", "An object field needs its properties.")
        else:
            _check_definitions(properties, f"{path}.properties", problems, top=False)
    if kind == "relation" and not isinstance(definition.get("schema"), str):
        problems.add(f"{path}.schema", "A relation names the appId of its schema.")
    if kind == "external" and not _is_uuid(definition.get("source")):
        problems.add(f"{path}.source", "An external field names the id of its external source.")
    if "default" in definition and not problems.errors:
        default_problems = Problems()
        _check_value(definition, definition["default"], f"{path}.default", default_problems, limits=True)
        for where, messages in default_problems.errors.items():
            for message in messages:
                problems.add(where, message)


def _check_limits(definition: dict[str, Any], path: str, problems: Problems) -> None:
    for low, high in (("minLength", "maxLength"), ("min", "max"), ("minItems", "maxItems")):
        for key in (low, high):
            if key in definition:
                value = definition[key]
                ok = _is_number(value) if definition["type"] == "number" else _is_count(value)
                if definition["type"] == "date":
                    ok = _parse_date(value) is not None
                if not ok:
                    problems.add(f"{path}.{key}", "Not a valid limit.")
        bad = problems.errors.get(f"{path}.{low}") or problems.errors.get(f"{path}.{high}")
        if low in definition and high in definition and not bad and definition[low] > definition[high]:
            problems.add(f"{path}.{low}", f"{low} is larger than {high}.")


# Values


def validate_values(
    fields: dict[str, dict[str, Any]],
    values: object,
    *,
    require: bool,
    check_limits: bool = True,
    relation_exists: RelationCheck | None = None,
) -> dict[str, Any]:
    """The values to store (null means "not set" and is dropped); FieldErrors lists every problem."""
    problems = Problems()
    if not isinstance(values, dict):
        raise FieldErrors({"": ["Values are an object of field name to value."]})
    for name in values:
        if name not in fields:
            problems.add(name, "Unknown field.")
    clean = {name: value for name, value in values.items() if value is not None and name in fields}
    for name, definition in fields.items():
        if name not in clean:
            if require and definition.get("required"):
                problems.add(name, "This field is required.")
            continue
        _check_value(
            definition, clean[name], name, problems, limits=check_limits, relation_exists=relation_exists
        )
    problems.raise_any()
    return clean


def _check_value(
    definition: dict[str, Any],
    value: Any,
    path: str,
    problems: Problems,
    *,
    limits: bool,
    relation_exists: RelationCheck | None = None,
) -> None:
    kind = definition["type"]
    message = CHECKS[kind](definition, value, limits)
    if message:
        problems.add(path, message)
        return
    if kind == "list":
        for index, item in enumerate(value):
            _check_value(
                definition["items"],
                item,
                f"{path}.{index}",
                problems,
                limits=limits,
                relation_exists=relation_exists,
            )
    elif kind == "object":
        for key in value:
            if key not in definition["properties"]:
                problems.add(f"{path}.{key}", "Unknown field.")
        for key, sub in definition["properties"].items():
            if value.get(key) is not None:
                _check_value(
                    sub, value[key], f"{path}.{key}", problems, limits=limits, relation_exists=relation_exists
                )
    elif kind == "relation" and relation_exists is not None:
        for record_id in value if isinstance(value, list) else [value]:
            if not relation_exists(definition["schema"], record_id):
                problems.add(path, f"No record {record_id} in schema {definition['schema']}.")


def _text(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    if not isinstance(value, str):
        return "Enter a text."
    if has_insert(value):
        try:
            ENVIRONMENT.parse(value)
        except TemplateSyntaxError as exc:
            return f"The insert does not parse: {exc.message} (line {exc.lineno})."
    if not limits:
        return None
    maximum = definition.get("maxLength", TEXT_MAX if definition["type"] == "text" else None)
    if maximum is not None and len(value) > maximum:
        return f"Ensure this value has at most {maximum} characters (it has {len(value)})."
    if len(value) < definition.get("minLength", 0):
        return f"Ensure this value has at least {definition['minLength']} characters (it has {len(value)})."
    if "pattern" in definition and not re.fullmatch(definition["pattern"], value):
        return f"Enter a value that matches the pattern {definition['pattern']}."
    return None


def _number(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    if not _is_number(value):
        return "Enter a number."
    if definition.get("integer") and not float(value).is_integer():
        return "Enter a whole number."
    if limits and "min" in definition and value < definition["min"]:
        return f"Ensure this value is greater than or equal to {definition['min']}."
    if limits and "max" in definition and value > definition["max"]:
        return f"Ensure this value is less than or equal to {definition['max']}."
    return None


def _boolean(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    return None if isinstance(value, bool) else "Enter true or false."


def _date(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    parsed = _parse_date(value)
    if parsed is None:
        return "Enter a date as YYYY-MM-DD."
    if limits and "min" in definition and parsed < _parse_date(definition["min"]):  # type: ignore[operator]  # checked on save
        return f"Enter a date on or after {definition['min']}."
    if limits and "max" in definition and parsed > _parse_date(definition["max"]):  # type: ignore[operator]  # checked on save
        return f"Enter a date on or before {definition['max']}."
    return None


def _datetime(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        return "Enter a date and time as ISO 8601 with a time zone, e.g. 2026-05-01T12:00:00Z."
    return None


def _select(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    chosen = value if definition.get("multiple") else [value]
    if not isinstance(chosen, list) or not all(isinstance(v, str) for v in chosen):
        return "Select from the list." if not definition.get("multiple") else "Select a list of choices."
    if definition.get("multiple") and len(set(chosen)) != len(chosen):
        return "Select each choice once."
    if limits:
        allowed = {option["value"] for option in definition["options"]}
        for item in chosen:
            if item not in allowed:
                return f"Select a valid choice. {item!r} is not one of the available choices."
    return None


def _url(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    if not isinstance(value, str) or len(value) > 2048:
        return "Enter a valid URL."
    parsed = urlparse(value)
    return None if parsed.scheme in ("http", "https") and parsed.netloc else "Enter a valid URL."


def _list(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    if not isinstance(value, list):
        return "Enter a list."
    if limits and len(value) < definition.get("minItems", 0):
        return f"Ensure this list has at least {definition['minItems']} items."
    if limits and "maxItems" in definition and len(value) > definition["maxItems"]:
        return f"Ensure this list has at most {definition['maxItems']} items."
    return None


def _object(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    return None if isinstance(value, dict) else "Enter an object."


def _relation(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    ids = value if definition.get("multiple") else [value]
    if not isinstance(ids, list) or not all(_is_uuid(i) for i in ids):
        return "Enter record ids." if definition.get("multiple") else "Enter a record id."
    return None


def _external(definition: dict[str, Any], value: Any, limits: bool) -> str | None:
    return None if isinstance(value, dict) else "Enter the request parameters as an object."


CHECKS: dict[str, Callable[[dict[str, Any], Any, bool], str | None]] = {
    "text": _text,
    "longtext": _text,
    "richtext": _text,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "select": _select,
    "url": _url,
    "image": _url,
    "json": lambda definition, value, limits: None,
    "list": _list,
    "object": _object,
    "relation": _relation,
    "external": _external,
}


def record_name(fields: dict[str, dict[str, Any]], values: dict[str, Any], name: str | None) -> str:
    """`name`; else the value of the useAsRecordName field; else "Unnamed" (spec §5 rule 9)."""
    if name:
        return name
    for field, definition in fields.items():
        value = values.get(field)
        if definition.get("useAsRecordName") and isinstance(value, str) and value:
            return value
    return "Unnamed"


def search_text(fields: dict[str, dict[str, Any]], values: dict[str, Any]) -> str:
    """The searchable fields' values, lower-cased, one per line: what `search` looks in."""
    parts: list[str] = []
    for field, definition in fields.items():
        if definition.get("searchable") and values.get(field) is not None:
            value = values[field]
            parts.extend(str(v) for v in value) if isinstance(value, list) else parts.append(str(value))
    return "\n".join(parts).lower()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
