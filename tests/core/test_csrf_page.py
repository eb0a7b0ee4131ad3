from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse


def test_a_form_sent_without_its_csrf_token_gets_a_page_in_words_and_changes_nothing(
    alice: User, vera: User
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("accounts:person_active", args=[vera.pk]), {"active": "0"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "This form could not be sent" in page and "Nothing was changed" in page
    # Django's own page has an inline style the CSP blocks, and tells people about DEBUG.
    assert "DEBUG=True" not in page and "<style" not in page
    vera.refresh_from_db()
    assert vera.is_active
