"""A deep page of a records list starts from an anchor, not from the first row, and is the same page as
counted from the start, in every order the list takes; a write moves the anchors with it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.sandbox.brickworks.models import RecordVersion, now_ms
from apps.sandbox.brickworks.routes import common
from tests.sandbox.brickworks.conftest import Api

STATUSES = ["DRAFT", "PUBLISHED", "UNPUBLISHED"]


@pytest.fixture
def anchored(api: Api, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """30 records of mixed statuses, titles and update times (ties among them), anchors every 4 rows."""
    monkeypatch.setattr(common, "ANCHOR_STEP", 4)
    api.schema("articles")
    ids = [api.record(values={"title": f"Title {n % 9}"}, status=STATUSES[n % 3])["id"] for n in range(30)]
    moment = now_ms()
    for n, record_id in enumerate(ids):  # three records share each update time
        RecordVersion.objects.filter(record_id=record_id).update(updated_at=moment.replace(second=n // 3))
    return ids


def ids_of(api: Api, **params: object) -> list[str]:
    return [record["id"] for record in api.ok("GET", "/schemas/articles/records", **params)["data"]]


@pytest.mark.parametrize(
    "order",
    [
        {},
        {"sortBy": "updatedAt:desc"},
        {"sortBy": "updatedAt:asc"},
        {"sortBy": "title:asc"},
        {"statuses": "DRAFT"},
    ],
    ids=["list order", "newest", "oldest", "title", "drafts"],
)
def test_every_deep_page_is_the_page_counted_from_the_start(
    api: Api, anchored: list[str], order: dict
) -> None:
    whole = ids_of(api, limit=1000, **order)  # one page from the start: no anchor
    assert len(whole) == (10 if order.get("statuses") else 30)
    for limit in (3, 4, 7):
        for page in range(1, len(whole) // limit + 3):
            start = (page - 1) * limit
            assert ids_of(api, limit=limit, page=page, **order) == whole[start : start + limit], (limit, page)


def test_a_deep_page_reads_no_more_rows_than_its_anchor_step(api: Api, anchored: list[str]) -> None:
    ids_of(api, limit=5, page=6)  # the anchors, read once
    whole = ids_of(api, limit=1000)
    with CaptureQueriesContext(connection) as queries:
        assert ids_of(api, limit=5, page=6) == whole[25:30]
    limits = [
        int(q["sql"].rsplit("LIMIT", 1)[1].split()[0])
        for q in queries.captured_queries
        if "LIMIT" in q["sql"]
    ]
    assert limits and max(limits) <= 1 + 5, limits  # from the anchor at row 24: one row skipped, five read
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)


def test_a_write_moves_the_anchors(api: Api, anchored: list[str]) -> None:
    before = ids_of(api, limit=5, page=5)
    api.ok("DELETE", f"/schemas/articles/records/{ids_of(api, limit=1000)[0]}")
    whole = ids_of(api, limit=1000)
    assert ids_of(api, limit=5, page=5) == whole[20:25] != before
