"""A broker and cache outage: every action that sends a task answers 503 at once, starts nothing and
leaves no job claiming to be queued; the same action works once the broker is back; reads go on.

Each test runs its own Redis (tests/outage.py) as the broker and the token cache, and stops it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.catalogs.client import CatalogsClient
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.models import ScheduledAction
from apps.core.queue import NOT_STARTED
from apps.jobs.models import Job
from apps.sandbox.canvas.models import CanvasWorkflow
from apps.sandbox.models import Workspace
from apps.sandbox.workflows.seed import diagram_id
from synadmin.celery import app as celery_app
from tests.canvas.test_runs import create as create_canvas_workflow
from tests.catalogs.conftest import dry_run, upload
from tests.outage import RedisServer
from tests.people import client_for, make_user

SENTENCE = "The task queue cannot be reached; nothing was started. Try again in a minute."
# The answer comes within the broker's timeouts (about two seconds), not after the outage is over.
QUICK = 5.0

Action = Callable[[dict[str, Connection]], Callable[[Client], Any]]


def _eagerly(work: Callable[[], Any]) -> Any:
    """Prepare a state that takes a task (a dry run) with the task run in the test, not sent."""
    celery_app.conf.task_always_eager = True
    try:
        return work()
    finally:
        celery_app.conf.task_always_eager = False


def _export(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    with CatalogsClient(connections.http_for(demo["synerise"])) as api:
        catalog = api.create_catalog("outage-export").data.id
    return lambda client: client.post(reverse("catalogs:export_start", args=[catalog]))


def _dry_run(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    with CatalogsClient(connections.http_for(demo["synerise"])) as api:
        catalog = api.create_catalog("outage-dry-run").data.id
    uploader = client_for(User.objects.get(username="alice"))
    imp = upload(uploader, catalog, b"id,name\n1,One\n")
    data = {
        "encoding": imp.encoding,
        "delimiter": imp.delimiter,
        "first_row": "header",
        "key_column": imp.key_column,
        "check": "1",
    }
    return lambda client: client.post(reverse("catalogs:import_check", args=[imp.pk]), data)


def _import_run(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    with CatalogsClient(connections.http_for(demo["synerise"])) as api:
        catalog = api.create_catalog("outage-import").data.id
    uploader = client_for(User.objects.get(username="alice"))
    imp = _eagerly(lambda: dry_run(uploader, upload(uploader, catalog, b"id,name\n1,One\n")))
    assert imp.dry_run is not None and imp.dry_run.state == Job.State.SUCCEEDED, imp.dry_run

    def act(client: Client) -> Any:
        # The import that could not start is failed (its page offers Retry): the second time, Retry.
        imp.refresh_from_db()
        name = "catalogs:import_run" if imp.run is None else "catalogs:import_retry"
        return client.post(reverse(name, args=[imp.pk]))

    return act


def _bulk_publish(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    record = bw.create_record("home-banners", status="DRAFT", values={"headline": "Outage"})
    url = reverse("content:bulk_ready", args=["home-banners"])
    return lambda client: client.post(url, {"operation": "publish", "id": [record.id]})


def _workflow_run(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    workflow = diagram_id(Workspace.objects.get(name="Demo workspace"), "Spring promotion")
    return lambda client: client.post(f"/workflows/{workflow}/run/")


def _workflow_bulk(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    workflow = diagram_id(Workspace.objects.get(name="Demo workspace"), "Welcome journey")
    return lambda client: client.post(
        reverse("automations:bulk"), {"operation": "pause", "ids": str(workflow)}
    )


def _canvas_run(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    workflow = create_canvas_workflow()
    url = f"/integrations/workflows/{workflow}/run/"
    return lambda client: client.post(url, {"scope": "whole", "confirmed": "on"})


def _connection_test(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    return lambda client: client.post(reverse("connections:test", args=[demo["flows"].pk]))


def _job_retry(demo: dict[str, Connection]) -> Callable[[Client], Any]:
    job = Job.objects.create(
        kind="connection.test",
        label="Test connection",
        task_name="apps.connections.tasks.test_connection",
        state=Job.State.FAILED,
        error="The remote did not answer",
    )
    return lambda client: client.post(reverse("jobs:retry", args=[job.pk]))


ACTIONS: dict[str, Action] = {
    "catalog export": _export,
    "catalog dry run": _dry_run,
    "catalog import": _import_run,
    "bulk publish": _bulk_publish,
    "workflow run": _workflow_run,
    "workflow bulk pause": _workflow_bulk,
    "canvas run": _canvas_run,
    "connection test": _connection_test,
    "job retry": _job_retry,
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_an_action_that_sends_a_task_answers_503_and_starts_nothing_while_the_queue_is_down(
    name: str, demo: dict[str, Connection], outage: RedisServer
) -> None:
    make_user("alice", "admin")
    client = client_for(User.objects.get(username="alice"))
    act = ACTIONS[name](demo)
    before = set(Job.objects.values_list("pk", flat=True))
    outage.stop()

    started = time.monotonic()
    response = act(client)
    took = time.monotonic() - started

    assert response.status_code == 503, response.content.decode()[:3000]
    assert SENTENCE in response.content.decode()
    assert took < QUICK, f"answered in {took:.2f} s"
    assert not Job.objects.filter(state=Job.State.QUEUED).exists()
    # The job the action made (or retried) says why it is not running.
    touched = Job.objects.exclude(pk__in=before) | Job.objects.filter(pk__in=before, error=NOT_STARTED)
    assert touched.exists() or name == "canvas run"  # Canvas is refused before anything is made
    for job in touched:
        assert (job.state, job.error) == (Job.State.FAILED, NOT_STARTED)
    # Canvas starts a run at once: with the queue down it must not be asked to.
    assert not CanvasWorkflow.objects.filter(name="Run me", date_last_run__isnull=False).exists()

    outage.start()
    again = act(client)
    assert again.status_code in (200, 302), again.content.decode()[:3000]
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 1
    assert outage.messages() == 1


def test_an_htmx_action_gets_the_alert_in_the_messages_region(
    demo: dict[str, Connection], outage: RedisServer, operator_client: Client
) -> None:
    outage.stop()
    response = operator_client.post(
        reverse("connections:test", args=[demo["flows"].pk]), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Retarget"] == "#messages"
    assert SENTENCE in response.content.decode()
    assert not Job.objects.filter(state=Job.State.QUEUED).exists()


def test_pages_and_health_answer_while_the_broker_and_the_cache_are_down(
    demo: dict[str, Connection], outage: RedisServer, admin_client: Client
) -> None:
    outage.stop()
    for url in ("/", "/content/", "/workflows/", "/catalogs/", "/operations/"):
        response = admin_client.get(url)
        assert response.status_code == 200, (url, response.content.decode()[:3000])
    started = time.monotonic()
    health = admin_client.get("/healthz")
    assert health.status_code == 503 and health.json()["broker"].startswith("error")
    assert time.monotonic() - started < QUICK


def test_a_frozen_broker_and_cache_hold_an_action_for_seconds_not_for_ever(
    demo: dict[str, Connection], outage: RedisServer, admin_client: Client
) -> None:
    act = _export(demo)
    outage.freeze()  # the port takes connections, nothing answers: the socket timeouts decide
    try:
        started = time.monotonic()
        response = act(admin_client)
        took = time.monotonic() - started
        health = admin_client.get("/healthz")
        health_took = time.monotonic() - started - took
    finally:
        outage.thaw()
    assert health.status_code == 503 and health_took < QUICK, f"health answered in {health_took:.2f} s"
    assert response.status_code == 503 and SENTENCE in response.content.decode()
    assert took < QUICK, f"answered in {took:.2f} s"
    assert not Job.objects.filter(state=Job.State.QUEUED).exists()


def test_an_action_scheduled_during_the_outage_is_kept_for_the_sweep(
    demo: dict[str, Connection], outage: RedisServer, publisher_client: Client
) -> None:
    """A schedule is a row that beat sends when due, so it needs no broker to be made, and is not lost."""
    record = BrickworksClient(connections.http_for(demo["synerise"])).get_record(
        "home-banners", "winter-sale"
    )
    outage.stop()
    at = (timezone.localtime() + timedelta(minutes=5)).replace(second=0, microsecond=0)
    url = reverse("content:record_schedule", args=["home-banners", record.id])
    response = publisher_client.post(url, {"action": "unpublish", "at": at.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    item = ScheduledAction.objects.get(record_id=record.id)
    assert (item.state, item.run_at) == (ScheduledAction.State.PENDING, at)
