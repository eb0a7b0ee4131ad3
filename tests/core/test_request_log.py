"""What the request log says of a refused page."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse


def test_a_refused_page_is_logged_in_one_line_without_a_traceback(
    viewer_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert viewer_client.get(reverse("content:schema_new")).status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and all(r.exc_info is None and r.exc_text is None for r in refused)
