"""The page of a bulk pause or resume, shared with content's: progress and items in one poll, the jobs of
the person's own workspace only, Cancel and Retry for operators."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.automations import tasks
from apps.automations.services import bulk
from apps.automations.services.workspace import workspace_for
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.services import bulk as content_bulk
from apps.content.services.workspace import workspace_for as content_workspace
from apps.core.models import AuditEntry
from apps.jobs.models import Job
from tests.jobs.bulk_page import check_the_poll

HTMX = {"HTTP_HX_REQUEST": "true"}


def queued_pause(user: User, connection: Connection, ids: Callable[[str], str]) -> Job:
    """A bulk pause of the Welcome journey that has not started: the page polls it."""
    workspace = workspace_for(user, connection=connection)
    with workspace.client() as api:
        workflows = [w for batch in bulk.select(api, ids=[ids("Welcome journey")]) for w in batch]
    return bulk.create_job(workspace, "pause", workflows, task_name=tasks.run_bulk.name)


def test_the_page_shows_progress_and_items_and_one_poll_brings_both(
    olive: User, operator_client: Client, demo: dict[str, Connection], ids: Callable[[str], str]
) -> None:
    job = queued_pause(olive, demo["synerise"], ids)
    assert job.get_absolute_url() == reverse("automations:bulk_detail", args=[job.pk])
    page = operator_client.get(job.get_absolute_url()).content.decode()
    crumbs = re.search(r'<p class="crumbs">(.*?)</p>', page, re.S).group(1)
    assert f'href="{reverse("automations:workflows")}">Workflows</a>' in crumbs
    assert "<h1>Pause 1 workflow</h1>" in page and "<strong>0</strong> of 1 done" in page
    assert "<h2>Workflows</h2>" in page and "Welcome journey" in page.split('id="results"')[1]
    assert "Workflows done so far stay done." in page and '<meta http-equiv="refresh" content="3">' in page
    # Only one element polls, and the buttons are not inside it.
    assert page.count("hx-trigger=") == 1
    polled = re.search(r'<div id="bulk-progress"[^>]*hx-trigger="every 1s".*?</progress>', page, re.S)
    assert polled and "Cancel" not in polled.group(0)
    assert f'hx-get="/workflows/bulk/{job.pk}/status/"' in polled.group(0)

    status = reverse("automations:bulk_status", args=[job.pk])
    check_the_poll(operator_client, status, job, item="Welcome journey", refusal="Refused by Synerise")


def test_the_poll_keeps_the_chosen_tab_and_another_page_of_items_moves_it(
    olive: User, operator_client: Client, demo: dict[str, Connection], ids: Callable[[str], str]
) -> None:
    job = queued_pause(olive, demo["synerise"], ids)
    url = reverse("automations:bulk_detail", args=[job.pk])
    page = operator_client.get(url, {"show": "failed"}).content.decode()
    assert f"/workflows/bulk/{job.pk}/status/?show=failed" in page
    tick = operator_client.get(reverse("automations:bulk_status", args=[job.pk]), {"show": "failed"}, **HTMX)
    text = tick.content.decode()
    assert "Nothing matches this filter." in text and f'href="{url}">Clear' in text

    swap = operator_client.get(url, {"show": "pending"}, **HTMX).content.decode()
    assert swap.lstrip().startswith('<div id="results">') and "Welcome journey" in swap
    assert '<div id="bulk-progress" hx-swap-oob="true"' in swap and "status/?show=pending" in swap


def test_another_workspaces_bulk_job_is_not_found(
    olive: User,
    operator_client: Client,
    demo: dict[str, Connection],
    staging: Connection,
    ids: Callable[[str], str],
) -> None:
    job = queued_pause(olive, demo["synerise"], ids)
    connections.set_current_workspace(olive, staging)
    for name in ("automations:bulk_detail", "automations:bulk_status"):
        assert operator_client.get(reverse(name, args=[job.pk])).status_code == 404
    for name in ("automations:bulk_cancel", "automations:bulk_retry"):
        assert operator_client.post(reverse(name, args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and not job.cancel_requested


def test_a_content_bulk_job_is_not_a_workflows_one(
    paula: User, operator_client: Client, demo: dict[str, Connection]
) -> None:
    with BrickworksClient(connections.http_for(demo["synerise"])) as bw:
        schema = bw.get_schema("home-banners")
        teaser = bw.get_record(schema.id, "spring-teaser")
    workspace = content_workspace(paula, connection=demo["synerise"])
    job = content_bulk.create_job(
        workspace, schema, "publish", [teaser], task_name="apps.content.tasks.run_bulk"
    )
    assert operator_client.get(reverse("automations:bulk_detail", args=[job.pk])).status_code == 404


def test_cancel_and_retry_take_the_operate_permission(
    olive: User,
    viewer_client: Client,
    publisher_client: Client,
    demo: dict[str, Connection],
    ids: Callable[[str], str],
) -> None:
    job = queued_pause(olive, demo["synerise"], ids)
    for client in (viewer_client, publisher_client):
        page = client.get(reverse("automations:bulk_detail", args=[job.pk])).content.decode()
        assert "Welcome journey" in page and "/cancel/" not in page and "Cancel</button>" not in page
        assert client.post(reverse("automations:bulk_cancel", args=[job.pk])).status_code == 403
        assert client.post(reverse("automations:bulk_retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and not job.cancel_requested
    assert not AuditEntry.objects.filter(action__startswith="job.").exists()


@pytest.mark.usefixtures("eager_celery")
def test_an_operator_cancels_and_retries_and_the_rest_is_finished(
    olive: User, operator_client: Client, demo: dict[str, Connection], ids: Callable[[str], str]
) -> None:
    job = queued_pause(olive, demo["synerise"], ids)
    url = reverse("automations:bulk_detail", args=[job.pk])
    response = operator_client.post(reverse("automations:bulk_cancel", args=[job.pk]), follow=True)
    assert response.redirect_chain == [(url, 302)]
    text = response.content.decode()
    assert "Stopping: calls under way finish, the rest are left as they are." in text
    assert "Finish the 1 left" in text
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED

    response = operator_client.post(reverse("automations:bulk_retry", args=[job.pk]), follow=True)
    assert "Queued again: the failed and the not yet started workflows." in response.content.decode()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.items.get().message == "Paused"
    with workspace_for(olive, connection=demo["synerise"]).client() as api:
        listed = [w for batch in bulk.select(api, ids=[ids("Welcome journey")]) for w in batch]
    assert [w.status for w in listed] == ["Paused"]

    response = operator_client.post(reverse("automations:bulk_retry", args=[job.pk]), follow=True)
    assert "Only a job that failed or was cancelled can be retried." in response.content.decode()


def test_a_bulk_job_made_before_its_page_still_shows_on_operations(
    olive: User, operator_client: Client, demo: dict[str, Connection], ids: Callable[[str], str]
) -> None:
    job = queued_pause(olive, demo["synerise"], ids)
    Job.objects.filter(pk=job.pk).update(result_url="")
    job.refresh_from_db()
    assert job.get_absolute_url() == reverse("jobs:detail", args=[job.pk])
    page = operator_client.get(job.get_absolute_url()).content.decode()
    assert "<strong>0</strong> of 1 done" in page and "Welcome journey" in page
