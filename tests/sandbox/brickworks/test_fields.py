"""Field definitions and record values: our format for the doc's collapsed `fields` object."""

from __future__ import annotations

from typing import Any

import pytest

from apps.sandbox.brickworks.fields import (
    FieldErrors,
    record_name,
    search_text,
    validate_definitions,
    validate_values,
)

FIELDS: dict[str, dict[str, Any]] = {
    "title": {"type": "text", "required": True, "maxLength": 10, "useAsRecordName": True, "searchable": True},
    "code": {"type": "text", "pattern": "[A-Z]{3}-\\d+"},
    "body": {"type": "richtext"},
    "notes": {"type": "longtext", "minLength": 2},
    "price": {"type": "number", "min": 0, "max": 100, "searchable": True},
    "count": {"type": "number", "integer": True},
    "active": {"type": "boolean"},
    "day": {"type": "date", "min": "2026-01-01"},
    "at": {"type": "datetime"},
    "color": {
        "type": "select",
        "options": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue"}],
    },
    "colors": {"type": "select", "multiple": True, "options": [{"value": "red", "label": "Red"}]},
    "link": {"type": "url"},
    "picture": {"type": "image"},
    "extra": {"type": "json"},
    "tags": {"type": "list", "items": {"type": "text", "maxLength": 5}, "maxItems": 2, "searchable": False},
    "banner": {"type": "object", "properties": {"text": {"type": "text"}, "size": {"type": "number"}}},
    "author": {"type": "relation", "schema": "authors"},
    "weather": {"type": "external", "source": "3f0c2a4e-8a8e-4a53-9d7c-0b7d2c1e0f11"},
}
RECORD = "3f0c2a4e-8a8e-4a53-9d7c-0b7d2c1e0f11"


def errors_of(values: dict[str, Any], **options: Any) -> dict[str, list[str]]:
    options.setdefault("require", True)
    with pytest.raises(FieldErrors) as caught:
        validate_values(FIELDS, values, **options)
    return caught.value.errors


def test_every_type_accepts_its_values() -> None:
    values = {
        "title": "Hi {{ a }}",
        "code": "ABC-12",
        "body": "<p>x</p>",
        "notes": "ok",
        "price": 9.5,
        "count": 3,
        "active": False,
        "day": "2026-02-01",
        "at": "2026-02-01T10:00:00+01:00",
        "color": "red",
        "colors": ["red"],
        "link": "https://example.test/a",
        "picture": "http://img.example.test/x.png",
        "extra": {"any": [1, "thing"]},
        "tags": ["a", "b"],
        "banner": {"text": "x", "size": 2},
        "author": RECORD,
        "weather": {"city": "Krakow"},
        "count_is_gone": None,
    }
    values.pop("count_is_gone")
    assert validate_values(FIELDS, {**values, "notes": None}, require=True) == {
        k: v for k, v in values.items() if k != "notes"
    }


@pytest.mark.parametrize(
    ("values", "path", "message"),
    [
        ({"title": "x" * 11}, "title", "Ensure this value has at most 10 characters (it has 11)."),
        ({"code": "abc-1"}, "code", "Enter a value that matches the pattern [A-Z]{3}-\\d+."),
        ({"notes": "x"}, "notes", "Ensure this value has at least 2 characters (it has 1)."),
        ({"price": 101}, "price", "Ensure this value is less than or equal to 100."),
        ({"price": True}, "price", "Enter a number."),
        ({"count": 1.5}, "count", "Enter a whole number."),
        ({"active": "yes"}, "active", "Enter true or false."),
        ({"day": "2025-12-31"}, "day", "Enter a date on or after 2026-01-01."),
        ({"day": "1/2/2026"}, "day", "Enter a date as YYYY-MM-DD."),
        (
            {"at": "2026-02-01T10:00:00"},
            "at",
            "Enter a date and time as ISO 8601 with a time zone, e.g. 2026-05-01T12:00:00Z.",
        ),
        ({"color": "pink"}, "color", "Select a valid choice. 'pink' is not one of the available choices."),
        ({"colors": ["red", "red"]}, "colors", "Select each choice once."),
        ({"link": "javascript:alert(1)"}, "link", "Enter a valid URL."),
        ({"tags": ["a", "b", "c"]}, "tags", "Ensure this list has at most 2 items."),
        ({"tags": ["toolong"]}, "tags.0", "Ensure this value has at most 5 characters (it has 7)."),
        ({"banner": {"size": "big"}}, "banner.size", "Enter a number."),
        ({"banner": {"colour": 1}}, "banner.colour", "Unknown field."),
        ({"author": "someone"}, "author", "Enter a record id."),
        ({"colour": "red"}, "colour", "Unknown field."),
        (
            {"body": "{{ unclosed"},
            "body",
            "The insert does not parse: unexpected end of template, "
            "expected 'end of print statement'. (line 1).",
        ),
    ],
)
def test_bad_values_get_clear_errors(values: dict[str, Any], path: str, message: str) -> None:
    assert errors_of({"title": "ok", **values})[path] == [message]


