"""A Canvas run's RunWorkflow is sent once however the worker dies: killed between the intent and the
send, between the send and its confirmation, or after it, the requeued job sends no second RunWorkflow
(counted on the sandbox's side), keeps one run and follows it to its end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.signals import request_started
from django.test import Client
from django.utils import timezone

from apps.canvas.client import CanvasClient
from apps.canvas.models import WorkflowRun
from apps.canvas.services import runs
from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.jobs import services as jobs
from apps.jobs.models import Job, RemoteCall
from apps.sandbox.canvas.models import CanvasWorkflow
from tests.canvas.test_runs import create


class WorkerKilled(BaseException):
    """The worker's death as seen from inside the job: nothing after it runs, nothing records an end."""


@pytest.fixture
def run_received() -> Iterator[Counter[str]]:
    """The RunWorkflow requests the sandbox receives, counted in the server's thread."""
    seen: Counter[str] = Counter()

    def count(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/RunWorkflow"):
            seen["RunWorkflow"] += 1

    request_started.connect(count, dispatch_uid="test-canvas-run-received")
    yield seen
    request_started.disconnect(dispatch_uid="test-canvas-run-received")


def kill_at(monkeypatch: pytest.MonkeyPatch, point: str, job: Job) -> None:
    """Kill the worker once: before RunWorkflow leaves, after it answered, or at the first read of the
    workflow once the call is confirmed (the following)."""
    real_run, real_get = CanvasClient.run_workflow, CanvasClient.get_workflow
    armed = [True]

    def run_workflow(client: CanvasClient, workflow_id: str, **bounds: Any) -> str:
        if armed[0] and point == "before send":
            armed[0] = False
            raise WorkerKilled
        answer = real_run(client, workflow_id, **bounds)
        if armed[0] and point == "after send":
            armed[0] = False
            raise WorkerKilled
        return answer

    def get_workflow(client: CanvasClient, workflow_id: str) -> Any:
        confirmed = RemoteCall.objects.filter(key=f"canvas.run:{job.pk}", confirmed_at__isnull=False)
        if armed[0] and point == "after confirmation" and confirmed.exists():
            armed[0] = False
            raise WorkerKilled
        return real_get(client, workflow_id)

    monkeypatch.setattr(CanvasClient, "run_workflow", run_workflow)
    monkeypatch.setattr(CanvasClient, "get_workflow", get_workflow)


@pytest.mark.parametrize("point", ["before send", "after send", "after confirmation"])
def test_a_run_job_killed_at_any_point_sends_run_workflow_once(
    demo: dict[str, Connection],
    operator_client: Client,
    run_received: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    workflow_id = create()
    url = f"/integrations/workflows/{workflow_id}/run/"
    assert operator_client.post(url, {"scope": "till", "till": 1}).status_code == 302
    job = Job.objects.get(kind="canvas.run")
    kill_at(monkeypatch, point, job)
    with pytest.raises(WorkerKilled):
        runs.follow(job.pk)
    assert Job.objects.get(pk=job.pk).state == Job.State.RUNNING  # nobody recorded an end
    assert run_received["RunWorkflow"] == (0 if point == "before send" else 1)

    # The sweep finds the job stale and a new worker runs it again.
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    assert [j.pk for j in jobs.requeue_stale()] == [job.pk]
    runs.follow(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert run_received["RunWorkflow"] == 1  # Canvas received one RunWorkflow, whatever the point
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    row = CanvasWorkflow.objects.get(id=workflow_id)
    assert (run.source, run.job_id, run.run_till, run.status) == ("ours", job.pk, 1, "Ready")
    assert abs(run.started_at - row.date_last_run) < timedelta(milliseconds=1)
    assert AuditEntry.objects.filter(action="canvas.workflow.run", target_id=workflow_id).count() == 1
