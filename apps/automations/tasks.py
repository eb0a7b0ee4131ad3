"""Workflow tasks: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from apps.automations.services import bulk, schedule
from apps.jobs.tasks import JobTask


@shared_task(ignore_result=True)
def run_scheduled(pk: int) -> str | None:
    """Sent by the shared sweep (`apps.jobs.tasks.sweep_schedules`) with the action's time as ETA; the
    claim makes a second delivery a no-op."""
    return schedule.run(pk)


@shared_task(base=JobTask, ignore_result=True)
def run_bulk(job_id: int) -> None:
    """Sent when a bulk pause or resume starts or is retried; items already done are skipped."""
    bulk.run(job_id)
