"""Content tasks: ids in, one service call each."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from apps.content.services import bulk, deleted, schedule
from apps.core.http import RETRYABLE
from apps.jobs.tasks import STARTUP_RETRIES, JobTask


@shared_task(ignore_result=True)
def sweep_schedule() -> int:
    """Run by beat every 10 s and when a worker starts: hand what is due in the next minute to workers."""
    return schedule.sweep(_send)


def _send(pk: int, eta: datetime | None) -> None:
    run_scheduled.apply_async((pk,), eta=eta)


@shared_task(ignore_result=True)
def run_scheduled(pk: int) -> str | None:
    """Sent by the sweep with the action's time as ETA; the claim makes a second delivery a no-op."""
    return schedule.run(pk)


@shared_task(
    base=JobTask,
    ignore_result=True,
    autoretry_for=RETRYABLE,
    max_retries=STARTUP_RETRIES,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def run_bulk(job_id: int) -> None:
    """Sent when a bulk job starts or is retried; items already done are skipped.

    Only the start-up read (before the job is claimed) can raise a transient error out of the
    service: it goes without transport retries, so with the task's 3 retries it is sent at most 4 times.
    """
    bulk.run(job_id)


@shared_task(ignore_result=True)
def purge_deleted() -> int:
    """Run by beat every hour: snapshots past their 7 days of Undo are dropped."""
    return deleted.purge_deleted()
