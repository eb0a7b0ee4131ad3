"""Content tasks: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from apps.content.services import bulk, deleted, schedule
from apps.core.http import RETRYABLE
from apps.jobs.tasks import STARTUP_RETRIES, JobTask


@shared_task(ignore_result=True)
def run_scheduled(pk: int) -> str | None:
    """Sent by the shared sweep (`apps.jobs.tasks.sweep_schedules`) with the action's time as ETA; the
    claim makes a second delivery a no-op."""
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
