"""Sending a job's task to the broker, and what happens when the broker cannot take it."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

from apps.core.queue import BROKER_ERRORS, NOT_STARTED, QueueUnavailable
from apps.jobs import services
from apps.jobs.models import Job

logger = logging.getLogger(__name__)


def send(task: Any, job_id: int) -> None:
    """Send `task` (a task or its name) for the job once the transaction commits.

    The job row exists before the send (a worker must find it), so a broker that refuses the message
    cannot roll it back: the job is failed instead, saying nothing was started, and QueueUnavailable
    is raised (the middleware answers 503). No job is left claiming to be queued with no message.
    """
    name = task if isinstance(task, str) else task.name
    transaction.on_commit(partial(_send_now, name, job_id))


def _send_now(task_name: str, job_id: int) -> None:
    try:
        # A registered task is called through its signature, so eager mode (tests) applies.
        current_app.signature(task_name, args=[job_id]).delay()
    except BROKER_ERRORS as exc:
        logger.warning("task queue unreachable, job %s not started: %s", job_id, exc)
        job = Job.objects.filter(pk=job_id).first()
        if job is not None:
            services.fail(job, NOT_STARTED)
        raise QueueUnavailable from exc
