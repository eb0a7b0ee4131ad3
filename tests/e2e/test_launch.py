"""An editor plans a launch and adds a banner's draft from the record's page; a publisher approves it as it
is; it runs when approved (its start handed to a worker as the sweep does), and is rolled back from its
page, each step saying what it did and what it took back."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.launches.models import Launch
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in
from tests.launches.conftest import work

pytestmark = pytest.mark.e2e


def test_an_editors_launch_is_approved_run_and_rolled_back(
    page: Any, browser: Any, live_server: Any, demo: dict[str, Connection], eddie: User, paula: User
) -> None:
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    teaser = bw.get_record("home-banners", "spring-teaser")
    sign_in(page, base, "eddie")
    page.click("nav.mainnav >> text=Launches")
    page.click("text=New launch")
    page.fill("#id_name", "Spring campaign")
    page.click("button:has-text('Plan the launch')")
    page.locator(".messages", has_text="Spring campaign planned").wait_for()

    page.goto(f"{base}/content/records/home-banners/{teaser.id}/")
    page.click(f"a:has-text('publish version {teaser.record_version}')")
    assert f"Publish Spring is coming (version {teaser.record_version})" in page.inner_text("main")
    page.click("button:has-text('Add the step')")
    page.locator(".launch-step", has_text=f"Version {teaser.record_version} will go live.").wait_for()
    assert "Needed, not given yet" in page.inner_text("main")
    assert page.locator("button:has-text('Start now')").count() == 0
    launch_url = page.url

    editor = page.context
    approver = browser.new_context(viewport={"width": 390, "height": 844})
    other = approver.new_page()
    other.on("dialog", lambda dialog: dialog.accept())
    sign_in(other, base, "paula", at=launch_url)
    other.click("button:has-text('Approve as it is')")
    other.locator(".messages", has_text="approved as it is now").wait_for()
    assert "Approved by paula" in other.inner_text("main")
    screenshot(other, "launch-approved-390.png", full_page=True)
    approver.close()

    launch = Launch.objects.get(name="Spring campaign")
    assert work(launch) == "done"  # it goes once approved: the sweep hands its start to a worker
    page.goto(launch_url)
    assert "Published: version" in page.inner_text("main")
    assert bw.list_records("home-banners", ids=[teaser.id], statuses=["PUBLISHED"]).data
    page.click("button:has-text('Roll back')")
    page.locator(".messages", has_text="is rolled back within seconds").wait_for()
    assert work(launch) == "done"
    page.goto(launch_url)
    assert "Unpublished again" in page.inner_text("main")
    assert page.locator(".badge.launch-rolled_back").inner_text() == "Rolled back"
    assert not bw.list_records("home-banners", ids=[teaser.id], statuses=["PUBLISHED"]).data
    screenshot(page, "launch-rolled-back.png", full_page=True)
    assert editor is page.context
