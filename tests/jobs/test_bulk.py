"""The bulk flow every domain shares (apps.jobs.bulk): selection checks, and the readiness page's refusals."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from apps.automations.views.bulk import WorkflowsFlow
from apps.connections.models import Connection
from apps.core.http import ApiUnavailable
from apps.jobs import bulk
from apps.jobs.bulk import Verdict
from apps.jobs.models import Job
from tests import pages


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


def _one_batch_each(asked: list[str], *, then: Exception | None = None) -> Any:
    """A flow's verdicts with one answer per workflow; `asked` records each as it is asked for."""

    def verdicts(flow: Any, operation: str, ids: list[str] | None) -> Iterator[list[Verdict]]:
        for n, key in enumerate(dict.fromkeys(ids or [])):
            asked.append(key)
            yield [
                Verdict(SimpleNamespace(diagram_id=key, name=f"Journey {n + 1}", status="Active"), "ready")
            ]
        if then:
            raise then

    return verdicts


CHOSEN = [str(uuid.UUID(int=n)) for n in (1, 2, 3)]


def test_the_readiness_list_goes_out_as_each_answer_comes(
    operator_client: Client, demo: dict[str, Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(WorkflowsFlow, "verdicts", _one_batch_each(asked))
    query = {"operation": "pause", "ids": ",".join(CHOSEN + CHOSEN[:1]), "checked": "1"}  # one twice
    response = operator_client.get(reverse("automations:bulk"), query)
    assert response.streaming and response["Cache-Control"] == "no-store"
    parts = iter(response.streaming_content)  # type: ignore[attr-defined]
    top = next(parts).decode()
    assert "Pause 3 workflows?" in top and "the list fills as the service answers" in top
    assert asked == CHOSEN[:1]  # the page's top went out with only the first answer in
    assert "Journey 1" in next(parts).decode() and asked == CHOSEN[:1]
    assert "Journey 2" in next(parts).decode() and asked == CHOSEN[:2]
    rest = b"".join(parts).decode()
    assert "Journey 3" in rest and "3 workflows checked: <strong>3 ready</strong>" in rest
    assert f'name="ids" value="{",".join(CHOSEN)}"' in rest and rest.rstrip().endswith("</html>")


def test_a_service_failing_midway_ends_the_list_with_why_and_starts_nothing(
    operator_client: Client, demo: dict[str, Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = ApiUnavailable("The connection was reset.")
    monkeypatch.setattr(WorkflowsFlow, "verdicts", _one_batch_each([], then=broken))
    query = {"operation": "pause", "ids": ",".join(CHOSEN), "checked": "1"}
    page = pages.text(operator_client.get(reverse("automations:bulk"), query))
    assert "Journey 3" in page and "The connection was reset." in page and "Nothing was started." in page
    assert 'name="ids"' not in page and page.rstrip().endswith("</html>")


def test_a_selection_refused_at_the_first_answer_goes_back_with_why(
    operator_client: Client, demo: dict[str, Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = bulk.BadSelection("None of the chosen workflows is in this workspace any more.")
    monkeypatch.setattr(WorkflowsFlow, "verdicts", _one_batch_each([], then=gone))
    query = {"operation": "pause", "ids": "", "all": "1", "checked": "1"}
    response = operator_client.get(reverse("automations:bulk"), query)
    assert response["Location"] == reverse("automations:workflows")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [str(gone)]
