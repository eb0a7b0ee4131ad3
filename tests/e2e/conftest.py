from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

# Debian's headless shell (the same Blink without the desktop browser around it) takes a third less time
# than the whole browser; the whole one is the fallback.
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)
# The screenshots the tests take on their way are for a person to look at, nothing checks them: taken only
# when SYNADMIN_SCREENSHOTS names a folder (`SYNADMIN_SCREENSHOTS=test-results make test`); a full page costs
# a tenth of a second.
SHOTS = os.environ.get("SYNADMIN_SCREENSHOTS")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium-headless-shell"
            )
        pytest.skip("Chromium is not installed (apt-get install -y chromium-headless-shell)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves an event loop running in this thread, and asgiref then keeps Django's
    # connections per context instead of per thread: the tests that follow would get a second connection,
    # while the first, the one the in-process sandbox serves on (tests/sandboxes.py), stayed open unseen.
    home = connections[DEFAULT_DB_ALIAS]
    with sync_playwright() as playwright:
        connections[DEFAULT_DB_ALIAS] = home
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _quick_polls(settings: Any) -> None:
    """Pages that follow work ask every 0.25-0.5 s here, not every 1-2 s: a browser test waits less."""
    settings.PAGE_POLL_SCALE = 0.25


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A page that records console errors; the test fails if any appeared."""
    # A zone other than UTC, so times typed and shown in the browser's zone are exercised.
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 860}, timezone_id="Europe/Warsaw"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()
    assert errors == [], f"JavaScript errors in the browser: {errors}"


def screenshot(target: Any, name: str, **options: Any) -> None:
    """`target.screenshot(...)` into SYNADMIN_SCREENSHOTS as `name`, when it is set."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(Path(SHOTS) / name), **options)
