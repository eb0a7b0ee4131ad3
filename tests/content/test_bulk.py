"""Bulk publish / unpublish / delete: readiness, the job against the live sandbox, faults, cancel, retry."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_httpx import HTTPXMock

from apps.connections.models import Connection
from apps.content import tasks
from apps.content.client import BrickworksClient, Record, Schema
from apps.content.models import DeletedRecord
from apps.content.services import bulk
from apps.content.services.records import bring_to
from apps.content.services.workspace import workspace_for
from apps.core.http import ApiConflict, ApiUnavailable, ApiValidationError
from apps.core.models import AuditEntry
from apps.jobs import runner
from apps.jobs import tasks as jobs_tasks
from apps.jobs.models import Job, JobItem
from apps.sandbox.brickworks.models import RecordVersion
from apps.sandbox.models import FaultSettings
from tests import pages
from tests.people import client_for, make_user

pytestmark = pytest.mark.usefixtures("eager_celery")


def start(user: User, connection: Connection, schema: Schema, operation: str, chosen: list[Record]) -> Job:
    """What the readiness page does on POST: the job, and its task sent after commit."""
    with transaction.atomic():
        job = bulk.create_job(
            workspace_for(user, connection=connection),
            schema,
            operation,
            chosen,
            task_name=tasks.run_bulk.name,
        )
        tasks.run_bulk.delay_on_commit(job.pk)
    return job


def drafts(bw: BrickworksClient, count: int, schema: str = "home-banners") -> list[Record]:
    key, status = ("headline", "DRAFT") if schema == "home-banners" else ("sku", "UNPUBLISHED")
    return [bw.create_record(schema, status=status, values={key: f"Item {n}"}) for n in range(count)]


def test_readiness_lists_what_will_happen_to_each_record(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    schema = bw.get_schema("home-banners")
    live = bw.get_record(schema.id, "winter-sale")
    teaser = bw.get_record(schema.id, "spring-teaser")
    empty = bw.create_record(schema.id, status="DRAFT", name="Half done", values={"tone": "calm"})
    url = reverse("content:bulk_ready", args=["home-banners"])
    chosen = {"operation": "publish", "id": [live.id, teaser.id, empty.id]}
    # At once: the page says it is checking, without asking Brickworks; the list comes from checked=1.
    first = publisher_client.get(url, chosen).content.decode()
    assert "Publish 3 records?" in first and "Checking what will happen to each record" in first
    assert "Would fail" not in first
    assert (
        f'<meta http-equiv="refresh" content="0;url={url}?operation=publish' in first and "checked=1" in first
    )
    page = publisher_client.get(url, {**chosen, "checked": "1"})
    assert page.status_code == 200 and page.streaming
    text = pages.text(page)
    assert "Publish 3 records?" in text and "3 records checked: <strong>1 ready</strong>" in text
    assert "Already live" in text and "Required but empty: Headline" in text
    assert f'name="ids" value="{teaser.id}"' in text

    response = publisher_client.post(
        url, {"operation": "publish", "ids": f"{live.id},{teaser.id},{empty.id}"}
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("content:bulk_detail", args=[job.pk])
    assert job.state == Job.State.SUCCEEDED and job.items.count() == 1
    assert bw.get_record(schema.id, teaser.id).status == "PUBLISHED"
    assert bw.get_record(schema.id, empty.id).status == "DRAFT"
    entry = AuditEntry.objects.get(action="record.publish")
    assert entry.target_id == teaser.id and entry.detail == {"bulk": job.pk}


def test_the_whole_filter_result_and_a_live_record_with_a_newer_draft(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    schema = bw.get_schema("home-banners")
    live = bw.get_record(schema.id, "winter-sale")
    bw.update_record(schema.id, live.id, status="DRAFT", values={**live.values, "headline": "Take 2"})
    url = reverse("content:bulk_ready", args=["home-banners"])
    everything = {"operation": "publish", "all": "1", "status": "PUBLISHED"}
    assert "Publish every matching record?" in publisher_client.get(url, everything).content.decode()
    text = pages.text(publisher_client.get(url, {**everything, "checked": "1"}))
    assert "1 record checked: <strong>1 ready</strong>" in text and "Publishes the draft" in text

    text = pages.text(publisher_client.get(url, {"operation": "unpublish", "all": "1", "checked": "1"}))
    assert "3 records checked: <strong>1 ready</strong>" in text and "Not live" in text


def test_the_detail_page_shows_counts_rate_and_results(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    records = drafts(bw, 3)
    url = reverse("content:bulk_ready", args=["home-banners"])
    publisher_client.post(url, {"operation": "publish", "ids": ",".join(r.id for r in records)})
    job = Job.objects.get()
    page = publisher_client.get(reverse("content:bulk_detail", args=[job.pk])).content.decode()
    assert "<strong>3</strong> of 3 done" in page and "records/s" in page
    assert page.count("Published: version") == 3
    status = publisher_client.get(reverse("content:bulk_status", args=[job.pk])).content.decode()
    assert 'id="bulk-progress"' in status and "hx-get" not in status  # finished: no more polling


def test_with_injected_5xx_and_429_every_record_is_published_once_and_failures_retry(
    publisher_client: Client, bw: BrickworksClient, demo: dict[str, Connection], paula: User
) -> None:
    schema = bw.get_schema("home-banners")
    chosen = drafts(bw, 40)
    FaultSettings.objects.create(pk=1, error_rate=0.3, faults=["5xx", "429"], retry_after=0)
    job = start(paula, demo["synerise"], schema, "publish", chosen)
    FaultSettings.objects.all().delete()
    job.refresh_from_db()
    # The transport gave each request up to 4 sends; an item whose request still failed waits for Retry.
    for item in job.items.filter(state=JobItem.State.FAILED):
        assert item.message.startswith(("The remote service is unavailable", "The remote service asks"))
    if job.state == Job.State.FAILED:
        publisher_client.post(reverse("content:bulk_retry", args=[job.pk]))
        job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert set(job.items.values_list("state", flat=True)) == {JobItem.State.DONE}
    for record in chosen:
        published = RecordVersion.objects.filter(record_id=record.id, published_at__isnull=False)
        assert published.count() == 1
        assert bw.get_record(schema.id, record.id).status == "PUBLISHED"


def test_failures_do_not_stop_the_rest_and_can_be_retried(
    publisher_client: Client, bw: BrickworksClient, paula: User
) -> None:
    schema = bw.get_schema("home-banners")
    good = drafts(bw, 2)
    bad = bw.create_record(schema.id, status="DRAFT", name="No headline", values={})
    user = paula
    job = start(user, Connection.objects.get(kind="synerise"), schema, "publish", [good[0], bad, good[1]])
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error.startswith("1 of 3 failed")
    failed = job.items.get(state=JobItem.State.FAILED)
    assert failed.key == bad.id and "headline" in failed.message.lower()
    assert all(bw.get_record(schema.id, r.id).status == "PUBLISHED" for r in good)

    bw.update_record(schema.id, bad.id, values={"headline": "Fixed"}, last_updated_at=bad.updated_at)
    page = publisher_client.get(reverse("content:bulk_detail", args=[job.pk])).content.decode()
    assert "Retry the 1 failed" in page
    publisher_client.post(reverse("content:bulk_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert bw.get_record(schema.id, bad.id).status == "PUBLISHED"
    assert job.items.filter(state=JobItem.State.DONE).count() == 3


def test_cancel_stops_between_items_and_the_rest_can_be_finished(
    publisher_client: Client, bw: BrickworksClient, demo: dict[str, Connection], paula: User
) -> None:
    schema = bw.get_schema("offers")
    records = drafts(bw, runner.WORKERS * 3, schema="offers")
    with transaction.atomic():  # the job starts when this commits, with the cancel already asked for
        job = start(paula, demo["synerise"], schema, "publish", records)
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    job.refresh_from_db()
    totals = runner.counts(job)
    assert job.state == Job.State.CANCELLED
    assert totals["done"] <= runner.WORKERS and totals["waiting"] >= runner.WORKERS * 2
    publisher_client.post(reverse("content:bulk_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and runner.counts(job)["done"] == len(records)


def test_bulk_delete_snapshots_each_record_for_undo(publisher_client: Client, bw: BrickworksClient) -> None:
    schema = bw.get_schema("home-banners")
    live = bw.get_record(schema.id, "winter-sale")
    teaser = bw.get_record(schema.id, "spring-teaser")
    url = reverse("content:bulk_ready", args=["home-banners"])
    text = pages.text(
        publisher_client.get(url, {"operation": "delete", "id": [live.id, teaser.id], "checked": "1"})
    )
    assert "Live now: it goes offline too" in text and "Recently deleted" in text
    publisher_client.post(url, {"operation": "delete", "ids": f"{live.id},{teaser.id}"})
    assert bw.list_records(schema.id, ids=[live.id, teaser.id]).data == []
    snapshots = DeletedRecord.objects.order_by("name")
    assert [s.record_id for s in snapshots] == [teaser.id, live.id]
    assert snapshots[1].snapshot["record"]["slug"] == "winter-sale"
    publisher_client.post(reverse("content:deleted_undo", args=[snapshots[1].pk]))
    assert bw.get_record(schema.id, "winter-sale").status == "PUBLISHED"


def test_only_publishers_run_bulk_actions(
    viewer_client: Client, editor_client: Client, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    teaser = bw.get_record("home-banners", "spring-teaser")
    url = reverse("content:bulk_ready", args=["home-banners"])
    records_url = reverse("content:records", args=["home-banners"])
    for client in (viewer_client, editor_client):
        assert client.get(url, {"operation": "publish", "id": teaser.id}).status_code == 403
        assert client.post(url, {"operation": "publish", "ids": teaser.id}).status_code == 403
        assert 'name="operation"' not in client.get(records_url).content.decode()
    assert not Job.objects.exists()
    assert bw.get_record("home-banners", teaser.id).status == "DRAFT"


def test_nothing_selected_or_an_unknown_operation_goes_back(
    publisher_client: Client, demo: dict[str, Connection]
) -> None:
    url = reverse("content:bulk_ready", args=["home-banners"])
    page = publisher_client.get(url, {"operation": "publish"}, follow=True).content.decode()
    assert "Select at least one record first." in page
    page = publisher_client.get(url, {"operation": "explode", "all": "1"}, follow=True).content.decode()
    assert "Choose publish, unpublish or delete." in page


def test_the_home_page_links_a_bulk_job_to_its_results(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    record = drafts(bw, 1)[0]
    publisher_client.post(
        reverse("content:bulk_ready", args=["home-banners"]), {"operation": "publish", "ids": record.id}
    )
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, step="3 of 10 finished", progress=30)
    home = publisher_client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("content:bulk_detail", args=[job.pk])}"' in home and "3 of 10 finished" in home


def test_rate_and_time_left_while_running(
    publisher_client: Client, bw: BrickworksClient, paula: User
) -> None:
    records = drafts(bw, 4)
    with transaction.atomic():  # hold the job back: it is only looked at here
        job = start(
            paula,
            Connection.objects.get(kind="synerise"),
            bw.get_schema("home-banners"),
            "publish",
            records,
        )
        started = timezone.now() - timedelta(seconds=10)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.RUNNING, started_at=started, cancel_requested=True
        )
        job.items.filter(pk__in=job.items.values("pk")[:2]).update(
            state=JobItem.State.DONE, finished_at=timezone.now()
        )
        status = publisher_client.get(reverse("content:bulk_status", args=[job.pk])).content.decode()
    assert "<strong>2</strong> of 4 done" in status and "2 waiting" in status
    assert re.search(r"0\.2 records/s\s+· about (9|10|11) s left", status)
    assert 'hx-trigger="every 1s"' in status


def test_a_job_whose_worker_died_is_requeued_after_30_s_and_finishes_the_rest(
    bw: BrickworksClient, demo: dict[str, Connection], paula: User
) -> None:
    records = drafts(bw, 3)
    with transaction.atomic():  # as if a worker took the job, did one record and died
        job = start(paula, demo["synerise"], bw.get_schema("home-banners"), "publish", records)
        started = timezone.now() - timedelta(minutes=6)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.RUNNING, started_at=started, heartbeat_at=timezone.now() - timedelta(seconds=40)
        )
    bring_to(bw, bw.get_schema("home-banners"), records[0].id, "publish")
    job.items.filter(key=records[0].id).update(state=JobItem.State.DONE)

    fresh = Job.objects.create(kind="x", label="Alive", task_name="x", state=Job.State.RUNNING)
    Job.objects.filter(pk=fresh.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=10))
    assert jobs_tasks.requeue_stale_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and runner.counts(job)["done"] == 3
    assert all(bw.get_record("home-banners", r.id).status == "PUBLISHED" for r in records)
    assert RecordVersion.objects.filter(record_id=records[0].id, published_at__isnull=False).count() == 1
    assert Job.objects.get(pk=fresh.pk).state == Job.State.RUNNING
    assert job.logs.filter(message__contains="queued again").exists()
    assert job.duration is not None and job.duration >= 6 * 60  # its time counts the worker's death


def test_an_item_retries_conflicts_only() -> None:
    answers: list[Exception | str] = [ApiConflict("stale", code="BKW-029"), "done"]

    def call(record_id: str) -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return f"{answer} {record_id}"

    assert runner.attempt(call, "r1") == ("done r1", 2)
    # The transport already retried a transient error: the runner takes it as the item's outcome.
    for error in (ApiUnavailable("down"), ApiValidationError("Required: Headline")):
        answers[:] = [error, "done"]
        with pytest.raises(runner.Failed) as failed:
            runner.attempt(call, "r2")
        assert failed.value.tries == 1 and failed.value.error is error
    answers[:] = [ApiConflict("stale", code="BKW-029")] * runner.CONFLICT_TRIES
    with pytest.raises(runner.Failed) as failed:
        runner.attempt(call, "r3")
    assert failed.value.tries == runner.CONFLICT_TRIES


def failed_bulk_publish(bw: BrickworksClient, paula: User) -> tuple[Job, Record]:
    """Paula's bulk publish whose one record without a headline failed; the headline is then fixed."""
    schema = bw.get_schema("home-banners")
    good = drafts(bw, 2)
    bad = bw.create_record(schema.id, status="DRAFT", name="No headline", values={})
    job = start(paula, Connection.objects.get(kind="synerise"), schema, "publish", [*good, bad])
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    bad = bw.update_record(schema.id, bad.id, values={"headline": "Fixed"}, last_updated_at=bad.updated_at)
    return job, bad


