"""The schedule screens: scheduling in the person's zone, the list, the trace, the calendar."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.connections.models import Connection
from apps.content.models import ScheduledAction
from apps.content.services import schedule
from apps.sandbox.models import FaultSettings

State = ScheduledAction.State
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


@pytest.fixture(autouse=True)
def _in_warsaw(publisher_client: Client, viewer_client: Client) -> None:
    """Paula and Vera work in Warsaw: their browsers report the zone."""
    for client in (publisher_client, viewer_client):
        client.cookies["tz"] = "Europe/Warsaw"


def record_url(client: Client, slug: str) -> str:
    html = client.get(reverse("content:records", args=["home-banners"]), {"q": slug}).content.decode()
    start = html.index("/content/records/home-banners/", html.index("<tbody"))
    return html[start : html.index('"', start)]


def schedule_spring(client: Client, at: str, action: str = "publish") -> ScheduledAction:
    url = record_url(client, "spring")
    response = client.post(url + "schedule/", {"action": action, "at": at}, follow=True)
    assert response.status_code == 200
    return ScheduledAction.objects.get(action=action, state=State.PENDING)


def test_a_publisher_schedules_in_their_own_zone_and_sees_utc_next_to_it(
    publisher_client: Client, demo: dict[str, Connection]
) -> None:
    item = schedule_spring(publisher_client, "2030-07-01T09:30")
    assert item.due_at == datetime(2030, 7, 1, 7, 30, tzinfo=UTC)  # Warsaw is UTC+2 in summer
    assert item.state == State.PENDING and item.created_by.username == "paula"
    editor = publisher_client.get(record_url(publisher_client, "spring")).content.decode()
    assert "1 Jul 2030, 09:30 CEST" in editor and "07:30 UTC" in editor
    assert "Europe/Warsaw (UTC+01:00)" in editor  # the zone as it is today, next to the form


def test_a_time_in_the_past_is_refused(publisher_client: Client, demo: dict[str, Connection]) -> None:
    url = record_url(publisher_client, "spring")
    page = publisher_client.post(
        url + "schedule/", {"action": "publish", "at": "2020-01-01T10:00"}, follow=True
    )
    assert "Not scheduled: Pick a time in the future." in page.content.decode()
    assert not ScheduledAction.objects.exists()


def test_a_viewer_sees_no_schedule_form_and_is_refused(
    publisher_client: Client, viewer_client: Client, demo: dict[str, Connection]
) -> None:
    url = record_url(viewer_client, "spring")
    html = viewer_client.get(url).content.decode()
    assert "Nothing scheduled for this record." in html and "record_schedule" not in html
    assert 'action="' + url + 'schedule/"' not in html
    assert (
        viewer_client.post(url + "schedule/", {"action": "publish", "at": "2030-07-01T09:30"}).status_code
        == 403
    )
    item = schedule_spring(publisher_client, "2030-07-01T09:30")
    assert viewer_client.post(reverse("jobs:scheduled_cancel", args=["records", item.pk])).status_code == 403
    item.refresh_from_db()
    assert item.state == State.PENDING


def test_the_scheduled_list_cancels_and_goes_back(
    publisher_client: Client, demo: dict[str, Connection]
) -> None:
    item = schedule_spring(publisher_client, "2030-07-01T09:30")
    page = publisher_client.get(reverse("jobs:scheduled")).content.decode()
    assert "Spring is coming" in page and "1 Jul 2030, 09:30 CEST" in page
    response = publisher_client.post(
        reverse("jobs:scheduled_cancel", args=["records", item.pk]),
        {"next": reverse("jobs:scheduled") + "?show=open"},
    )
    assert response["Location"] == reverse("jobs:scheduled") + "?show=open"
    item.refresh_from_db()
    assert item.state == State.CANCELLED
    assert (
        "Spring is coming"
        in publisher_client.get(reverse("jobs:scheduled"), {"show": "cancelled"}).content.decode()
    )


def test_cancel_never_redirects_off_site(publisher_client: Client, demo: dict[str, Connection]) -> None:
    item = schedule_spring(publisher_client, "2030-07-01T09:30")
    response = publisher_client.post(
        reverse("jobs:scheduled_cancel", args=["records", item.pk]), {"next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("jobs:scheduled")


def test_reschedule_moves_the_time(publisher_client: Client, demo: dict[str, Connection]) -> None:
    item = schedule_spring(publisher_client, "2030-07-01T09:30")
    publisher_client.post(
        reverse("jobs:scheduled_move", args=["records", item.pk]), {"at": "2030-07-02T18:00"}
    )
    item.refresh_from_db()
    assert item.due_at == item.run_at == datetime(2030, 7, 2, 16, 0, tzinfo=UTC)
    assert "Moved to 2030-07-02 16:00 UTC by paula" in [e.message for e in item.events.all()]


def test_a_failed_action_says_why_and_can_be_tried_again(
    publisher_client: Client, demo: dict[str, Connection]
) -> None:
    item = schedule_spring(
        publisher_client,
        (timezone.localtime(timezone=WARSAW) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
    )
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"])
    ScheduledAction.objects.filter(pk=item.pk).update(attempts=schedule.MAX_ATTEMPTS - 1)
    assert schedule.run(item.pk, now=item.run_at) == State.FAILED
    FaultSettings.objects.all().delete()
    page = publisher_client.get(reverse("jobs:scheduled_detail", args=["records", item.pk])).content.decode()
    assert "Why it did not publish" in page
    assert "Service unavailable (injected)" in page and f"Picked up (attempt {schedule.MAX_ATTEMPTS}" in page
    home = publisher_client.get(reverse("dashboard:home")).content.decode()
    assert "Failed this week" in home and "Publish Spring is coming" in home
    publisher_client.post(reverse("jobs:scheduled_retry", args=["records", item.pk]))
    item.refresh_from_db()
    assert item.state == State.PENDING


def test_the_calendar_puts_items_on_the_persons_day(
    publisher_client: Client, demo: dict[str, Connection]
) -> None:
    item = schedule_spring(publisher_client, "2030-12-02T00:30")  # 1 Dec, 23:30 UTC
    assert item.due_at == datetime(2030, 12, 1, 23, 30, tzinfo=UTC)
    month = publisher_client.get(reverse("jobs:scheduled_calendar"), {"month": "2030-12"}).content.decode()
    assert "December 2030" in month
    day_cells = month.split('<div class="day">')
    assert any(cell.startswith("2<") and "Publish Spring is coming" in cell for cell in day_cells)
    assert not any(cell.startswith("1<") and "Spring is coming" in cell for cell in day_cells)
    week = publisher_client.get(reverse("jobs:scheduled_calendar"), {"week": "2030-12-04"}).content.decode()
    assert "Week of 2 December 2030" in week and "00:30" in week and "Publish Spring is coming" in week
    other = publisher_client.get(reverse("jobs:scheduled_calendar"), {"month": "2030-11"}).content.decode()
    assert "Spring is coming" not in other  # its grid ends on Sunday 1 December


def test_the_home_page_lists_what_is_next(publisher_client: Client, demo: dict[str, Connection]) -> None:
    schedule_spring(publisher_client, "2030-07-01T09:30")
    home = publisher_client.get(reverse("dashboard:home")).content.decode()
    assert "Publish Spring is coming" in home and "1 Jul 2030, 09:30 CEST" in home
