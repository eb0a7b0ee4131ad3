from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.models import AuditEntry
from apps.jobs import services
from apps.jobs.models import Job


@pytest.fixture
def jobs(db: None) -> list[Job]:
    made = [
        services.create_job(kind="connection.test", label=f"Test {n}", task_name="apps.demo")
        for n in range(3)
    ]
    services.fail(made[0], "It broke")
    Job.objects.filter(pk=made[1].pk).update(state=Job.State.RUNNING, progress=40, step="Working")
    return made


def test_it_lists_and_filters_jobs(viewer_client: Client, jobs: list[Job]) -> None:
    html = viewer_client.get(reverse("jobs:list")).content.decode()
    assert all(f"Test {n}" in html for n in range(3))
    html = viewer_client.get(reverse("jobs:list"), {"state": "failed"}).content.decode()
    assert "Test 0" in html and "Test 1" not in html


def test_it_answers_htmx_filtering_with_the_results_fragment(viewer_client: Client, jobs: list[Job]) -> None:
    response = viewer_client.get(reverse("jobs:list"), {"state": "running"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Test 1" in html and "Test 0" not in html
    assert "HX-Request" in response["Vary"]


def test_it_shows_progress_step_and_log(viewer_client: Client, jobs: list[Job]) -> None:
    html = viewer_client.get(reverse("jobs:detail", args=[jobs[1].pk])).content.decode()
    assert '<progress class="bar" max="100" value="40"' in html
    assert "Working" in html
    assert "Queued by the system" in html
    assert 'hx-trigger="every 1s"' in html


def test_it_stops_polling_and_tells_the_page_when_a_job_is_finished(
    viewer_client: Client, jobs: list[Job]
) -> None:
    response = viewer_client.get(reverse("jobs:detail_status", args=[jobs[0].pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "It broke" in html
    assert "every 1s" not in html
    assert "job-finished" in response["HX-Trigger"]
    running = viewer_client.get(reverse("jobs:detail_status", args=[jobs[1].pk]), HTTP_HX_REQUEST="true")
    assert "HX-Trigger" not in running


def test_it_cancels_a_running_job_from_the_page(operator_client: Client, jobs: list[Job]) -> None:
    response = operator_client.post(reverse("jobs:cancel", args=[jobs[1].pk]))
    assert response["Location"] == reverse("jobs:detail", args=[jobs[1].pk])
    assert Job.objects.get(pk=jobs[1].pk).cancel_requested
    assert AuditEntry.objects.filter(action="job.cancel", username="olive").exists()


def test_it_retries_a_failed_job_and_sends_its_task(
    operator_client: Client, jobs: list[Job], django_capture_on_commit_callbacks: object
) -> None:
    from synadmin.celery import app

    sent: list[tuple[str, list[int]]] = []
    original = app.send_task
    app.send_task = lambda name, args=None, kwargs=None, **kw: sent.append((name, list(args)))  # type: ignore[method-assign]
    try:
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            response = operator_client.post(reverse("jobs:retry", args=[jobs[0].pk]), HTTP_HX_REQUEST="true")
    finally:
        app.send_task = original  # type: ignore[method-assign]
    assert response.status_code == 200
    assert "Waiting for a worker" in response.content.decode()
    assert Job.objects.get(pk=jobs[0].pk).state == Job.State.QUEUED
    assert sent == [("apps.demo", [jobs[0].pk])]


def test_it_explains_why_a_running_job_cannot_be_retried(operator_client: Client, jobs: list[Job]) -> None:
    response = operator_client.post(reverse("jobs:retry", args=[jobs[1].pk]), follow=True)
    assert "Only a failed or cancelled job can be retried." in response.content.decode()


def test_it_answers_404_for_an_unknown_job(viewer_client: Client, db: None) -> None:
    assert viewer_client.get(reverse("jobs:detail", args=[999])).status_code == 404


def test_the_kind_filter_names_each_kind_in_words(viewer_client: Client, db: None) -> None:
    kinds = {
        "automations.bulk_pause": "Pause workflows",
        "automations.run": "Workflow run",
        "catalog_export": "Catalog export",
        "catalogs.import": "Catalog import",
        "catalogs.import_check": "Catalog import check",
        "canvas.run": "Integration run",
        "connection.test": "Connection test",
        "content.bulk_publish": "Publish records",
    }
    for n, kind in enumerate(kinds):
        services.create_job(kind=kind, label=f"Operation {n}", task_name="apps.demo")
    html = viewer_client.get(reverse("jobs:list")).content.decode()
    options = dict(re.findall(r'<option value="([^"]+)">([^<]+)</option>', html))
    assert {kind: options[kind] for kind in kinds} == kinds
    html = viewer_client.get(reverse("jobs:list"), {"kind": "canvas.run"}).content.decode()
    assert "Operation 5" in html and "Operation 4" not in html
