from __future__ import annotations

from celery import shared_task

from apps.connections import services
from apps.jobs.tasks import JobTask


@shared_task(base=JobTask, ignore_result=True)
def test_connection(job_id: int) -> None:
    """Started by the "Test connection" button. Not retried: the person wants the answer now.

    A repeat is a no-op: the job is claimed with a conditional update.
    """
    services.test_connection(job_id)
