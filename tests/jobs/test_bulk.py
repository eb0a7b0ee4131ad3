"""The bulk flow every domain shares (apps.jobs.bulk): selection checks, and the readiness page's refusals."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.jobs import bulk
from apps.jobs.models import Job


def test_chosen_ids_lose_their_repeats_and_keep_their_order() -> None:
    assert bulk.unique_ids(["b", "a", "b", "c", "a"], noun="record") == ["b", "a", "c"]


def test_more_ids_than_a_job_takes_are_too_many() -> None:
    with pytest.raises(bulk.TooMany, match="5001 workflows are chosen; one bulk action takes up to 5000"):
        bulk.unique_ids([str(n) for n in range(bulk.MOST + 1)], noun="workflow")


def test_an_id_longer_than_any_remote_id_is_refused() -> None:
    with pytest.raises(bulk.BadSelection, match="longer than any record id; choose records again"):
        bulk.unique_ids(["x" * (bulk.MAX_ID_LENGTH + 1)], noun="record")


def test_a_filter_that_finds_too_many_says_how_many() -> None:
    bulk.within(bulk.MOST, noun="record")
    with pytest.raises(bulk.TooMany, match="The filter finds 5001 records; .* Narrow the filter"):
        bulk.within(bulk.MOST + 1, noun="record")


def test_counted_says_one_or_many() -> None:
    assert [bulk.counted(n, "workflow") for n in (0, 1, 2)] == ["0 workflows", "1 workflow", "2 workflows"]


@pytest.mark.parametrize(
    ("url", "choose", "select"),
    [
        (reverse("automations:bulk"), "Choose pause or resume.", "Select at least one workflow first."),
        (
            reverse("content:bulk_ready", args=["home-banners"]),
            "Choose publish, unpublish or delete.",
            "Select at least one record first.",
        ),
    ],
)
def test_both_domains_go_back_to_their_list_with_the_same_words(
    admin_client: Client, demo: dict[str, Connection], url: str, choose: str, select: str
) -> None:
    back = (
        reverse("automations:workflows")
        if "workflows" in url
        else reverse("content:records", args=["home-banners"])
    )
    response = admin_client.get(url, {"operation": "explode", "all": "1"})
    assert response["Location"] == back
    assert [str(m) for m in get_messages(response.wsgi_request)] == [choose]
    response = admin_client.get(url, {"operation": "pause" if "workflows" in url else "publish"})
    assert response["Location"] == back
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == select  # the first was never shown
    assert not Job.objects.exists()


def test_a_bulk_pause_of_more_ids_than_a_job_takes_is_refused_before_any_listing(
    operator_client: Client, demo: dict[str, Connection]
) -> None:
    ids = ",".join(f"{n:08x}-0000-4000-8000-000000000000" for n in range(bulk.MOST + 1))
    response = operator_client.post(
        reverse("automations:bulk"), {"operation": "pause", "ids": ids}, follow=True
    )
    assert "one bulk action takes up to 5000" in response.content.decode()
    assert not Job.objects.exists()
