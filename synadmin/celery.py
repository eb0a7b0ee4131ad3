from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synadmin.settings")

app = Celery("synadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _first_tick(sender: object, **kwargs: object) -> None:
    """Tick once when beat starts, so a fresh `make run` does not warn until the first interval."""
    app.send_task("apps.jobs.tasks.beat_heartbeat")


@worker_ready.connect
def _sweep_on_start(sender: object, **kwargs: object) -> None:
    """A worker that (re)starts sweeps at once: what a dead worker left is made up for without waiting
    for beat (only what is stale or past its lease is taken, so a live worker's work is left alone)."""
    app.send_task("apps.jobs.tasks.requeue_stale_jobs")
    app.send_task("apps.jobs.tasks.sweep_schedules")
