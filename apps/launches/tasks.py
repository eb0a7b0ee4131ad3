"""Launch tasks: ids in, one service call each."""

from __future__ import annotations

from celery import shared_task

from apps.launches.services import running


@shared_task(ignore_result=True)
def run_action(pk: int) -> str | None:
    """Sent by the shared sweep (`apps.jobs.tasks.sweep_schedules`) at the action's time; the claim makes a
    second delivery a no-op, and a worker that died hands it to the next sweep."""
    return running.run(pk)
