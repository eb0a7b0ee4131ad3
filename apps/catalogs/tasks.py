"""Catalog tasks: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from apps.catalogs.services import exports, imports, restore
from apps.jobs.tasks import JobTask


@shared_task(base=JobTask, ignore_result=True)
def run_export(job_id: int) -> None:
    """Sent when an export starts or is retried; a repeat writes the same file again from the start."""
    exports.run_export(job_id)


@shared_task(ignore_result=True)
def purge_exports() -> int:
    """Run by beat every hour: export files past their 7 days are removed."""
    return exports.purge_exports()


@shared_task(base=JobTask, ignore_result=True)
def check_import(job_id: int) -> None:
    """Sent when a person asks for a dry run, or when its worker died: it starts over (it reads only)."""
    imports.check(job_id)


@shared_task(base=JobTask, ignore_result=True)
def run_import(job_id: int) -> None:
    """Sent when a person starts an import, retries it, or its worker died: batches already done are
    skipped, and a batch is an upsert by item key, so one sent twice changes nothing."""
    imports.run_import(job_id)


@shared_task(base=JobTask, ignore_result=True)
def undo_import(job_id: int) -> None:
    """Sent when a person takes an import back, or when its worker died: it compares before it writes, so
    a repeat puts back only what is still as the import left it."""
    restore.run_undo(job_id)


@shared_task(ignore_result=True)
def purge_imports() -> int:
    """Run by beat every hour: uploads older than 7 days (a day if never dry-run) go, with their plans, and
    folders no import owns; a repeat finds nothing."""
    return imports.purge()
