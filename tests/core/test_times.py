"""How long ago a moment was, in words (the `ago` filter)."""

from __future__ import annotations

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone


def ago(moment: object) -> str:
    return Template("{% load times %}{{ moment|ago }}").render(Context({"moment": moment}))


def test_a_moment_under_a_minute_old_is_just_now_not_zero_minutes_ago() -> None:
    assert ago(timezone.now() - timedelta(seconds=20)) == "just now"
    assert ago(timezone.now() - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"
