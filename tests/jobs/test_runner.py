from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.jobs import runner, services
from apps.jobs.models import Job, JobItem


class Echo:
    """A step per item that answers at once; `ended` writes one audit entry, as the domains do."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def call(self, key: str) -> str:
        with self.lock:
            self.calls.append(key)
        return f"done {key}"

    def first(self, item: JobItem) -> runner.Step:
        return self.call

    def settle(self, item: JobItem, answer: Any) -> str:
        return str(answer)

    def ended(self, item: JobItem, *, ok: bool, message: str) -> None:
        AuditEntry.objects.create(action="demo.item", target_id=item.key, detail={"ok": ok})


def running_job(items: int) -> Job:
    job = services.create_job(kind="demo", label="Demo batch", task_name="apps.demo")
    JobItem.objects.bulk_create(JobItem(job=job, key=f"k{n}", name=f"Item {n}") for n in range(items))
    job = Job.objects.claim(job.pk)
    assert job is not None
    return job


@pytest.mark.usefixtures("db")
def test_it_writes_finished_items_in_batches_not_one_update_each() -> None:
    job, work = running_job(80), Echo()
    with CaptureQueriesContext(connection) as queries:
        runner.run(job, work)
    updates = [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "jobs_jobitem"')]
    assert sorted(work.calls) == sorted(f"k{n}" for n in range(80))
    assert job.items.filter(state=JobItem.State.DONE).count() == 80
    assert AuditEntry.objects.filter(action="demo.item").count() == 80
    # One to reset the items, then one per batch of finished items (a batch is what finished
    # while the last batch was written); one UPDATE per item kept the calls waiting on the database.
    assert len(updates) < 80 // 2


@pytest.mark.usefixtures("db")
def test_a_cancel_asked_before_the_start_sends_no_call() -> None:
    job, work = running_job(runner.WORKERS * 3), Echo()
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    with pytest.raises(services.JobCancelled):
        runner.run(job, work)
    assert work.calls == []
    assert runner.counts(job)["waiting"] == runner.WORKERS * 3
