"""A job run by a real Celery worker over the real broker, from the button to the finished job."""

from __future__ import annotations

import gc
import time

import pytest
from celery.signals import worker_process_init, worker_ready
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.jobs.models import Job
from synadmin import celery


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


def test_a_started_worker_leaves_what_it_has_loaded_out_of_every_later_collection() -> None:
    """Its own process (threads and solo pools) when it is ready, each forked process (prefork) when it
    starts: both run `freeze_what_is_loaded`, which moves every live object out of the collector's reach."""
    assert celery._freeze_on_start in worker_ready._live_receivers(None)
    assert celery._freeze_in_child in worker_process_init._live_receivers(None)
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        celery._freeze_in_child(sender=None)
        assert gc.get_freeze_count() > 100_000  # Django, the apps and the clients
    finally:
        gc.freeze()  # as the test process was (tests/conftest.py)
