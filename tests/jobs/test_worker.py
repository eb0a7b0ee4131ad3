"""A job run by a real Celery worker over the real broker, from the button to the finished job."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.jobs.models import Job


def wait_until_finished(job: Job, timeout: float = 30.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"job still {job.state} after {timeout} s: {[line.message for line in job.logs.all()]}")


@pytest.mark.embedded
def test_a_worker_runs_test_connection_to_completion(
    celery_worker: None, operator_client: Client, demo: dict[str, Connection]
) -> None:
    connection = demo["synerise"]
    response = operator_client.post(reverse("connections:test", args=[connection.pk]))
    job = Job.objects.get(target_id=str(connection.pk))
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job = wait_until_finished(job)
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.attempts == 1
    assert Connection.objects.get(pk=connection.pk).last_check_ok is True


@pytest.mark.embedded
def test_a_worker_runs_a_retried_job_again(
    celery_worker: None, operator_client: Client, demo: dict[str, Connection]
) -> None:
    connection = demo["canvas"]
    good_secret = connection.secret_key
    connection.secret_key = "00000000-0000-0000-0000-000000000000"
    connection.save()
    operator_client.post(reverse("connections:test", args=[connection.pk]))
    job = wait_until_finished(Job.objects.get(target_id=str(connection.pk)))
    assert job.state == Job.State.FAILED

    connection.secret_key = good_secret
    connection.save()
    operator_client.post(reverse("jobs:retry", args=[job.pk]))
    job = wait_until_finished(job)
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.attempts == 2
