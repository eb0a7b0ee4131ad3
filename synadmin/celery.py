from __future__ import annotations

import gc
import os

from celery import Celery
from celery.signals import beat_init, worker_process_init, worker_ready

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


def freeze_what_is_loaded() -> None:
    """What a worker has loaded to start (Django, every app, the clients) lives as long as it does: the
    cyclic collector leaves it out of every later full collection (they walked it all, hundreds of thousands
    of objects: a catalog dry run of 100,000 rows runs a tenth faster without)."""
    gc.collect()
    gc.freeze()


@worker_ready.connect  # the threads and solo pools: the worker's own process
def _freeze_on_start(sender: object, **kwargs: object) -> None:
    freeze_what_is_loaded()


@worker_process_init.connect  # the prefork pool: each process it forks
def _freeze_in_child(sender: object, **kwargs: object) -> None:
    freeze_what_is_loaded()
