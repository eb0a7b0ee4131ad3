from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.core.http import ApiNotFound, ApiUnavailable
from apps.core.models import AuditEntry
from apps.jobs import services
from apps.jobs.models import Heartbeat, Job


@pytest.fixture
def job(db: None) -> Job:
    return services.create_job(kind="demo", label="Demo job", task_name="apps.demo")


def test_it_claims_a_queued_job_once(job: Job) -> None:
    assert Job.objects.claim(job.pk) is not None
    assert Job.objects.claim(job.pk) is None
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING
    assert job.attempts == 1
    assert job.started_at is not None


def test_it_marks_a_job_succeeded_with_progress_and_log(job: Job) -> None:
    with services.running(job.pk) as running:
        assert running is not None
        services.report(running, progress=50, step="Half way")
    job.refresh_from_db()
    assert (job.state, job.progress, job.step) == (Job.State.SUCCEEDED, 100, "Done")
    assert job.finished_at is not None
    assert "Half way" in [line.message for line in job.logs.all()]


def test_it_does_nothing_for_a_job_that_is_not_queued(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED)
    ran = False
    with services.running(job.pk) as running:
        if running is not None:
            ran = True
    assert not ran


def test_it_fails_a_job_on_a_permanent_remote_error(job: Job) -> None:
    with services.running(job.pk):
        raise ApiNotFound("No such record", status=404)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "Not found on the remote service: No such record"


def test_it_fails_a_job_on_a_transient_error_the_transport_already_retried(job: Job) -> None:
    with services.running(job.pk):
        raise ApiUnavailable("down")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.can_retry
    assert job.error == "The remote service is unavailable: down"


def test_it_fails_a_job_and_reraises_a_bug(job: Job) -> None:
    with pytest.raises(ZeroDivisionError), services.running(job.pk):
        _ = 1 / 0
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "Internal error: ZeroDivisionError"


def test_it_cancels_a_queued_job_at_once(job: Job, olive: User) -> None:
    user = olive
    services.cancel_job(job, user=user)
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    with services.running(job.pk) as running:
        assert running is None
    assert AuditEntry.objects.get(action="job.cancel").username == "olive"


def test_it_stops_a_running_job_at_its_next_step(job: Job, olive: User) -> None:
    user = olive
    with services.running(job.pk) as running:
        assert running is not None
        services.report(running, progress=10, step="First step")
        services.cancel_job(job, user=user)
        services.report(running, progress=20, step="Second step")
        pytest.fail("report() should have stopped the job")
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert job.progress == 20


def test_it_retries_only_failed_or_cancelled_jobs(job: Job, olive: User) -> None:
    user = olive
    assert services.retry_job(job, user=user) is False
    services.fail(job, "boom")
    assert services.retry_job(job, user=user) is True
    job.refresh_from_db()
    assert (job.state, job.error, job.progress) == (Job.State.QUEUED, "", 0)
    assert "Retried by olive" in [line.message for line in job.logs.all()]
    assert job.run_by == olive


def test_a_job_takes_the_permission_its_creator_gave_it_to_cancel_or_retry(olive: User, paula: User) -> None:
    generic = services.create_job(kind="demo", label="Generic", task_name="apps.demo", user=paula)
    assert (generic.cancel_permission, generic.retry_permission) == ("jobs.cancel_job", "jobs.retry_job")
    assert generic.run_by == paula
    publishing = services.create_job(
        kind="demo",
        label="Publishing",
        task_name="apps.demo",
        user=paula,
        permission="content.publish_content",
    )
    services.fail(publishing, "boom")
    with pytest.raises(PermissionDenied):
        services.retry_job(publishing, user=olive)
    with pytest.raises(PermissionDenied):
        services.cancel_job(generic, user=paula)
    assert Job.objects.get(pk=publishing.pk).state == Job.State.FAILED
    assert services.retry_job(publishing, user=paula) is True


def test_it_knows_when_beat_is_late(db: None) -> None:
    assert services.beat_is_late() is True
    services.record_heartbeat("beat")
    assert services.beat_is_late() is False
    Heartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=4))
    assert services.beat_is_late() is True
