"""Use cases of long operations: create, run, cancel and retry a Job."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core import audit, heartbeat
from apps.core.http import ApiError
from apps.jobs.models import Heartbeat, Job, JobLog

logger = logging.getLogger(__name__)

BEAT_INTERVAL = timedelta(seconds=60)
# A running job's heartbeat is written every HEARTBEAT_EVERY by a thread of its worker (`running`);
# one that is STALE lost its worker, and the beat sweep (every 10 s) or a starting worker requeues it.
HEARTBEAT_EVERY = timedelta(seconds=5)
STALE = timedelta(seconds=30)
LOG_TAIL = 50


class JobCancelled(Exception):
    """Raised inside a running job when someone asked to cancel it."""


class JobFailed(Exception):
    """Raised inside a running job to fail it with a message meant for people."""


def create_job(
    *,
    kind: str,
    label: str,
    task_name: str,
    target: models.Model | None = None,
    user: audit.Person | None = None,
    permission: str = "",
) -> Job:
    """A new queued Job; the caller enqueues its task after commit.

    `permission` is what cancelling or retrying it takes (the domain's own, e.g. publishing for a
    bulk publish); empty: jobs.cancel_job and jobs.retry_job.
    """
    person = user if user is not None and user.is_authenticated else None
    job = Job.objects.create(
        kind=kind,
        label=label,
        task_name=task_name,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        created_by=person,
        run_by=person,
        permission=permission,
    )
    log(job, f"Queued by {user.get_username() if user and user.is_authenticated else 'the system'}")
    return job


def log(job: Job, message: str, *, level: str = "info") -> None:
    JobLog.objects.create(job=job, message=message, level=level)


def report(job: Job, *, progress: int, step: str) -> None:
    """Record progress (0-100) and the current step, then stop here if a cancel was asked for."""
    Job.objects.filter(pk=job.pk).update(
        progress=max(0, min(100, progress)), step=step, heartbeat_at=timezone.now()
    )
    job.progress, job.step = progress, step
    log(job, step)
    if Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
        raise JobCancelled


@contextmanager
def running(job_id: int) -> Iterator[Job | None]:
    """Claim a queued job and record how the block ends; yields None when there is nothing to do.

    Remote errors and JobFailed fail the job with their message (transient ones were already
    retried by the transport; "Retry" runs the job again); anything else fails it and propagates,
    because it is a bug.
    """
    job = Job.objects.claim(job_id)
    if job is None:
        logger.info("job %s is not queued (done, cancelled or taken); skipping", job_id)
        yield None
        return
    try:
        with heartbeat.every(HEARTBEAT_EVERY.total_seconds(), lambda: beat(job)):
            yield job
    except JobCancelled:
        _finish(job, Job.State.CANCELLED, step="Cancelled")
        log(job, "Cancelled on request", level="warning")
    except JobFailed as exc:
        fail(job, str(exc))
    except ApiError as exc:
        fail(job, f"{exc.title}: {exc.message}")
    except Exception as exc:
        fail(job, f"Internal error: {type(exc).__name__}")
        raise
    else:
        _finish(job, Job.State.SUCCEEDED, step="Done", progress=100)


def beat(job: Job) -> None:
    """The job's worker is alive: a running job whose heartbeat goes STALE is requeued."""
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())


def fail(job: Job, error: str) -> None:
    """Mark an unfinished job failed with the error shown to people."""
    if _finish(job, Job.State.FAILED, step="Failed", error=error):
        log(job, error, level="error")


def _finish(job: Job, state: str, *, step: str, error: str = "", progress: int | None = None) -> bool:
    fields: dict[str, object] = {"state": state, "step": step, "error": error, "finished_at": timezone.now()}
    if progress is not None:
        fields["progress"] = progress
    changed = Job.objects.filter(pk=job.pk, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(**fields)
    return changed == 1


def may_cancel(user: audit.Person, job: Job) -> bool:
    return bool(user.has_perm(job.cancel_permission))


def may_retry(user: audit.Person, job: Job) -> bool:
    return bool(user.has_perm(job.retry_permission))


def cancel_job(job: Job, *, user: audit.Person) -> None:
    """Cancel a queued job at once, or ask a running one to stop at its next step.

    Raises PermissionDenied when the person lacks the job's cancel permission.
    """
    if not may_cancel(user, job):
        raise PermissionDenied(f"Cancelling this job takes {job.cancel_permission}.")
    with audit.action(user, "job.cancel", job):
        if Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
            state=Job.State.CANCELLED, step="Cancelled", finished_at=timezone.now(), cancel_requested=True
        ):
            log(job, f"Cancelled by {user.get_username()}", level="warning")
        elif Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(cancel_requested=True):
            log(job, f"Cancel requested by {user.get_username()}", level="warning")


def retry_job(job: Job, *, user: audit.Person) -> bool:
    """Put a failed or cancelled job back in the queue, its work now done for `user`; False if it is
    not in such a state. Raises PermissionDenied when the person lacks the job's retry permission."""
    if not may_retry(user, job):
        raise PermissionDenied(f"Retrying this job takes {job.retry_permission}.")
    with audit.action(user, "job.retry", job):
        changed = Job.objects.filter(pk=job.pk, state__in=[Job.State.FAILED, Job.State.CANCELLED]).update(
            state=Job.State.QUEUED,
            progress=0,
            step="",
            error="",
            cancel_requested=False,
            started_at=None,  # a person's retry is a new run: its time and rate start again
            finished_at=None,
            run_by=user if user.is_authenticated else None,
        )
        if changed:
            log(job, f"Retried by {user.get_username()}")
    return changed == 1


def requeue_stale(now: datetime | None = None) -> list[Job]:
    """Put back in the queue the running jobs whose worker stopped (no report for STALE).

    Jobs pick up where they were: their tasks skip what is done, and they keep their `started_at`, so
    their time and rate count the time lost. The caller sends their tasks again.
    """
    now = now or timezone.now()
    stale = Q(state=Job.State.RUNNING, heartbeat_at__lt=now - STALE)
    requeued = []
    for job in Job.objects.filter(stale):
        if Job.objects.filter(stale, pk=job.pk).update(state=Job.State.QUEUED):
            log(job, "The worker running this stopped answering; queued again", level="warning")
            requeued.append(job)
    return requeued


def record_heartbeat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def beat_is_late() -> bool:
    """True when Celery beat has not ticked for three intervals (or never has)."""
    seen = Heartbeat.objects.filter(name="beat").values_list("seen_at", flat=True).first()
    return seen is None or timezone.now() - seen > 3 * BEAT_INTERVAL


def status_context(job: Job, user: audit.Person) -> dict[str, object]:
    """What the job status fragment shows: the job, the tail of its log, what this person may do."""
    logs = list(job.logs.order_by("-pk")[:LOG_TAIL])[::-1]
    return {
        "job": job,
        "logs": logs,
        "log_total": job.logs.count(),
        "may_cancel": may_cancel(user, job),
        "may_retry": may_retry(user, job),
    }
