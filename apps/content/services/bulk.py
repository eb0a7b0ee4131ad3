"""Bulk publish, unpublish and delete: a readiness check first, then one batch job over the items.

The jobs runner sends up to 8 calls at a time over one connection pool. Each item is idempotent
(publishing re-reads the record first), so a retry after a lost answer or a stale `lastUpdatedAt`
never publishes twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.urls import reverse

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, Record, Schema
from apps.content.models import BulkRun, DeletedRecord
from apps.content.services import deleted, schedule
from apps.content.services.records import IDS_PER_CALL, bring_to, missing_required, newer_drafts
from apps.content.services.workspace import workspace_for
from apps.core import audit
from apps.core.http import RETRYABLE, ApiError, ApiNotFound, ApiUnavailable
from apps.core.paging import REMOTE_PAGE_MAX
from apps.jobs import bulk, runner
from apps.jobs import services as jobs
from apps.jobs.bulk import Verdict
from apps.jobs.models import Job, JobItem

Operation = BulkRun.Operation
JOBS = bulk.BulkJobs(BulkRun, workspace_for, "record", see="view_content", act="publish_content")


JOBS.name_kinds(Operation)


def select(
    api: BrickworksClient,
    schema: Schema,
    *,
    ids: list[str] | None = None,
    search: str | None = None,
    status: str | None = None,
) -> Iterator[list[Record]]:
    """The chosen records, or every record the filter finds (one row per record, live version first):
    a batch for each answer of Brickworks as it comes."""
    if ids:
        ids = bulk.unique_ids(ids, noun="record")
        for start in range(0, len(ids), IDS_PER_CALL):
            chunk = ids[start : start + IDS_PER_CALL]
            order = {record_id: index for index, record_id in enumerate(chunk)}
            found = api.list_records(schema.id, ids=chunk, limit=len(chunk)).data
            yield sorted(found, key=lambda record: order.get(record.id, len(order)))
        return
    page, seen = 1, 0
    while True:
        result = api.list_records(
            schema.id, page=page, limit=REMOTE_PAGE_MAX, search=search, statuses=[status] if status else None
        )
        bulk.within(result.meta.total, noun="record")
        seen += len(result.data)
        yield result.data
        if not result.data or seen >= result.meta.total:
            return
        page += 1


def readiness(api: BrickworksClient, schema: Schema, operation: str, records: list[Record]) -> list[Verdict]:
    """What each record's operation would do: a live record has nothing to publish, a draft with an
    empty required field would fail (its newest draft is what gets published)."""
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
    drafts = newer_drafts(api, schema, records)
    verdicts = []
    for record in records:
        candidate = drafts.get(record.id, record)
        if candidate.status == "PUBLISHED":
            verdicts.append(Verdict(record, "skip", "Already live"))
        elif missing := missing_required(schema, candidate.values):
            verdicts.append(Verdict(record, "fail", f"Required but empty: {', '.join(missing)}"))
        else:
            verdicts.append(
                Verdict(record, "ready", "Publishes the draft" if candidate is not record else "")
            )
    return verdicts


@transaction.atomic
def create_job(
    workspace: Workspace[BrickworksClient],
    schema: Schema,
    operation: str,
    records: list[Record],
    *,
    task_name: str,
) -> Job:
    """One queued job with an item per record; the caller sends `task_name` after commit."""
    what = f"{bulk.counted(len(records), 'record')} of {schema.display_name}"
    items = (
        bulk.Item(r.id, r.name or "", reverse("content:record", args=[schema.app_id, r.id])) for r in records
    )
    label = f"{Operation(operation).label} {what}"
    job = bulk.create_job(
        JOBS, workspace.person, items, operation=operation, label=label, task_name=task_name
    )
    BulkRun.objects.create(
        job=job,
        connection=workspace.connection,
        schema_id=schema.id,
        app_id=schema.app_id,
        schema_name=(schema.display_name or "")[:200],
        operation=operation,
    )
    return job


def run(job_id: int) -> None:
    """The job: every item not yet done (a retry takes the failed and the never-started ones).

    The schema is read before the job is claimed, without transport retries: a transient failure
    there propagates to the task, which tries again (autoretry_for) and fails the job if it gives up.
    """
    job = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).first()
    if job is None:
        return  # done, cancelled or taken: `running` says so
    row = BulkRun.objects.select_related("connection").get(job=job)
    try:
        with workspace_for(None, connection=row.connection).client(retries=0) as first:
            schema = first.get_schema(row.schema_id)
    except RETRYABLE as exc:
        jobs.log(job, f"Could not start: {exc.title}: {exc.message}; trying again", level="warning")
        raise
    except ApiError as exc:
        jobs.fail(job, f"{exc.title}: {exc.message}")
        return
    bulk.run(job_id, lambda job: _work(job, row, schema))


@contextmanager
def _work(job: Job, row: BulkRun, schema: Schema) -> Iterator[BulkWork]:
    with workspace_for(None, connection=row.connection).client() as api:
        yield BulkWork(job, row, api, schema)


class BulkWork:
    """The steps of one bulk operation, for the jobs runner."""

    def __init__(self, job: Job, bulk: BulkRun, api: BrickworksClient, schema: Schema) -> None:
        self.job, self.bulk, self.api, self.schema = job, bulk, api, schema
        self.snapshots: dict[int, DeletedRecord] = {}

    def first(self, item: JobItem) -> runner.Step:
        if self.bulk.operation == Operation.DELETE:
            return lambda record_id: deleted.snapshot_of(self.api, self.schema.id, record_id)
        return lambda record_id: bring_to(self.api, self.schema, record_id, self.bulk.operation)

    def settle(self, item: JobItem, answer: Any) -> runner.Step | str:
        if self.bulk.operation == Operation.DELETE and item.pk not in self.snapshots:
            self.snapshots[item.pk] = DeletedRecord.objects.create(
                connection=self.bulk.connection,
                schema_id=self.bulk.schema_id,
                app_id=self.bulk.app_id,
                record_id=item.key,
                name=answer["record"].get("name") or item.name,
                snapshot=answer,
                deleted_by=self.job.run_by,
            )
            return self.delete
        return str(answer)

    def delete(self, record_id: str) -> str:
        try:
            self.api.delete_record(self.schema.id, record_id)
        except ApiNotFound:
            # A retried DELETE whose first answer was lost lands here; either way the record is gone.
            return "Deleted (it was already gone)"
        except ApiUnavailable:
            # Every answer was lost or refused: whether it is gone decides if the snapshot (Undo) stays.
            try:
                self.api.get_record(self.schema.id, record_id)
            except ApiNotFound:
                return "Deleted (the answer was lost, the record is gone); Undo re-creates it for 7 days"
            raise
        return "Deleted; Undo re-creates it for 7 days"

    def ended(self, item: JobItem, *, ok: bool, message: str) -> None:
        snapshot = self.snapshots.pop(item.pk, None)
        if snapshot is not None and ok:
            schedule.forget(workspace_for(None, connection=self.bulk.connection), item.key)
        elif snapshot is not None:
            snapshot.delete()  # the record is still there, so there is nothing to undo
        ref = audit.Ref("brickworks.record", item.key, f"{self.bulk.app_id}/{item.name}")
        audit.record(
            self.job.run_by,  # the creator, or whoever retried the job
            f"record.{self.bulk.operation}",
            ref,
            outcome="ok" if ok else "failed",
            error="" if ok else message,
            bulk=self.job.pk,
        )
