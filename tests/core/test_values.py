from __future__ import annotations

import pytest

from apps.core.values import readable, word_diff


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (["winter", "coats"], "winter, coats"),
        (True, "Yes"),
        (False, "No"),
        ({"size": "M", "colour": ["red", "blue"]}, "size: M; colour: red, blue"),
        ([{"title": "A"}, {"title": "B"}], "title: A; title: B"),
        (None, ""),
        (3299.5, "3299.5"),
    ],
)
def test_a_value_reads_as_a_person_writes_it(value: object, text: str) -> None:
    assert readable(value) == text


def test_a_word_diff_marks_what_went_and_what_came() -> None:
    pieces = word_diff("Spring sale on all coats", "Winter sale on all warm coats")
    assert pieces == [
        ("del", "Spring"),
        ("ins", "Winter"),
        ("same", " sale on all "),
        ("ins", "warm "),
        ("same", "coats"),
    ]
    kept = "".join(text for op, text in pieces if op != "del")
    assert kept == "Winter sale on all warm coats"
