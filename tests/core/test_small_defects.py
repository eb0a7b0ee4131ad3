"""Small defects a new user met (issue 10, item 12): times, the favicon, the log, the field builder."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.content.forms.schemas import FieldRows


def ago(moment: object) -> str:
    return Template("{% load times %}{{ moment|ago }}").render(Context({"moment": moment}))


def test_a_moment_under_a_minute_old_is_just_now_not_zero_minutes_ago() -> None:
    assert ago(timezone.now() - timedelta(seconds=20)) == "just now"
    assert ago(timezone.now() - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"


def test_the_favicon_is_served_at_favicon_ico(client: Client, db: None) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)


def test_a_refused_page_is_logged_in_one_line_without_a_traceback(
    viewer_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert viewer_client.get(reverse("content:schema_new")).status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and all(r.exc_info is None and r.exc_text is None for r in refused)


def test_two_fields_with_the_same_name_are_named() -> None:
    data = {"fields-TOTAL_FORMS": "2", "fields-INITIAL_FORMS": "0"}
    for index in range(2):
        data.update({f"fields-{index}-name": "title", f"fields-{index}-type": "text"})
    rows = FieldRows(data, prefix="fields")
    assert not rows.is_valid()
    assert rows.non_form_errors() == ["Two fields have the same name: title."]
