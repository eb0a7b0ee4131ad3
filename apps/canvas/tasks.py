"""Canvas tasks: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from apps.canvas.services import runs
from apps.jobs.tasks import JobTask


@shared_task(base=JobTask, ignore_result=True)
def follow_run(job_id: int) -> None:
    """Sent when someone starts a run: sends RunWorkflow once and follows the run to its end. A second
    delivery finds the job claimed; a job requeued after its worker died reads the workflow's dateLastRun
    before it sends RunWorkflow again."""
    runs.follow(job_id)


@shared_task(ignore_result=True)
def poll_runs() -> int:
    """Run by beat every 30 s: keeps the runs Canvas started on schedule; each run is kept once."""
    return runs.poll()