def test_required_fields_only_when_asked() -> None:
    assert errors_of({}) == {"title": ["This field is required."]}
    assert validate_values(FIELDS, {}, require=False) == {}


def test_without_limits_only_types_are_checked() -> None:
    assert validate_values(FIELDS, {"title": "x" * 50, "color": "pink"}, require=False, check_limits=False)
    assert errors_of({"price": "cheap"}, require=False, check_limits=False) == {"price": ["Enter a number."]}


def test_relations_must_exist() -> None:
    asked: list[tuple[str, str]] = []

    def exists(app_id: str, record_id: str) -> bool:
        asked.append((app_id, record_id))
        return False

    errors = errors_of({"title": "x", "author": RECORD}, relation_exists=exists)
    assert errors == {"author": [f"No record {RECORD} in schema authors."]}
    assert asked == [("authors", RECORD)]


@pytest.mark.parametrize(
    ("definitions", "path"),
    [
        ({"t": {"type": "colour"}}, "fields.t.type"),
        ({"t": {"type": "text", "colour": 1}}, "fields.t.colour"),
        ({"t": {"type": "text", "pattern": "("}}, "fields.t.pattern"),
        ({"t": {"type": "number", "min": 5, "max": 1}}, "fields.t.min"),
        ({"t": {"type": "json", "searchable": True}}, "fields.t.searchable"),
        ({"t": {"type": "select", "options": []}}, "fields.t.options"),
        ({"t": {"type": "list", "items": {"type": "list", "items": {"type": "text"}}}}, "fields.t.items"),
        ({"t": {"type": "text", "maxLength": 3, "default": "toolong"}}, "fields.t.default"),
        ({"t": {"type": "number", "useAsRecordName": True}}, "fields.t.useAsRecordName"),
        (
            {"a": {"type": "text", "useAsRecordName": True}, "b": {"type": "text", "useAsRecordName": True}},
            "fields",
        ),
        ({"__x": {"type": "text"}}, "fields.__x"),
        ({"t": {"type": "relation"}}, "fields.t.schema"),
        (
            {"t": {"type": "object", "properties": {"s": {"type": "text", "searchable": True}}}},
            "fields.t.properties.s.searchable",
        ),
    ],
)
def test_bad_definitions_are_refused(definitions: dict[str, Any], path: str) -> None:
    with pytest.raises(FieldErrors) as caught:
        validate_definitions(definitions)
    assert path in caught.value.errors, caught.value.errors


def test_definitions_keep_their_order() -> None:
    assert list(validate_definitions(FIELDS)) == list(FIELDS)


def test_record_names_and_search_text() -> None:
    assert record_name(FIELDS, {"title": "Boots"}, None) == "Boots"
    assert record_name(FIELDS, {"title": "Boots"}, "Given") == "Given"
    assert record_name(FIELDS, {}, None) == "Unnamed"
    assert search_text(FIELDS, {"title": "Boots", "price": 5, "body": "<p>not searchable</p>"}) == "boots\n5"
