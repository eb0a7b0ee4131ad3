"""The import against the live sandbox: it does what the dry run showed, resumes after its worker dies,
retries only the failed batches, refuses to run on a catalog that changed since the dry run."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.catalogs import tasks
from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports
from apps.catalogs.services.workspace import workspace_for
from apps.core.models import AuditEntry
from apps.jobs import services as jobs
from apps.jobs.models import Job, JobItem
from apps.sandbox.models import FaultSettings
from tests.catalogs.conftest import dry_run, items_of, run_import, upload

pytestmark = pytest.mark.usefixtures("eager_celery")


def csv_of(rows: range, *, title: str = "Book") -> bytes:
    lines = ["isbn,title,meta"] + [f'{n},{title} {n},"{{""n"": {n}}}"' for n in rows]
    return ("\n".join(lines) + "\n").encode()


def test_the_import_does_what_the_dry_run_showed(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_items(
        books, {"1": {"isbn": "1", "title": "Book 1", "meta": {"n": 1}}, "2": {"isbn": "2", "title": "Old"}}
    )
    cat.add_item(books, item_key="gone", value={"isbn": "gone"})
    content = csv_of(range(1, 6)) + b"7,Short\n"
    imp = dry_run(editor_client, upload(editor_client, books, content), reconcile="on")
    assert {k: imp.counts[k] for k in ("new", "changed", "unchanged", "invalid", "delete")} == {
        "new": 3,
        "changed": 1,
        "unchanged": 1,
        "invalid": 1,
        "delete": 1,
    }
    imp = run_import(editor_client, imp)
    assert imp.run.state == Job.State.SUCCEEDED
    assert items_of(cat, books) == {
        str(n): {"isbn": str(n), "title": f"Book {n}", "meta": {"n": n}} for n in range(1, 6)
    }
    entries = AuditEntry.objects.filter(action="catalog.import")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.username == "eddie" and entry.outcome == "ok"
    assert {
        k: entry.detail[k] for k in ("added", "changed", "deleted", "rows_written", "failed_batches")
    } == {"added": 3, "changed": 1, "deleted": 1, "rows_written": 4, "failed_batches": 0}
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "<strong>5</strong> of 5 rows written" in page


def test_an_import_refuses_a_catalog_changed_since_the_dry_run(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    imp = dry_run(editor_client, upload(editor_client, books, csv_of(range(1, 4))))
    cat.add_item(books, item_key="1", value={"isbn": "1", "title": "Typed meanwhile"})
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "The catalog changed since the dry run" in page
    imp = run_import(editor_client, imp)
    assert imp.run is None
    assert items_of(cat, books) == {"1": {"isbn": "1", "title": "Typed meanwhile"}}


class WorkerKilled(BaseException):
    """What the worker's death looks like from inside the job: nothing after it runs."""


def test_an_import_resumes_after_its_worker_dies_and_retries_only_the_failed_batches(
    editor_client: Client, eddie: User, cat: CatalogsClient, books: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH_SIZE", 10)
    imp = dry_run(editor_client, upload(editor_client, books, csv_of(range(1, 56))))
    sent = spy_batches(monkeypatch, kill_at=4)
    with pytest.raises(WorkerKilled):
        job = imports.start_import(workspace_for(eddie), imp=imp, task_name=tasks.run_import.name)
        imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING  # the worker died: nobody recorded an end
    confirmed = set(job.items.filter(state=JobItem.State.DONE).values_list("key", flat=True))
    assert 3 <= len(confirmed) < 6

    # The sweep finds it stale and sends it again; meanwhile the sandbox refuses every write.
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    FaultSettings.objects.create(pk=1, error_rate=1.0, faults=["5xx"])  # the row the sandbox reads
    sent.calls.clear()
    assert [j.pk for j in jobs.requeue_stale()] == [job.pk]
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert len(sent.calls) == 6 - len(confirmed)  # only the batches not confirmed were sent again
    assert job.items.filter(state=JobItem.State.FAILED).count() == 6 - len(confirmed)

    FaultSettings.objects.all().delete()
    sent.calls.clear()
    page = editor_client.post(reverse("catalogs:import_retry", args=[imp.pk]))
    assert page.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert len(sent.calls) == 6 - len(confirmed)
    items = items_of(cat, books)
    assert len(items) == 55 and cat.list_items(books, limit=1).meta_data.total_count == 55
    assert items == {str(n): {"isbn": str(n), "title": f"Book {n}", "meta": {"n": n}} for n in range(1, 56)}
    outcomes = list(
        AuditEntry.objects.filter(action="catalog.import").order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == ["failed", "ok"]  # the killed run wrote nothing; each run that ended wrote one


class Spy:
    def __init__(self, kill_at: int) -> None:
        self.calls: list[int] = []
        self.kill_at = kill_at
        self.lock = threading.Lock()


def spy_batches(monkeypatch: pytest.MonkeyPatch, *, kill_at: int) -> Spy:
    """Counts the C11 batches sent; the `kill_at`-th call kills the worker instead of sending."""
    spy, real = Spy(kill_at), CatalogsClient.add_items_encoded

    def add_items(client: CatalogsClient, catalog_id: int, body: bytes) -> bool:
        with spy.lock:
            spy.calls.append(len(body))
            if len(spy.calls) == spy.kill_at:
                spy.kill_at = 0
                kill = True
            else:
                kill = False
        if kill:
            time.sleep(1)  # the other batches under way are answered and confirmed first
            raise WorkerKilled
        return real(client, catalog_id, body)

    monkeypatch.setattr(CatalogsClient, "add_items_encoded", add_items)
    return spy


def test_uploads_are_kept_seven_days(editor_client: Client, books: int) -> None:
    kept = dry_run(editor_client, upload(editor_client, books, csv_of(range(1, 3))))
    old = upload(editor_client, books, csv_of(range(1, 3)))
    CatalogImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert imports.folder_of(old).exists()
    assert tasks.purge_imports() == 1
    assert not imports.folder_of(old).exists() and imports.folder_of(kept).exists()
    assert list(CatalogImport.objects.values_list("pk", flat=True)) == [kept.pk]
