"""Saving a record without changing anything sends back exactly what was loaded (issue 14, item 10).

Hypothesis draws values of every Brickworks field type (apps/sandbox/brickworks/fields.py), the editor's
form shows them, the "browser" sends the form back as shown, and the values the form gives must be the
loaded ones, to the millisecond, the integer and the space.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.forms import CheckboxSelectMultiple, Textarea
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.content.client import Schema
from apps.content.forms.records import ValuesForm

OPTIONS = [{"value": "a", "label": "A"}, {"value": "b b", "label": "B"}, {"value": "c"}]
FIELDS: dict[str, dict[str, Any]] = {
    "text": {"type": "text"},
    "longtext": {"type": "longtext"},
    "richtext": {"type": "richtext"},
    "number": {"type": "number"},
    "whole": {"type": "number", "integer": True},
    "flag": {"type": "boolean"},
    "day": {"type": "date"},
    "moment": {"type": "datetime"},
    "choice": {"type": "select", "options": OPTIONS},
    "choices": {"type": "select", "options": OPTIONS, "multiple": True},
    "link": {"type": "url"},
    "picture": {"type": "image"},
    "tags": {"type": "list", "items": {"type": "text"}},
    "numbers": {"type": "list", "items": {"type": "number"}},
    "related": {"type": "relation", "schema": "home-banners"},
    "relateds": {"type": "relation", "schema": "home-banners", "multiple": True},
    "stock": {"type": "external", "source": "s1"},
    "extra": {"type": "json"},
    "nested": {"type": "object", "properties": {"x": {"type": "text"}}},
}
SCHEMA = Schema.model_validate(
    {"id": "s", "appId": "all-types", "displayName": "All types", "schemaType": "VERSIONED", "fields": FIELDS}
)

text = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=30)
lines = st.text(st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from("\n\t"), max_size=30)
number = st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(-(10**15), 10**15)
uuid = st.uuids().map(str)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=8,
)
VALUES = {
    "text": text,
    "longtext": lines,
    "richtext": lines.map(lambda t: f"<p>{t}</p>"),
    "number": number,
    "whole": st.integers(-(10**15), 10**15),
    "flag": st.booleans(),
    "day": st.dates().map(lambda d: d.isoformat()),
    "moment": st.datetimes(timezones=st.just(UTC)).map(
        lambda d: d.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    ),
    "choice": st.sampled_from(["a", "b b", "c"]),
    "choices": st.lists(st.sampled_from(["a", "b b", "c"]), unique=True, min_size=1),
    "link": st.sampled_from(["https://example.com/a?b=c", "http://x.test/", "https://example.com/ü"]),
    "picture": st.just("https://cdn.example.com/spring.png"),
    "tags": st.lists(text.filter(lambda t: "\n" not in t and "\r" not in t), min_size=1, max_size=4),
    "numbers": st.lists(number, max_size=3),
    "related": uuid,
    "relateds": st.lists(uuid, min_size=1, max_size=3),
    "stock": st.dictionaries(text, st.integers() | text, max_size=2),
    "extra": json_values,
    "nested": st.dictionaries(st.just("x"), text, max_size=1),
}
loaded_values = st.fixed_dictionaries({}, optional=VALUES)


def as_browser_sends(form: ValuesForm) -> dict[str, Any]:
    """What a browser posts for the form as shown: each widget's value, textareas with CRLF line ends."""
    data: dict[str, Any] = {}
    for bound in form:
        shown = bound.field.widget.format_value(bound.value())
        if isinstance(bound.field.widget, CheckboxSelectMultiple):
            data[bound.html_name] = shown or []
        elif isinstance(bound.field.widget, Textarea):
            data[bound.html_name] = (shown or "").replace("\n", "\r\n")
        elif isinstance(shown, list):  # a <select>: the chosen option
            data[bound.html_name] = shown[0] if shown else ""
        elif shown is not None:
            data[bound.html_name] = shown
    return data


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(values=loaded_values)
def test_it_sends_back_exactly_what_was_loaded_when_nothing_changed(values: dict[str, Any]) -> None:
    shown = ValuesForm(SCHEMA, values=values)
    sent = ValuesForm(SCHEMA, as_browser_sends(shown), values=values)
    assert sent.is_valid(), sent.errors
    assert sent.values() == {name: value for name, value in values.items() if value is not None}


def test_it_sends_a_changed_value_as_typed() -> None:
    values = {"moment": "2026-05-01T10:30:45.678Z", "whole": 5, "tags": [" b "]}
    data = as_browser_sends(ValuesForm(SCHEMA, values=values))
    data["values-moment"] = "2026-05-01T11:00"
    sent = ValuesForm(SCHEMA, data, values=values)
    assert sent.is_valid(), sent.errors
    assert sent.values() == {"moment": "2026-05-01T11:00:00Z", "whole": 5, "tags": [" b "]}


def test_the_issue_example_survives_a_save_without_changes() -> None:
    values = {"moment": "2026-05-01T10:30:45.678Z", "number": 5, "tags": [" b "]}
    sent = ValuesForm(SCHEMA, as_browser_sends(ValuesForm(SCHEMA, values=values)), values=values)
    assert sent.is_valid(), sent.errors
    assert sent.values() == values
