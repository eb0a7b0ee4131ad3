from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synadmin.settings")

app = Celery("synadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _first_tick(sender: object, **kwargs: object) -> None:
    """Tick once when beat starts, so a fresh `make run` does not warn until the first interval."""
    app.send_task("apps.jobs.tasks.beat_heartbeat")
