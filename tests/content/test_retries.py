"""One retry policy: under injected faults no request reaches the remote service more than 4 times."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.signals import request_started
from django.db import transaction
from django.utils import timezone

from apps.connections.models import Connection
from apps.content import tasks
from apps.content.client import BrickworksClient
from apps.content.services import bulk, schedule
from apps.content.services.workspace import workspace_for
from apps.core.http import ApiUnavailable
from apps.jobs.models import Job, JobItem
from apps.sandbox.models import FaultSettings

BOUND = 4


@pytest.fixture(autouse=True)
def _short_read_timeout(settings: Any) -> None:
    """A cut-off answer is noticed when the read times out: keep that wait short here."""
    settings.REMOTE_TIMEOUT = 1.5


pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.fixture
def received() -> Iterator[Counter[str]]:
    """Every request the sandbox receives, as "METHOD path?query", counted in the server's thread."""
    seen: Counter[str] = Counter()

    def count(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        if environ["PATH_INFO"].startswith("/sandbox/"):
            seen[f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}"] += 1

    request_started.connect(count, dispatch_uid="test-received")
    yield seen
    request_started.disconnect(dispatch_uid="test-received")


def test_a_bulk_publish_sends_no_request_more_than_four_times(
    bw: BrickworksClient, demo: dict[str, Connection], received: Counter[str], paula: User
) -> None:
    schema = bw.get_schema("home-banners")
    record = bw.create_record(schema.id, status="DRAFT", values={"headline": "Flaky day"})
    received.clear()
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"])
    with transaction.atomic():
        job = bulk.create_job(
            workspace_for(paula, connection=demo["synerise"]),
            schema,
            "publish",
            [record],
            task_name=tasks.run_bulk.name,
        )
        tasks.run_bulk.delay_on_commit(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error.startswith("The remote service is unavailable")
    assert job.items.get().state == JobItem.State.PENDING and job.can_retry
    assert received and max(received.values()) == BOUND, received


def test_a_scheduled_publish_sends_no_request_more_than_four_times_over_all_its_attempts(
    bw: BrickworksClient, demo: dict[str, Connection], received: Counter[str], paula: User
) -> None:
    schema = bw.get_schema("home-banners")
    record = bw.get_record(schema.id, "spring-teaser")
    item = schedule.schedule(
        workspace_for(paula), schema=schema, record=record, action="publish", at=timezone.now()
    )
    received.clear()
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"])
    for _ in range(schedule.MAX_ATTEMPTS):
        item.refresh_from_db()
        state = schedule.run(item.pk, now=item.run_at)
    assert state == schedule.State.FAILED
    assert received and max(received.values()) <= BOUND, received


def test_a_read_whose_connection_drops_mid_answer_is_sent_four_times_then_reported(
    bw: BrickworksClient, received: Counter[str]
) -> None:
    schema = bw.get_schema("home-banners")
    received.clear()
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["drop"])
    with pytest.raises(ApiUnavailable):
        bw.list_records(schema.id)
    assert list(received.values()) == [BOUND], received
