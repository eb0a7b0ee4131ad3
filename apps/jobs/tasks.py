from __future__ import annotations

import logging
from typing import Any

from celery import current_app, shared_task
from celery.contrib.django.task import DjangoTask
from django.db import models, transaction

from apps.core import audit
from apps.core.http import ApiError
from apps.jobs import enqueue, scheduling, services
from apps.jobs.models import Job

logger = logging.getLogger(__name__)

# A job task's own start-up reads go without transport retries; the task repeats them this many times.
STARTUP_RETRIES = 3


class JobTask(DjangoTask):
    """Base of tasks whose first argument is a Job id: a task that gives up fails its job."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        job = Job.objects.filter(pk=args[0] if args else kwargs.get("job_id")).first()
        if job is not None:
            reason = f"{exc.title}: {exc.message}" if isinstance(exc, ApiError) else str(exc)
            services.fail(job, f"{reason} (gave up after {self.request.retries + 1} attempts)")


def start(
    task: Any,
    *,
    kind: str,
    label: str,
    target: models.Model | None,
    user: audit.Person | None,
) -> Job:
    """Create a Job for `task` and enqueue the task once the transaction commits (QueueUnavailable when
    the broker cannot take it: the job is then failed, see `enqueue.send`)."""
    job = services.create_job(kind=kind, label=label, task_name=task.name, target=target, user=user)
    enqueue.send(task, job.pk)
    return job


def retry(job: Job, *, user: audit.Person) -> bool:
    """Requeue a failed or cancelled job and send its task again (QueueUnavailable when the broker cannot
    take it: the job is failed again, see `enqueue.send`)."""
    if not services.retry_job(job, user=user):
        return False
    enqueue.send(job.task_name, job.pk)
    return True


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Run by beat every minute; the dashboard warns when the last tick is old. Repeats are harmless."""
    services.record_heartbeat("beat")


@shared_task(ignore_result=True)
def requeue_stale_jobs() -> int:
    """Run by beat every 10 s and when a worker starts: jobs whose worker died are queued and sent again."""
    jobs = services.requeue_stale()
    for job in jobs:
        _send_after_commit(job)
    return len(jobs)


def _send_after_commit(job: Job) -> None:
    """Send a requeued job's task again (a registered task is called directly, so eager mode applies)."""
    transaction.on_commit(lambda: current_app.signature(job.task_name, args=[job.pk]).delay())


@shared_task(ignore_result=True)
def sweep_schedules() -> int:
    """Run by beat every 10 s and when a worker starts: hand what is due in the next minute, in every
    domain's scheduled table, to that domain's task with the action's time as its ETA."""
    return scheduling.sweep_all(_send_scheduled)


def _send_scheduled(source: scheduling.Source, pk: int, eta: Any) -> None:
    current_app.tasks[source.task].apply_async((pk,), eta=eta)
