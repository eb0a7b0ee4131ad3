"""A workflow run's W3 is sent once however the worker dies: killed between the intent and the send,
between the send and its confirmation, or after it, the requeued job sends no second W3 (counted on the
sandbox's side) and follows the one run to its end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.signals import request_started
from django.utils import timezone

from apps.automations.client import WorkflowsClient
from apps.automations.models import RunRequest
from apps.automations.services import runs, workflows
from apps.automations.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.core.http import ApiUnavailable
from apps.core.models import AuditEntry
from apps.jobs import services as jobs
from apps.jobs.models import Job, RemoteCall
from apps.sandbox.workflows.models import WorkflowRun as SandboxRun


class WorkerKilled(BaseException):
    """The worker's death as seen from inside the job: nothing after it runs, nothing records an end."""


@pytest.fixture
def w3_received() -> Iterator[Counter[str]]:
    """The W3 (run) requests the sandbox receives, by workflow id, counted in the server's thread."""
    seen: Counter[str] = Counter()

    def count(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        path = environ["PATH_INFO"]
        if environ["REQUEST_METHOD"] == "POST" and path.endswith("/run") and "/diagrams/" in path:
            seen[path.split("/")[-2]] += 1

    request_started.connect(count, dispatch_uid="test-w3-received")
    yield seen
    request_started.disconnect(dispatch_uid="test-w3-received")


def kill_at(monkeypatch: pytest.MonkeyPatch, point: str) -> None:
    """Kill the worker once at `point`: before W3 leaves, after W3 answered, or at the first W6 read of
    the following (the run confirmed)."""
    real_run, real_last = WorkflowsClient.run_workflow, WorkflowsClient.last_run
    armed = [True]

    def run_workflow(client: WorkflowsClient, diagram_id: str) -> None:
        if armed[0] and point == "before send":
            armed[0] = False
            raise WorkerKilled
        real_run(client, diagram_id)
        if armed[0] and point == "after send":
            armed[0] = False
            raise WorkerKilled

    def last_run(client: WorkflowsClient, workflow_id: str, *, limit: int | None = None) -> Any:
        if armed[0] and point == "after confirmation" and limit == runs.FULL_LOG:
            armed[0] = False
            raise WorkerKilled
        return real_last(client, workflow_id, limit=limit)

    monkeypatch.setattr(WorkflowsClient, "run_workflow", run_workflow)
    monkeypatch.setattr(WorkflowsClient, "last_run", last_run)


def requeue(job: Job) -> None:
    """What the beat sweep does 30 s after the worker's last heartbeat."""
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    assert [j.pk for j in jobs.requeue_stale()] == [job.pk]


@pytest.mark.parametrize("point", ["before send", "after send", "after confirmation"])
def test_a_run_job_killed_at_any_point_sends_the_run_once_and_follows_it_to_the_end(
    demo: dict[str, Connection],
    olive: User,
    fast_stages: None,
    ids: Any,
    w3_received: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    spring = ids("Spring promotion")
    runs_before = SandboxRun.objects.filter(workflow_id=spring).count()
    job = workflows.create_run(
        workspace_for(olive, connection=demo["synerise"]),
        workflow_id=spring,
        name="Spring promotion",
        task_name="t",
        result_url="/x/",
    )
    kill_at(monkeypatch, point)
    with pytest.raises(WorkerKilled):
        workflows.run(job.pk, sleep=lambda seconds: None)
    assert Job.objects.get(pk=job.pk).state == Job.State.RUNNING  # nobody recorded an end
    assert w3_received[spring] == (0 if point == "before send" else 1)

    requeue(job)
    workflows.run(job.pk, sleep=lambda seconds: None)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert w3_received[spring] == 1  # the sandbox received one W3, whatever the point
    assert SandboxRun.objects.filter(workflow_id=spring).count() == runs_before + 1
    request = RunRequest.objects.get(job=job)
    newest = SandboxRun.objects.filter(workflow_id=spring).order_by("-started_at").first()
    assert newest is not None and request.run_id == str(newest.run_id)  # it followed that run
    assert AuditEntry.objects.filter(action="workflow.run", target_id=spring).count() == 1
    call = RemoteCall.objects.get(key=f"automations.run:{job.pk}")
    assert call.confirmed_at is not None and call.sends == (2 if point == "before send" else 1)


def test_a_run_never_sent_is_sent_when_the_workflow_shows_no_new_run(
    demo: dict[str, Connection], olive: User, fast_stages: None, ids: Any, w3_received: Counter[str]
) -> None:
    """An intent without a confirmation whose W3 never arrived: the workflow is still paused and its last
    run is the one from before, so the job sends W3."""
    spring = ids("Spring promotion")
    job = workflows.create_run(
        workspace_for(olive, connection=demo["synerise"]),
        workflow_id=spring,
        name="Spring promotion",
        task_name="t",
        result_url="/x/",
    )
    last = SandboxRun.objects.filter(workflow_id=spring).order_by("-started_at").first()
    RemoteCall.objects.create(
        key=f"automations.run:{job.pk}",
        before={"run_id": str(last.run_id) if last else ""},
        intended_at=timezone.now(),
        sends=1,
    )
    workflows.run(job.pk, sleep=lambda seconds: None)
    assert Job.objects.get(pk=job.pk).state == Job.State.SUCCEEDED
    assert w3_received[spring] == 1


def test_a_person_s_retry_after_a_lost_answer_does_not_run_the_workflow_again(
    demo: dict[str, Connection],
    olive: User,
    fast_stages: None,
    ids: Any,
    w3_received: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """W3 took effect but its answer never came back (a timeout): the job fails; Retry reads the remote,
    finds the run and follows it instead of sending W3 again."""
    spring = ids("Spring promotion")
    job = workflows.create_run(
        workspace_for(olive, connection=demo["synerise"]),
        workflow_id=spring,
        name="Spring promotion",
        task_name="t",
        result_url="/x/",
    )
    real_run = WorkflowsClient.run_workflow

    def answer_lost(client: WorkflowsClient, diagram_id: str) -> None:
        real_run(client, diagram_id)
        raise ApiUnavailable("The remote did not answer in time.", status=None)

    monkeypatch.setattr(WorkflowsClient, "run_workflow", answer_lost)
    workflows.run(job.pk, sleep=lambda seconds: None)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and w3_received[spring] == 1
    monkeypatch.setattr(WorkflowsClient, "run_workflow", real_run)
    assert jobs.retry_job(job, user=olive)
    workflows.run(job.pk, sleep=lambda seconds: None)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert w3_received[spring] == 1
