"""What every domain's bulk job page must do when polled (apps.jobs.bulk): each domain's test calls it
with its own URLs, person and items, so the wiring of each is checked against one description."""

from __future__ import annotations

from django.test import Client

from apps.jobs.models import Job, JobItem

HTMX = {"HTTP_HX_REQUEST": "true"}


def check_the_poll(client: Client, status_url: str, job: Job, *, item: str, refusal: str) -> None:
    """A tick brings the progress and the items (`item` among them) and no buttons; once the job has
    failed, a tick stops the poll, offers the retry and lists `refusal` under Failed."""
    tick = client.get(status_url, **HTMX).content.decode()
    assert 'id="bulk-progress"' in tick and 'hx-trigger="every 1s"' in tick
    assert '<div id="results" hx-swap-oob="true">' in tick and item in tick
    assert "bulk_cancel" not in tick and "/cancel/" not in tick

    JobItem.objects.filter(job=job).update(state=JobItem.State.FAILED, message=refusal)
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)
    tick = client.get(status_url, **HTMX).content.decode()
    assert "hx-trigger" not in tick  # a final state stops the poll
    assert '<div id="bulk-actions" hx-swap-oob="true">' in tick and "Retry the 1 failed" in tick
    assert refusal in tick.split("<h3>Failed</h3>")[1]
