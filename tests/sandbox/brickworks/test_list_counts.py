"""A records list's total is counted once per state of the schema's records (COUNT(*) grows with them)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.sandbox.brickworks.conftest import Api


def counts(api: Api, **params: str) -> tuple[int, int]:
    """The list's total, and how many COUNT queries answering it took."""
    with CaptureQueriesContext(connection) as queries:
        total = api.ok("GET", "/schemas/articles/records", **params)["meta"]["total"]
    return total, sum("COUNT(" in query["sql"] for query in queries.captured_queries)


def test_a_total_is_counted_once_until_a_record_changes(api: Api) -> None:
    api.schema("articles")
    first = api.record(values={"title": "One"})
    api.record(values={"title": "Two"}, status="PUBLISHED")
    assert counts(api) == (2, 1)
    assert counts(api) == (2, 0)
    assert counts(api, statuses="DRAFT") == (1, 1)
    assert counts(api, statuses="DRAFT") == (1, 0)

    api.record(values={"title": "Three"})
    assert counts(api) == (3, 1)
    assert counts(api, statuses="DRAFT") == (2, 1)

    api.ok(
        "PUT", f"/schemas/articles/records/{first['id']}", {"status": "PUBLISHED", "values": {"title": "One"}}
    )
    assert counts(api, statuses="DRAFT") == (1, 1)

    api.ok("DELETE", f"/schemas/articles/records/{first['id']}")
    assert counts(api) == (2, 1)
    assert counts(api, search="two") == (1, 1)
