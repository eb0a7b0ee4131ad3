"""Catalog tasks: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from apps.catalogs.services import exports
from apps.jobs.tasks import JobTask


@shared_task(base=JobTask, ignore_result=True)
def run_export(job_id: int) -> None:
    """Sent when an export starts or is retried; a repeat writes the same file again from the start."""
    exports.run_export(job_id)


@shared_task(ignore_result=True)
def purge_exports() -> int:
    """Run by beat every hour: export files past their 7 days are removed."""
    return exports.purge_exports()
