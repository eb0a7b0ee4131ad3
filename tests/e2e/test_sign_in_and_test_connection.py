"""An operator signs in and tests the demo connection from the UI, with a real worker behind it."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from apps.connections.models import Connection
from tests.e2e.conftest import screenshot
from tests.people import PASSWORD, client_for

pytestmark = pytest.mark.e2e


def sign_in(page: Any, base: str, username: str, *, at: str = "/", with_the_form: bool = False) -> None:
    """`username` signed in, on the page at `at` (a path or a whole address; the dashboard): through the
    sign-in form in the test of signing in; any other test hands the browser the cookie of a session made
    for them (one page load instead of three)."""
    if not with_the_form:
        cookie = client_for(User.objects.get(username=username)).cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
        page.goto(at if at.startswith("http") else f"{base}{at}")
        return
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/")


def test_an_operator_tests_the_demo_connection(
    page: Any, live_server: Any, celery_worker: None, demo: dict[str, Connection], olive: User
) -> None:
    base = live_server.url
    sign_in(page, base, "olive", with_the_form=True)
    assert page.locator("h1").inner_text() == "Dashboard"
    screenshot(page, "home.png", full_page=True)

    page.click("a.navitem:has-text('Settings')")
    page.click("table >> text=Demo workspace (sandbox)")
    assert page.locator("#last-test").inner_text().startswith("Last test: Not tested")
    page.click("button:has-text('Test connection')")

    status = page.locator("#test-result .badge")
    status.filter(has_text="Succeeded").wait_for(timeout=30_000)
    assert "Signed in; the token is valid until" in page.locator("#test-result .log").inner_text()
    # The finished job tells the page, which refreshes the connection's last test.
    page.locator("#last-test .badge", has_text="OK").wait_for(timeout=10_000)
    screenshot(page, "test-connection.png", full_page=True)

    page.click("#test-result a:has-text('Open')")
    assert page.locator(".job-head .badge").inner_text() == "Succeeded"


def test_a_viewer_sees_no_test_button(
    page: Any, live_server: Any, demo: dict[str, Connection], vera: User
) -> None:
    sign_in(
        page, live_server.url, "vera", at=f"{live_server.url}/settings/connections/{demo['synerise'].pk}/"
    )
    assert page.locator("h1").inner_text() == "Demo workspace (sandbox)"
    assert page.locator("button:has-text('Test connection')").count() == 0
