"""How long ago a moment was, in words (the `ago` filter)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone


def ago(moment: object) -> str:
    return Template("{% load times %}{{ moment|ago }}").render(Context({"moment": moment}))


def test_a_moment_under_a_minute_old_is_just_now_not_zero_minutes_ago() -> None:
    assert ago(timezone.now() - timedelta(seconds=20)) == "just now"
    assert ago(timezone.now() - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0.04, "under a second"),
        (0.0, "under a second"),
        (8.4, "8 s"),
        (192, "3 min 12 s"),
        (3840, "1 h 4 min"),
    ],
)
def test_a_duration_reads_in_words_and_never_as_zero_seconds(value: float, words: str) -> None:
    assert Template("{% load times %}{{ value|seconds }}").render(Context({"value": value})) == words
