"""The calendar of everything that will change: Canvas schedulers' fires beside launches and scheduled
actions, one area at a time, and a conflict said in words when two change one thing within an hour."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.canvas.services import schedule
from apps.canvas.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.launches.services import launches
from tests import pages
from tests.launches.conftest import add

ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"  # the sandbox's Canvas workflow "Order transferring"
WEEK = {"week": "2030-12-02"}


def switched_on(user: User, cron: str) -> None:
    workspace = workspace_for(user)
    schedule.save(workspace, workflow=schedule.read(workspace, workflow_id=ORDERS), cron=cron, turn_on=True)


def calendar(client: Client, **query: str) -> str:
    return pages.words(client.get(reverse("jobs:scheduled_calendar"), {**WEEK, **query}))


def test_a_canvas_scheduler_fires_on_the_calendar_a_day_at_a_time(
    olive: User, operator_client: Client, demo: dict[str, Connection]
) -> None:
    switched_on(olive, "0 0 5 ? * MON-FRI")
    week = calendar(operator_client)
    # Monday to Friday, each in the grid and in the phone's list of days
    assert week.count("05:00 Scheduled run of Order transferring") == 2 * 5
    switched_on(olive, "0 0 * ? * *")
    assert calendar(operator_client).count("00:00 24 scheduled runs of Order transferring") == 2 * 7
    assert "Order transferring" not in calendar(operator_client, system="Launches")


def test_a_launch_that_changes_a_scheduler_within_an_hour_of_its_fire_is_a_conflict(
    olive: User, operator_client: Client, demo: dict[str, Connection]
) -> None:
    switched_on(olive, "0 0 5 ? * MON-FRI")
    launch = launches.create_launch(
        olive, name="Night feed", description="", go_at=datetime(2030, 12, 3, 5, 30, tzinfo=UTC)
    )
    add(olive, launch, "canvas.schedule_off", {"workflow": ORDERS})
    week = calendar(operator_client)
    assert "Start Night feed" in week
    assert "1 change this week meets another on the same thing within an hour" not in week
    assert "2 changes this week meet another on the same thing within an hour" in week
    assert (
        "Scheduled run of Order transferring (3 Dec 05:00) changes the same Canvas workflow within an hour."
        in week
    )
    assert "Start Night feed (3 Dec 05:30) changes the same Canvas workflow within an hour." in week
    assert "Conflict:" in week
    launches_only = calendar(operator_client, system="Launches")
    assert "Start Night feed" in launches_only and "Conflict:" not in launches_only
