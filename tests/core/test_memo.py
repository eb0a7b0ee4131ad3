"""A request works out the person's workspace once (apps.core.memo), and afresh after a connection or a
person's choice is saved; outside a request nothing is kept."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.connections import services
from apps.connections.models import Connection
from apps.core import memo


def test_outside_a_request_it_works_out_each_time() -> None:
    calls: list[int] = []
    assert [memo.once_per_request("k", lambda: calls.append(1) or len(calls)) for _ in range(2)] == [1, 2]


def test_in_a_request_it_works_out_once_until_it_forgets() -> None:
    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        return len(calls)

    with memo.request_scope():
        assert [memo.once_per_request("k", work), memo.once_per_request("k", work)] == [1, 1]
        memo.forget()
        assert memo.once_per_request("k", work) == 2
    assert memo.once_per_request("k", work) == 3  # the scope ended with the request


def test_the_home_page_reads_the_workspace_once(admin_client: Client, demo: dict[str, Connection]) -> None:
    admin_client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get("/").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if '"connections_preference"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_saved_connection_or_choice_is_read_afresh_within_the_request(
    alice: User, demo: dict[str, Connection]
) -> None:
    first = demo["synerise"]
    other = Connection.objects.create(
        kind=Connection.Kind.SYNERISE, name="Zeta workspace", base_url=first.base_url
    )
    with memo.request_scope():
        assert services.current_workspace(alice) == first
        services.set_current_workspace(alice, other)  # saves the choice: the signal forgets
        assert services.current_workspace(alice) == other
        other.name = "A workspace"
        other.save()
        assert services.current_workspace(alice).name == "A workspace"


def test_the_header_lists_the_workspaces_and_marks_the_current_one_from_one_query(
    admin_client: Client, demo: dict[str, Connection]
) -> None:
    Connection.objects.create(
        kind=Connection.Kind.SYNERISE, name="Zeta workspace", base_url="http://testserver"
    )
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get("/jobs/").content.decode()
    reads = [q["sql"] for q in queries.captured_queries if '"connections_connection"' in q["sql"]]
    assert len(reads) == 1, reads
    assert f'<option value="{demo["synerise"].pk}" selected>' in page and "Zeta workspace</option>" in page
