"""Automation tasks: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from apps.automations.services import bulk, runs, schedule, workflows
from apps.jobs.tasks import JobTask


@shared_task(base=JobTask, ignore_result=True)
def run_workflow(job_id: int) -> None:
    """Sent when an operator runs (or resumes) a workflow, and again by the stale-job sweep when its
    worker died: W3 is sent once (its intent and confirmation, `apps.jobs.intents`), and following it
    again only re-reads W6."""
    workflows.run(job_id)


@shared_task(ignore_result=True)
def poll_runs() -> int:
    """Run by beat every 30 s: store the last run of every active or recently run workflow. A repeat
    finds the same run ids and only updates those not yet final."""
    return runs.poll()


@shared_task(ignore_result=True)
def purge_runs() -> int:
    """Run by beat every hour: runs older than WORKFLOW_RUNS_KEPT_DAYS are dropped."""
    return runs.purge()


@shared_task(ignore_result=True)
def run_scheduled(pk: int) -> str | None:
    """Sent by the shared sweep (`apps.jobs.tasks.sweep_schedules`) with the action's time as ETA; the
    claim makes a second delivery a no-op."""
    return schedule.run(pk)


@shared_task(base=JobTask, ignore_result=True)
def run_bulk(job_id: int) -> None:
    """Sent when a bulk pause or resume starts or is retried; items already done are skipped."""
    bulk.run(job_id)
