"""Bulk publish, unpublish and delete: a readiness check first, then one Job that works through the items.

The job sends up to WORKERS calls at a time over one connection pool. Worker threads only talk to
Brickworks; the job's own thread writes every row, so no database connection is shared or leaked.
Each item is idempotent (publishing re-reads the record first), so a retry after a lost answer or a
stale `lastUpdatedAt` never publishes twice.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content import schedule, services
from apps.content.client import BrickworksClient, Record, Schema
from apps.content.models import BulkItem, BulkRun, DeletedRecord
from apps.core import audit
from apps.core.http import RETRYABLE, ApiConflict, ApiError, ApiNotFound, ApiRateLimited
from apps.jobs import services as jobs
from apps.jobs.models import Job

MAX_RECORDS = 5000
WORKERS = 8
ATTEMPTS = 5
REPORT_EVERY = 0.5  # seconds between progress writes and cancel checks
Operation = BulkRun.Operation
State = BulkItem.State


class TooMany(Exception):
    """The selection is larger than one bulk job takes."""


@dataclass
class Verdict:
    """What will happen to one record: `ready`, `skip` (nothing to do) or `fail` (it would fail)."""

    record: Record
    outcome: str
    reason: str = ""


def select(
    api: BrickworksClient,
    schema: Schema,
    *,
    ids: list[str] | None = None,
    search: str | None = None,
    status: str | None = None,
) -> list[Record]:
    """The chosen records, or every record the filter finds (one row per record, live version first)."""
    found: list[Record] = []
    if ids:
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            found += api.list_records(schema.id, ids=chunk, limit=len(chunk)).data
        order = {record_id: index for index, record_id in enumerate(ids)}
        return sorted(found, key=lambda record: order.get(record.id, len(order)))
    page = 1
    while True:
        result = api.list_records(
            schema.id, page=page, limit=1000, search=search, statuses=[status] if status else None
        )
        if result.meta.total > MAX_RECORDS:
            raise TooMany(
                f"The filter finds {result.meta.total} records; one bulk action takes up to {MAX_RECORDS}. "
                "Narrow the filter and run it in parts."
            )
        found += result.data
        if not result.data or len(found) >= result.meta.total:
            return found
        page += 1


def readiness(api: BrickworksClient, schema: Schema, operation: str, records: list[Record]) -> list[Verdict]:
    if operation == Operation.UNPUBLISH:
        return [
            Verdict(r, "ready", "Goes offline") if r.status == "PUBLISHED" else Verdict(r, "skip", "Not live")
            for r in records
        ]
    if operation == Operation.DELETE:
        return [
            Verdict(r, "ready", "Live now: it goes offline too" if r.status == "PUBLISHED" else "")
            for r in records
        ]
    drafts = _drafts(api, schema, [r.id for r in records if r.status == "PUBLISHED"])
    verdicts = []
    for record in records:
        candidate = drafts.get(record.id, record)
        if candidate.status == "PUBLISHED":
            verdicts.append(Verdict(record, "skip", "Already live"))
        elif missing := services.missing_required(schema, candidate.values):
            verdicts.append(Verdict(record, "fail", f"Required but empty: {', '.join(missing)}"))
        else:
            verdicts.append(
                Verdict(record, "ready", "Publishes the draft" if candidate is not record else "")
            )
    return verdicts


def _drafts(api: BrickworksClient, schema: Schema, live_ids: list[str]) -> dict[str, Record]:
    """The newer drafts of live records of a versioned schema, by record id."""
    if schema.is_simple:
        return {}
    drafts: dict[str, Record] = {}
    for start in range(0, len(live_ids), 100):
        chunk = live_ids[start : start + 100]
        page = api.list_records(schema.id, ids=chunk, statuses=["DRAFT", "SCHEDULED"], limit=len(chunk))
        drafts.update((record.id, record) for record in page.data)
    return drafts


def start(
    user: AbstractBaseUser, connection: Connection, schema: Schema, operation: str, records: list[Record]
) -> Job:
    """One queued job for the records; its items are written with it, in one transaction."""
    from apps.content import tasks  # tasks imports this module
    from apps.jobs.tasks import start as start_job

    verb = Operation(operation).label
    count = len(records)
    with transaction.atomic():
        job = start_job(
            tasks.run_bulk,
            kind=f"content.bulk_{operation}",
            label=f"{verb} {count} record{'s' if count != 1 else ''} of {schema.display_name}",
            target=None,
            user=user,
        )
        run = BulkRun.objects.create(
            job=job, connection=connection, schema_id=schema.id, app_id=schema.app_id, operation=operation
        )
        BulkItem.objects.bulk_create(
            BulkItem(run=run, record_id=record.id, name=(record.name or "")[:300]) for record in records
        )
    return job


def counts(run: BulkRun) -> dict[str, int]:
    totals = run.items.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(state=State.DONE)),
        failed=Count("pk", filter=Q(state=State.FAILED)),
    )
    totals["waiting"] = totals["total"] - totals["done"] - totals["failed"]
    return totals


def run(job_id: int) -> None:
    """The job: every item not yet done (a retry takes the failed and the never-started ones)."""
    with jobs.running(job_id, retryable=False) as job:
        if job is None:
            return
        bulk = BulkRun.objects.select_related("connection").get(job=job)
        todo = list(bulk.items.exclude(state=State.DONE))
        BulkItem.objects.filter(pk__in=[item.pk for item in todo]).update(state=State.PENDING, message="")
        jobs.log(job, f"{len(todo)} record{'s' if len(todo) != 1 else ''} to {bulk.operation}")
        with BrickworksClient(connections.synerise_http(bulk.connection)) as api:
            schema = api.get_schema(bulk.schema_id)
            Worker(job, bulk, api, schema).work(todo)
        totals = counts(bulk)
        if totals["failed"]:
            raise jobs.JobFailed(
                f"{totals['failed']} of {totals['total']} failed; the other {totals['done']} are done."
            )


class Worker:
    def __init__(self, job: Job, bulk: BulkRun, api: BrickworksClient, schema: Schema) -> None:
        self.job, self.bulk, self.api, self.schema = job, bulk, api, schema
        self.user = job.created_by
        self.total = bulk.items.count()
        self.finished = self.total - bulk.items.exclude(state=State.DONE).count()
        self.failed = 0
        self.snapshots: dict[int, DeletedRecord] = {}

    def work(self, todo: list[BulkItem]) -> None:
        queue = deque(todo)
        running: dict[Future[tuple[Any, int]], tuple[BulkItem, str]] = {}
        cancelled = False
        reported = 0.0
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="bulk") as pool:
            while running or (queue and not cancelled):
                while queue and not cancelled and len(running) < WORKERS:
                    item = queue.popleft()
                    step = "snapshot" if self.bulk.operation == Operation.DELETE else self.bulk.operation
                    running[pool.submit(attempt, self.step(step), item.record_id)] = (item, step)
                done, _ = wait(running, timeout=REPORT_EVERY, return_when=FIRST_COMPLETED)
                for future in done:
                    item, step = running.pop(future)
                    follow = self.settle(item, step, future)
                    if follow:
                        running[pool.submit(attempt, self.step(follow), item.record_id)] = (item, follow)
                if time.monotonic() - reported >= REPORT_EVERY or not running:
                    reported = time.monotonic()
                    cancelled = cancelled or self.report()
        if cancelled:
            raise jobs.JobCancelled

    def step(self, name: str) -> Callable[[str], Any]:
        api, schema_id = self.api, self.bulk.schema_id
        return {
            "publish": lambda record_id: services.bring_to(api, schema_id, record_id, "publish"),
            "unpublish": lambda record_id: services.bring_to(api, schema_id, record_id, "unpublish"),
            "snapshot": lambda record_id: services.snapshot_of(api, schema_id, record_id),
            "delete": lambda record_id: _delete(api, schema_id, record_id),
        }[name]

    def settle(self, item: BulkItem, step: str, future: Future[tuple[Any, int]]) -> str | None:
        """Record how one call ended; returns the next step of the same item, if it has one."""
        try:
            answer, tries = future.result()
        except Failed as failed:
            snapshot = self.snapshots.pop(item.pk, None)
            if snapshot is not None:
                snapshot.delete()  # the record is still there, so there is nothing to undo
            self.finish(item, State.FAILED, f"{failed.error.title}: {failed.error.message}", failed.tries)
            return None
        if step == "snapshot":
            self.snapshots[item.pk] = DeletedRecord.objects.create(
                connection=self.bulk.connection,
                schema_id=self.bulk.schema_id,
                app_id=self.bulk.app_id,
                record_id=item.record_id,
                name=answer["record"].get("name") or item.name,
                snapshot=answer,
                deleted_by=self.user,
            )
            item.attempts += tries
            return "delete"
        if self.snapshots.pop(item.pk, None) is not None:
            schedule.forget(self.bulk.connection, item.record_id)
        self.finish(item, State.DONE, answer, tries)
        return None

    def finish(self, item: BulkItem, state: str, message: str, tries: int) -> None:
        item.state, item.message, item.finished_at = state, message, timezone.now()
        item.attempts += tries
        item.save(update_fields=["state", "message", "attempts", "finished_at"])
        self.finished += 1
        self.failed += state == State.FAILED
        ref = audit.Ref("brickworks.record", item.record_id, f"{self.bulk.app_id}/{item.name}")
        outcome = "ok" if state == State.DONE else "failed"
        error = message if state == State.FAILED else ""
        audit.record(
            self.user, f"record.{self.bulk.operation}", ref, outcome=outcome, error=error, bulk=self.job.pk
        )

    def report(self) -> bool:
        """Write progress; True when someone asked to cancel."""
        step = f"{self.finished} of {self.total} finished" + (
            f", {self.failed} failed" if self.failed else ""
        )
        Job.objects.filter(pk=self.job.pk).update(
            progress=self.finished * 100 // max(1, self.total), step=step, heartbeat_at=timezone.now()
        )
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


class Failed(Exception):
    """An item's call that gave up: the remote error and how many tries it took."""

    def __init__(self, error: ApiError, tries: int) -> None:
        super().__init__(error.message)
        self.error, self.tries = error, tries


def attempt(call: Callable[[str], Any], record_id: str) -> tuple[Any, int]:
    """Call with retries on transient errors and on conflicts (the call re-reads, so it is safe)."""
    for tries in range(1, ATTEMPTS + 1):
        try:
            return call(record_id), tries
        except (*RETRYABLE, ApiConflict) as exc:
            if tries == ATTEMPTS:
                raise Failed(exc, tries) from exc
            wait_for = exc.retry_after if isinstance(exc, ApiRateLimited) and exc.retry_after else 0.0
            time.sleep(min(10.0, max(wait_for, 0.2 * 2 ** (tries - 1))))
        except ApiError as exc:
            raise Failed(exc, tries) from exc
    raise AssertionError("unreachable")


def _delete(api: BrickworksClient, schema_id: str, record_id: str) -> str:
    try:
        api.delete_record(schema_id, record_id)
    except ApiNotFound:
        # A retried DELETE whose first answer was lost lands here; either way the record is gone.
        return "Deleted (it was already gone)"
    return "Deleted; Undo re-creates it for 7 days"
