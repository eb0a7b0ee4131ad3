"""The Scheduler screen of a Canvas workflow, against the live sandbox: per role, save, Pause, Resume."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.canvas import quartz
from apps.canvas.models import ScheduleMemory
from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.sandbox.canvas.models import CanvasWorkflow
from tests.canvas.test_runs import create

ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"

pytestmark = pytest.mark.usefixtures("demo")


def page(workflow_id: str = ORDERS, **query: str) -> str:
    url = reverse("canvas:schedule", args=[workflow_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def control(name: str, workflow_id: str = ORDERS) -> str:
    return reverse(f"canvas:schedule_{name}", args=[workflow_id])


def remote(workflow_id: str = ORDERS) -> CanvasWorkflow:
    return CanvasWorkflow.objects.get(id=workflow_id)


def test_a_viewer_reads_the_schedule_and_sees_no_controls(viewer_client: Client) -> None:
    CanvasWorkflow.objects.filter(id=ORDERS).update(is_scheduled=True)  # on in Canvas, every hour
    response = viewer_client.get(page())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Order transferring" in body
    assert "Every hour" in body
    assert "Pause</button>" not in body and "Resume</button>" not in body and "Save and turn on" not in body
    assert body.count('<tr><td class="muted num">') == 10


@pytest.mark.parametrize("name", ["save", "pause", "resume"])
def test_a_viewer_is_refused_every_control(viewer_client: Client, name: str) -> None:
    response = viewer_client.post(control(name), {"cron": "0 0 5 ? * MON-FRI"})
    assert response.status_code == 403
    assert remote().is_scheduled is False


def test_someone_without_the_integrations_role_cannot_read_it(stranger_client: Client) -> None:
    assert stranger_client.get(page()).status_code == 403


def test_an_invalid_expression_is_shown_with_its_field_position_and_reason(operator_client: Client) -> None:
    body = operator_client.get(page(cron="0 0 5 ? * MON%236")).content.decode()
    assert (
        "Day of week (field 6, character 15): &#x27;#&#x27; must be followed by a number from 1 to 5" in body
    )
    assert "0 0 5 ? * MON#6\n" + " " * 14 + "^" in body


def test_a_preset_fills_the_expression_in_utc_and_shows_both_zones(operator_client: Client) -> None:
    operator_client.cookies["tz"] = "Europe/Warsaw"
    body = operator_client.get(page(kind="weekdays", at="06:00", every="5", day="2")).content.decode()
    offset = timezone.now().astimezone(ZoneInfo("Europe/Warsaw")).utcoffset()
    assert offset is not None
    hour = 6 - int(offset.total_seconds() // 3600)
    assert f'value="0 0 {hour} ? * MON-FRI"' in body
    assert f"At 0{hour}:00, Monday through Friday</strong>, UTC" in body
    assert "06:00 CE" in body  # CET or CEST, beside the UTC column


def test_the_htmx_preview_is_only_the_fragment(operator_client: Client) -> None:
    response = operator_client.get(page(cron="0 0/5 * ? * * *"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="preview"')
    assert "Every 5 minutes" in body


def test_save_pause_and_resume_drive_the_canvas_scheduler(operator_client: Client) -> None:
    response = operator_client.post(control("save"), {"cron": "0 0 5 ? * MON-FRI", "turn_on": "1"})
    assert response.status_code == 302
    workflow = remote()
    assert workflow.is_scheduled is True
    assert workflow.scheduler_frequency == '{"cronSchedule":"0 0 5 ? * MON-FRI"}'
    assert workflow.date_next_schedule == quartz.parse("0 0 5 ? * MON-FRI").next_after(workflow.date_modified)

    operator_client.post(control("pause"))
    paused = remote()
    assert paused.is_scheduled is False
    assert "0 0 5 ? * MON-FRI" in paused.scheduler_frequency
    body = operator_client.get(page()).content.decode()
    assert "Paused" in body and "Resume</button>" in body

    operator_client.post(control("resume"))
    resumed = remote()
    assert resumed.is_scheduled is True
    assert resumed.date_next_schedule == quartz.parse("0 0 5 ? * MON-FRI").next_after(resumed.date_modified)
    assert resumed.date_next_schedule > datetime.now(UTC)
    names = list(
        AuditEntry.objects.filter(action__startswith="canvas.schedule").values_list("action", flat=True)
    )
    assert sorted(names) == ["canvas.schedule.pause", "canvas.schedule.resume", "canvas.schedule.save"]


def test_resume_brings_back_our_expression_when_canvas_forgot_it(
    operator_client: Client, demo: dict[str, Connection]
) -> None:
    ScheduleMemory.objects.create(connection=demo["canvas"], workflow_id=ORDERS, cron="0 30 4 ? * SAT")
    CanvasWorkflow.objects.filter(id=ORDERS).update(scheduler_frequency="", is_scheduled=False)
    operator_client.post(control("resume"))
    assert remote().is_scheduled is True
    assert remote().scheduler_frequency == '{"cronSchedule":"0 30 4 ? * SAT"}'


def test_an_invalid_expression_is_not_saved(operator_client: Client) -> None:
    response = operator_client.post(control("save"), {"cron": "0 0 25 ? * *", "turn_on": "1"})
    assert response.status_code == 302
    assert "cron=0+0+25" in response["Location"]
    assert remote().is_scheduled is False
    assert not AuditEntry.objects.filter(action__startswith="canvas.schedule").exists()


def test_an_unknown_workflow_is_a_404_with_the_remote_message(operator_client: Client) -> None:
    response = operator_client.get(page("00000000-0000-0000-0000-0000000000ff"))
    assert response.status_code == 404
    assert "Unknown workflow 00000000-0000-0000-0000-0000000000ff" in response.content.decode()


def test_resume_without_any_expression_says_so_and_changes_nothing(operator_client: Client) -> None:
    CanvasWorkflow.objects.filter(id=ORDERS).update(scheduler_frequency="", is_scheduled=False)
    response = operator_client.post(control("resume"), follow=True)
    assert "Order transferring has no schedule to resume: set one first." in response.content.decode()
    assert remote().is_scheduled is False
    assert not AuditEntry.objects.filter(action__startswith="canvas.schedule").exists()


def test_save_keeping_the_scheduler_off_stores_the_expression_only(admin_client: Client) -> None:
    admin_client.post(control("save"), {"cron": "0 0 12 ? * SAT", "turn_on": "0"})
    workflow = remote()
    assert (workflow.is_scheduled, workflow.scheduler_frequency) == (
        False,
        '{"cronSchedule":"0 0 12 ? * SAT"}',
    )
    entry = AuditEntry.objects.get(action="canvas.schedule.save_off")
    assert (entry.target_id, entry.detail["cron"], entry.username) == (ORDERS, "0 0 12 ? * SAT", "alice")


def test_an_expression_too_long_to_store_is_refused_with_that_reason(operator_client: Client) -> None:
    response = operator_client.post(
        control("save"), {"cron": "0 0 5 ? * " + ",".join(["MON"] * 60)}, follow=True
    )
    assert "Not saved: Ensure this value has at most 200 characters" in response.content.decode()
    assert remote().is_scheduled is False


def test_a_new_workflow_has_no_schedule_to_resume_whatever_expression_canvas_gave_it(
    operator_client: Client,
) -> None:
    workflow_id = create()
    assert remote(workflow_id).scheduler_frequency  # Canvas fills one in on a new workflow
    body = operator_client.get(page(workflow_id)).content.decode()
    assert '<span class="badge">Not scheduled</span>' in body
    assert "Paused" not in body and "Resume</button>" not in body
    assert '<dt>Expression</dt><dd><span class="muted">none</span>' in body
    assert 'name="cron" value=""' in body or 'name="cron" value' not in body  # nothing chosen for them
    detail = operator_client.get(reverse("canvas:workflow", args=[workflow_id])).content.decode()
    assert "<dt>Schedule</dt><dd>Off" in detail
