"""Bad input to the shared screens gets a clear answer, never a 500 (issue 14, items 6 and 7)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection


@pytest.mark.parametrize("target", ["foo", "dashboard:home", "//evil.test/", "https://evil.test/x"])
def test_it_switches_workspace_and_goes_home_when_next_is_not_a_local_path(
    viewer_client: Client, demo: dict[str, Connection], vera: User, target: str
) -> None:
    workspace = demo["synerise"]
    response = viewer_client.post(reverse("workspace_switch"), {"workspace": workspace.pk, "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")


def test_the_500_page_does_not_claim_that_nothing_was_saved() -> None:
    page = render_to_string("500.html")
    assert "Nothing you entered was saved" not in page
    assert "whether your change was made" in page


def test_it_refuses_a_10000_character_username_at_login_without_recording_it(
    client: Client, alice: User
) -> None:
    response = client.post(reverse("login"), {"username": "a" * 10_000, "password": "nope"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()
