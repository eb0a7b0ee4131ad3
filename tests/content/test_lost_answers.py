"""The sandbox's "lost answer" fault: a write is made, then its answer is cut off. Every write the
dashboard repeats must still happen exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apps.connections.models import Connection
from apps.content import tasks
from apps.content.client import BrickworksClient, Record, Schema
from apps.content.models import DeletedRecord
from apps.content.services import bulk, schedule
from apps.content.services.workspace import workspace_for
from apps.core.http import ApiNotFound
from apps.jobs import tasks as jobs_tasks
from apps.jobs.models import Job, JobItem
from apps.sandbox.brickworks.models import RecordVersion
from apps.sandbox.models import FaultSettings

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture(autouse=True)
def _short_read_timeout(settings: Any) -> None:
    """A cut-off answer is noticed when the read times out: keep that wait short here."""
    settings.REMOTE_TIMEOUT = 1.5


def lose_every_write_answer() -> None:
    FaultSettings.objects.update_or_create(pk=1, defaults={"error_rate": 1, "faults": ["lost"]})


def start(user: User, connection: Connection, schema: Schema, operation: str, chosen: list[Record]) -> Job:
    with transaction.atomic():
        job = bulk.create_job(
            workspace_for(user, connection=connection),
            schema,
            operation,
            chosen,
            task_name=tasks.run_bulk.name,
        )
        tasks.run_bulk.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job


def published_versions(record: Record) -> int:
    return RecordVersion.objects.filter(record_id=record.id, published_at__isnull=False).count()


def test_a_bulk_publish_whose_answers_are_lost_publishes_each_record_once(
    bw: BrickworksClient, demo: dict[str, Connection], paula: User
) -> None:
    schema = bw.get_schema("home-banners")
    chosen = [bw.create_record(schema.id, status="DRAFT", values={"headline": f"Lost {n}"}) for n in range(5)]
    lose_every_write_answer()
    job = start(paula, demo["synerise"], schema, "publish", chosen)
    assert [published_versions(record) for record in chosen] == [1] * 5
    FaultSettings.objects.all().delete()
    if job.state == Job.State.FAILED:  # items whose every answer was lost wait for "Retry the failed"
        jobs_tasks.retry(job, user=paula)
        job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert set(job.items.values_list("state", flat=True)) == {JobItem.State.DONE}
    assert [published_versions(record) for record in chosen] == [1] * 5


def test_a_scheduled_publish_whose_answer_is_lost_publishes_once(bw: BrickworksClient, paula: User) -> None:
    schema = bw.get_schema("home-banners")
    record = bw.create_record(schema.id, status="DRAFT", values={"headline": "Lost on time"})
    item = schedule.schedule(
        workspace_for(paula), schema=schema, record=record, action="publish", at=timezone.now()
    )
    lose_every_write_answer()
    assert schedule.run(item.pk) == schedule.State.PENDING  # it cannot know: it tries again later
    assert published_versions(record) == 1
    FaultSettings.objects.all().delete()
    item.refresh_from_db()
    assert schedule.run(item.pk, now=item.run_at) == schedule.State.DONE
    assert published_versions(record) == 1
    assert "already live" in item.events.order_by("pk").last().message


def test_a_bulk_delete_whose_answers_are_lost_keeps_its_undo(
    bw: BrickworksClient, demo: dict[str, Connection], paula: User
) -> None:
    schema = bw.get_schema("home-banners")
    chosen = [bw.create_record(schema.id, status="DRAFT", values={"headline": f"Gone {n}"}) for n in range(3)]
    lose_every_write_answer()
    job = start(paula, demo["synerise"], schema, "delete", chosen)
    FaultSettings.objects.all().delete()
    for record in chosen:
        with pytest.raises(ApiNotFound):
            bw.get_record(schema.id, record.id)
    assert job.state == Job.State.SUCCEEDED, job.error
    assert DeletedRecord.objects.filter(record_id__in=[r.id for r in chosen]).count() == 3