def test_an_operator_may_neither_retry_nor_cancel_a_bulk_job_from_operations(
    operator_client: Client, bw: BrickworksClient, paula: User
) -> None:
    job, bad = failed_bulk_publish(bw, paula)
    page = operator_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:retry", args=[job.pk]) not in page
    assert operator_client.post(reverse("jobs:retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.run_by == paula
    assert bw.get_record("home-banners", bad.id).status == "DRAFT"
    assert not AuditEntry.objects.filter(action="job.retry").exists()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, finished_at=None)
    assert operator_client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 403
    assert not Job.objects.get(pk=job.pk).cancel_requested


def test_a_publisher_retries_a_bulk_job_from_operations_and_the_rerun_is_audited_as_theirs(
    bw: BrickworksClient, paula: User
) -> None:
    job, bad = failed_bulk_publish(bw, paula)
    percy = make_user("percy", "publisher")
    percy_client = client_for(percy)
    page = percy_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:retry", args=[job.pk]) in page
    assert percy_client.post(reverse("jobs:retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and (job.created_by, job.run_by) == (paula, percy)
    assert bw.get_record("home-banners", bad.id).status == "PUBLISHED"
    entries = AuditEntry.objects.filter(action="record.publish", detail__bulk=job.pk)
    by_whom = sorted(entries.values_list("username", "outcome", "target_id"))
    assert [(who, outcome) for who, outcome, _ in by_whom] == [
        ("paula", "failed"),
        ("paula", "ok"),
        ("paula", "ok"),
        ("percy", "ok"),
    ]
    assert by_whom[-1][2] == bad.id


class _FirstSchemaRead:
    """Once armed, pytest-httpx answers the first schema read; every other request reaches the sandbox."""

    def __init__(self) -> None:
        self.armed = False
        self.answered = False

    def __call__(self, request: httpx.Request) -> bool:
        is_schema_read = request.method == "GET" and re.search(r"/schemas/[^/]+$", request.url.path)
        if self.armed and is_schema_read and not self.answered:
            self.answered = True
            return True
        return False


first_schema_read = _FirstSchemaRead()


@pytest.mark.httpx_mock(should_mock=first_schema_read)
def test_it_retries_the_jobs_start_up_read_in_the_task_before_failing_the_job(
    bw: BrickworksClient, demo: dict[str, Connection], paula: User, httpx_mock: HTTPXMock
) -> None:
    schema = bw.get_schema("home-banners")
    chosen = drafts(bw, 2)
    first_schema_read.armed = True
    httpx_mock.add_response(status_code=503, json={"message": "Service unavailable"})
    job = start(paula, demo["synerise"], schema, "publish", chosen)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert "Could not start: The remote service is unavailable" in " ".join(
        job.logs.values_list("message", flat=True)
    )
