from __future__ import annotations

from datetime import datetime

from celery import shared_task

from apps.content import schedule


@shared_task(ignore_result=True)
def sweep_schedule() -> int:
    """Run by beat every minute: hand the publishing due in the next minute to workers."""
    return schedule.sweep(_send)


def _send(pk: int, eta: datetime | None) -> None:
    run_scheduled.apply_async((pk,), eta=eta)


@shared_task(ignore_result=True)
def run_scheduled(pk: int) -> str | None:
    return schedule.run(pk)
