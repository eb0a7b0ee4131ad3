"""Pausing, resuming and stopping a workflow at a time: the shared sweep, the sandbox's workflows, and the
Scheduled screens that show them beside record publishes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.automations.client import WorkflowsClient
from apps.automations.models import ScheduledWorkflowAction
from apps.automations.services import schedule
from apps.automations.services.workspace import workspace_for
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.services import schedule as content_schedule
from apps.content.services.workspace import workspace_for as content_workspace
from apps.core.models import AuditEntry
from apps.jobs import scheduling
from apps.sandbox.models import FaultSettings

State = ScheduledWorkflowAction.State


@pytest.fixture
def wf(demo: dict[str, Connection]) -> Iterator[WorkflowsClient]:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as client:
        yield client


def status(wf: WorkflowsClient, name: str) -> str:
    (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    return workflow.status


def plan(wf: WorkflowsClient, user: User, name: str, action: str, at: datetime) -> ScheduledWorkflowAction:
    (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    return schedule.schedule(workspace_for(user), workflow=workflow, action=action, at=at)


def test_an_operator_schedules_a_pause_from_the_workflow_page(
    operator_client: Client, wf: WorkflowsClient
) -> None:
    (workflow,) = [w for w in wf.list_workflows(search="Welcome journey").data if w.name == "Welcome journey"]
    url = reverse("automations:workflow_schedule", args=[workflow.diagram_id])
    response = operator_client.post(url, {"action": "pause", "at": "2031-03-01T18:00"})
    assert response.status_code == 302
    item = ScheduledWorkflowAction.objects.get()
    assert (item.workflow_name, item.action, item.state) == ("Welcome journey", "pause", State.PENDING)
    assert AuditEntry.objects.filter(action="workflow.schedule_pause", username="olive").exists()
    again = operator_client.post(url, {"action": "pause", "at": "2031-03-02T18:00"}, follow=True)
    assert "already has a scheduled pause" in again.content.decode()
    assert ScheduledWorkflowAction.objects.count() == 1


def test_a_viewer_and_a_publisher_may_not_schedule_a_workflow(
    viewer_client: Client, publisher_client: Client, wf: WorkflowsClient
) -> None:
    (workflow,) = [w for w in wf.list_workflows(search="Welcome journey").data if w.name == "Welcome journey"]
    url = reverse("automations:workflow_schedule", args=[workflow.diagram_id])
    for client in (viewer_client, publisher_client):
        assert client.post(url, {"action": "stop", "at": "2031-03-01T18:00"}).status_code == 403
    assert not ScheduledWorkflowAction.objects.exists()


def test_the_one_sweep_hands_out_records_and_workflows_and_each_runs_once(
    wf: WorkflowsClient, olive: User, paula: User, demo: dict[str, Connection]
) -> None:
    due = timezone.now() - timedelta(seconds=1)
    pause = plan(wf, olive, "Welcome journey", "pause", due)
    with BrickworksClient(connections.http_for(demo["synerise"])) as bw:
        banners = bw.get_schema("home-banners")
        record = bw.get_record(banners.id, "spring-teaser")
    publish = content_schedule.schedule(
        content_workspace(paula), schema=banners, record=record, action="publish", at=due
    )
    sent: list[tuple[str, int]] = []
    assert scheduling.sweep_all(lambda source, pk, eta: sent.append((source.key, pk))) == 2
    assert sorted(sent) == [("records", publish.pk), ("workflows", pause.pk)]

    assert schedule.run(pause.pk) == State.DONE
    assert schedule.run(pause.pk) is None  # a second delivery finds it done
    assert status(wf, "Welcome journey") == "Paused"
    pause.refresh_from_db()
    assert [e.message for e in pause.events.all()][-1] == "Paused: Welcome journey"
    entry = AuditEntry.objects.get(action="workflow.pause")
    assert entry.username == "olive" and entry.detail["scheduled"] is True


def test_resume_and_stop_at_a_time_and_a_refusal_fails_with_the_remote_words(
    wf: WorkflowsClient, olive: User
) -> None:
    due = timezone.now() - timedelta(seconds=1)
    resume = plan(wf, olive, "Spring promotion", "resume", due)
    assert schedule.run(resume.pk) == State.DONE
    assert status(wf, "Spring promotion") == "Active"
    stop = plan(wf, olive, "Spring promotion", "stop", due)
    assert schedule.run(stop.pk) == State.DONE
    assert status(wf, "Spring promotion") == "Stopped"
    late_resume = plan(wf, olive, "Spring promotion", "resume", due)
    assert schedule.run(late_resume.pk) == State.FAILED
    late_resume.refresh_from_db()
    assert "can't be restarted" in late_resume.error


def test_an_unavailable_service_is_tried_again_later(wf: WorkflowsClient, olive: User) -> None:
    item = plan(wf, olive, "Nightly product import", "pause", timezone.now() - timedelta(seconds=1))
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"])
    assert schedule.run(item.pk) == State.PENDING
    item.refresh_from_db()
    assert item.attempts == 1 and item.run_at > timezone.now() and "Service unavailable" in item.error
    FaultSettings.objects.all().delete()
    assert schedule.run(item.pk, now=item.run_at) == State.DONE
    assert status(wf, "Nightly product import") == "Paused"


def test_the_scheduled_screens_show_workflows_beside_records(
    operator_client: Client,
    publisher_client: Client,
    wf: WorkflowsClient,
    olive: User,
    demo: dict[str, Connection],
) -> None:
    at = timezone.now() + timedelta(days=1)
    item = plan(wf, olive, "Welcome journey", "stop", at)
    listed = operator_client.get(reverse("jobs:scheduled")).content.decode()
    assert "Stop" in listed and "Welcome journey" in listed
    assert reverse("jobs:scheduled_cancel", args=["workflows", item.pk]) in listed
    only_records = operator_client.get(reverse("jobs:scheduled"), {"kind": "records"}).content.decode()
    assert "Welcome journey" not in only_records
    month = operator_client.get(reverse("jobs:scheduled_calendar"), {"month": f"{at:%Y-%m}"}).content.decode()
    assert "Welcome journey" in month

    # A publisher sees it but may not change it; an operator may.
    detail = publisher_client.get(reverse("jobs:scheduled_detail", args=["workflows", item.pk]))
    assert detail.status_code == 200 and "Reschedule" not in detail.content.decode()
    cancel = reverse("jobs:scheduled_cancel", args=["workflows", item.pk])
    assert publisher_client.post(cancel).status_code == 403
    assert operator_client.post(cancel).status_code == 302
    item.refresh_from_db()
    assert item.state == State.CANCELLED
    assert AuditEntry.objects.filter(action="workflow.schedule_cancel", username="olive").exists()
