from __future__ import annotations

import json

import pytest

from apps.catalogs.services import dryrun


@pytest.mark.parametrize(
    "text",
    [
        '{"tags": ["a", "b"], "weight": 5}',
        '[1.5, -0.0, 12345678901234567890, "é", null, true]',
        '{"nested": {"deeper": [[1]]}, "unicode": "\\u00e9"}',
        "  [] ",
    ],
)
def test_a_json_cell_reads_as_json_does(text: str) -> None:
    assert dryrun.read_json(text) == json.loads(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1e400]", "too large for a JSON number"),
        ("[" + "1" * 400 + ".5]", "too large for a JSON number"),
        ("[NaN]", "NaN is not a JSON number"),
        ('["\\ud800"]', "half of a character"),
        ("[" * 40 + "]" * 40, "nested deeper than"),
        ('{"a": }', "Expecting value"),
    ],
)
def test_a_json_cell_is_refused_with_the_strict_parsers_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        dryrun.read_json(text)
