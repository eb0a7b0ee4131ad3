"""Pausing and resuming many workflows at once, as a job on the shared runner, against the sandbox."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.automations.client import WorkflowsClient
from apps.automations.services import bulk
from apps.automations.services.workspace import workspace_for
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.jobs import services as jobs
from apps.jobs.models import Job, JobItem
from apps.sandbox.models import FaultSettings, Workspace
from apps.sandbox.workflows.models import Workflow, WorkflowStatus
from tests import pages
from tests.pages import table_rows

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture
def wf(demo: dict[str, Connection]) -> Iterator[WorkflowsClient]:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as client:
        yield client


def tagged(count: int, tag: str, status: str = WorkflowStatus.ACTIVE) -> list[str]:
    """Sandbox workflows carrying `tag`, straight into the sandbox's own tables."""
    workspace = Workspace.objects.first()
    made = [
        Workflow.objects.create(
            workspace=workspace,
            name=f"{tag} journey {n:02}",
            author="ops@synadmin.test",
            status=status,
            tags=[{"hash": uuid.uuid4().hex, "value": tag, "color": "#c00", "description": "", "icon": ""}],
            has_transformation=False,
        )
        for n in range(count)
    ]
    return [str(workflow.diagram_id) for workflow in made]


def statuses(wf: WorkflowsClient, ids: list[str]) -> set[str]:
    listed = {w.diagram_id: w.status for batch in bulk.select(wf, ids=ids) for w in batch}
    return {listed[i] for i in ids}


def test_readiness_says_what_happens_to_each_workflow(operator_client: Client, wf: WorkflowsClient) -> None:
    page = operator_client.get(
        reverse("automations:bulk"), {"operation": "pause", "all": "1", "checked": "1"}
    )
    assert page.status_code == 200
    rows = {row[0]: row[2:] for row in table_rows(pages.text(page))}
    assert rows["Welcome journey"] == ["Ready", ""]
    assert rows["Spring promotion"] == ["Nothing to do", "already paused"]
    assert rows["Old newsletter"] == ["Would fail", "stopped for good: it cannot run or pause again"]
    assert rows["Winback campaign"] == ["Would fail", "not started yet: start it with Run"]
    assert not Job.objects.exists()  # a GET starts nothing


def test_pause_everything_tagged_and_resume_it_again(
    operator_client: Client, wf: WorkflowsClient, olive: User
) -> None:
    ids = tagged(12, "black-friday")
    tagged(3, "evergreen")
    response = operator_client.post(
        reverse("automations:bulk"), {"operation": "pause", "all": "1", "tag": "black-friday"}
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("automations:bulk_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.items.count() == 12
    assert statuses(wf, ids) == {"Paused"}
    assert {w.status for w in wf.list_workflows(search="evergreen").data} == {"Active"}
    page = operator_client.get(reverse("automations:bulk_detail", args=[job.pk])).content.decode()
    assert "12</strong> of 12 done" in page and "black-friday journey 00" in page

    operator_client.post(reverse("automations:bulk"), {"operation": "resume", "ids": ",".join(ids)})
    assert statuses(wf, ids) == {"Active"}
    assert AuditEntry.objects.filter(action="workflow.resume", username="olive").count() == 12


def test_under_injected_faults_each_workflow_is_paused_once(
    operator_client: Client, wf: WorkflowsClient
) -> None:
    ids = tagged(40, "flash-sale")
    FaultSettings.objects.create(pk=1, error_rate=0.1, faults=["5xx", "lost"])
    for _ in range(5):  # an injected 500 on the readiness read starts nothing: the person presses again
        operator_client.post(reverse("automations:bulk"), {"operation": "pause", "ids": ",".join(ids)})
        if Job.objects.exists():
            break
    FaultSettings.objects.all().delete()
    job = Job.objects.get()
    for _ in range(3):  # "Retry the failed" until everything is done
        job.refresh_from_db()
        if job.state == Job.State.SUCCEEDED:
            break
        operator_client.post(reverse("jobs:retry", args=[job.pk]))
    assert job.state == Job.State.SUCCEEDED, job.error
    assert set(job.items.values_list("state", flat=True)) == {JobItem.State.DONE}
    assert statuses(wf, ids) == {"Paused"}
    done = AuditEntry.objects.filter(action="workflow.pause", outcome="ok")
    assert sorted(done.values_list("target_id", flat=True)) == sorted(ids)  # one success each


def test_only_operators_pause_in_bulk(
    viewer_client: Client, publisher_client: Client, wf: WorkflowsClient
) -> None:
    for client in (viewer_client, publisher_client):
        url = reverse("automations:bulk")
        assert client.get(url, {"operation": "pause", "all": "1"}).status_code == 403
        assert client.post(url, {"operation": "pause", "all": "1"}).status_code == 403
    assert not Job.objects.exists()


class WorkerKilled(BaseException):
    """The worker's death as seen from inside the job: nothing after it runs, nothing records an end."""


def test_a_bulk_resume_requeued_after_its_worker_died_sends_each_workflow_once(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = tagged(6, "kill-resume", status=WorkflowStatus.PAUSED)
    job = bulk.create_job(
        workspace_for(olive, connection=demo["synerise"]),
        "resume",
        [w for batch in bulk.select(wf, ids=ids) for w in batch],
        task_name="apps.automations.tasks.run_bulk",
    )
    sent: Counter[str] = Counter()
    real = WorkflowsClient.run_workflow

    def run_workflow(client: WorkflowsClient, diagram_id: str) -> None:
        real(client, diagram_id)
        sent[diagram_id] += 1
        if sum(sent.values()) == 3:
            raise WorkerKilled  # the resume reached the remote; the worker died before marking it done

    monkeypatch.setattr(WorkflowsClient, "run_workflow", run_workflow)
    with pytest.raises(WorkerKilled):
        bulk.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING
    assert job.items.filter(state=JobItem.State.DONE).count() < sum(sent.values())

    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    assert [j.pk for j in jobs.requeue_stale()] == [job.pk]
    bulk.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert set(sent) == set(ids) and set(sent.values()) == {1}  # each workflow resumed once
    assert statuses(wf, ids) == {"Active"}
