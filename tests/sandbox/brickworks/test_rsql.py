"""RSQL filters: parsed with their error positions, and run by the database (never in Python)."""

from __future__ import annotations

import pytest

from apps.sandbox.brickworks.rsql import RsqlError, Selector, to_q
from apps.sandbox.models import Flow

SELECTORS = {
    "id": Selector("id"),
    "title": Selector("title"),
    "active": Selector("is_active", "boolean"),
    "createdAt": Selector("created_at", "datetime"),
    "price": Selector("data__price", "number", json=True),
    "name": Selector("data__name", json=True),
    "flag": Selector("data__flag", "boolean", json=True),
}


@pytest.fixture
def flows(db: None) -> None:
    rows = [
        ("a", "Winter sale", True, {"price": 5, "name": "Boots", "flag": True}),
        ("b", "winter boots", True, {"price": 12.5, "name": "Scarf, red"}),
        ("c", "Summer", False, {"price": 0, "name": "Hat"}),
        ("d", "Spring sale", True, {}),
    ]
    for flow_id, title, active, data in rows:
        Flow.objects.create(id=flow_id, title=title, type="automation", is_active=active, data=data)


def ids(expression: str) -> set[str]:
    return set(Flow.objects.filter(to_q(expression, SELECTORS)).values_list("id", flat=True))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("", {"a", "b", "c", "d"}),
        ("title==Summer", {"c"}),
        ("title!=Summer", {"a", "b", "d"}),
        ("title==Winter*", {"a"}),
        ("title==*sale", {"a", "d"}),
        ("title==*in*", {"a", "b", "d"}),
        ("title==S*r", {"c"}),
        ("title=like=WINTER", {"a", "b"}),
        ("title=like=w*s", {"b"}),
        ("price>4", {"a", "b"}),
        ("price=ge=5;price=lt=12.5", {"a"}),
        ("price<=0", {"c"}),
        ("price==12.5", {"b"}),
        ("name=in=('Scarf, red',Hat)", {"b", "c"}),
        ('name=out=("Scarf, red")', {"a", "c", "d"}),
        ("name!=Hat", {"a", "b", "d"}),  # d has no name: not equal to Hat
        ("flag==true", {"a"}),
        ("price=isnull=true", {"d"}),
        ("active==false", {"c"}),
        ("createdAt>2000-01-01T00:00:00Z", {"a", "b", "c", "d"}),
        ("title==Summer,price>10;active==true", {"b", "c"}),  # ; binds tighter than ,
        ("(title==Summer,price>10);active==true", {"b"}),
        (" title == 'Winter sale' ", {"a"}),
    ],
)
def test_filters_select_rows(flows: None, expression: str, expected: set[str]) -> None:
    assert ids(expression) == expected


@pytest.mark.parametrize(
    ("expression", "position"),
    [
        ("(title==a", 9),
        ("title", 5),
        ("title=foo=a", 5),
        ("title==a;", 9),
        ("colour==red", 0),
        ("price==cheap", 7),
        ("title==a;price>x", 15),
        ("flag==maybe", 6),
        ("price=like=5", 11),
        ("active>true", 6),
        ("title==a)", 8),
    ],
)
def test_malformed_filters_name_the_position(expression: str, position: int) -> None:
    with pytest.raises(RsqlError) as caught:
        to_q(expression, SELECTORS)
    assert caught.value.position == position
    assert f"at position {position}" in str(caught.value)
