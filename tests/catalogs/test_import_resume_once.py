"""A resumed import neither doubles nor loses: the worker killed just after a batch (C11, an upsert by
key) was written but before the job confirmed it sends that batch again, and the catalog ends with each
row once, its item count true, and the progress and the audit counting each row once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.catalogs import tasks
from apps.catalogs.client import CatalogsClient
from apps.catalogs.services import imports
from apps.catalogs.services.workspace import workspace_for
from apps.core.models import AuditEntry
from apps.jobs import services as jobs
from apps.jobs.models import Job, JobItem
from tests.catalogs.conftest import dry_run, items_of, upload
from tests.catalogs.test_import_run import csv_of

pytestmark = pytest.mark.usefixtures("eager_celery")


class WorkerKilled(BaseException):
    """The worker's death as seen from inside the job: nothing after it runs."""


def test_a_batch_written_but_not_confirmed_is_sent_again_and_counted_once(
    editor_client: Client, eddie: User, cat: CatalogsClient, books: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH_SIZE", 10)
    imp = dry_run(editor_client, upload(editor_client, books, csv_of(range(1, 56))))
    real = CatalogsClient.add_items_encoded
    sent: list[int] = []
    lock = threading.Lock()

    def add_items(client: CatalogsClient, catalog_id: int, body: bytes) -> bool:
        answer = real(client, catalog_id, body)  # written on the remote
        with lock:
            sent.append(len(body))
            kill = len(sent) == 3
        if kill:
            raise WorkerKilled  # ... and the worker dies before the job confirms the batch
        return answer

    monkeypatch.setattr(CatalogsClient, "add_items_encoded", add_items)
    with pytest.raises(WorkerKilled):
        job = imports.start_import(workspace_for(eddie), imp=imp, task_name=tasks.run_import.name)
        imports.run_import(job.pk)
    job.refresh_from_db()
    confirmed = job.items.filter(state=JobItem.State.DONE).count()
    first_run = len(sent)
    assert job.state == Job.State.RUNNING and confirmed < first_run <= 6

    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    assert [j.pk for j in jobs.requeue_stale()] == [job.pk]
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    # Every batch not confirmed was sent again, the one written before the kill among them.
    assert len(sent) == first_run + (6 - confirmed) > 6
    items = items_of(cat, books)
    assert len(items) == 55 and cat.list_items(books, limit=1).meta_data.total_count == 55
    assert imports.done_counts(job)["rows"] == 55
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "<strong>55</strong> of 55 rows written" in page
    entry = AuditEntry.objects.get(action="catalog.import")
    assert entry.detail["rows_written"] == 55 and entry.outcome == "ok"
