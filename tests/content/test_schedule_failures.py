"""A scheduled action that hits a bug, or a connection without its key, fails where people look (its row,
its trace, the audit log), and a bug fails its task too: nothing reports success for work that did not
happen."""

from __future__ import annotations

import pytest
from django.utils import timezone
from pytest_httpx import HTTPXMock

from apps.connections.models import Connection
from apps.content.models import ScheduledAction
from apps.content.services import schedule
from apps.core.models import AuditEntry
from tests.people import make_user


@pytest.fixture
def workspace(db: None) -> Connection:
    return Connection.objects.create(
        name="Workspace",
        kind=Connection.Kind.SYNERISE,
        base_url="https://api.example.test",
        auth_mode=Connection.AuthMode.API_KEY,
        api_key="key",
    )


def due(connection: Connection) -> ScheduledAction:
    now = timezone.now()
    return ScheduledAction.objects.create(
        connection=connection,
        schema_id="s1",
        app_id="home-banners",
        record_id="r1",
        record_name="Spring",
        action="publish",
        due_at=now,
        run_at=now,
        created_by=make_user("paula", "publisher"),
    )


def test_a_bug_fails_the_action_and_the_task(workspace: Connection, httpx_mock: HTTPXMock) -> None:
    item = due(workspace)
    httpx_mock.add_exception(RuntimeError("a bug on our side"))
    with pytest.raises(RuntimeError):
        schedule.run(item.pk)
    item.refresh_from_db()
    assert item.state == ScheduledAction.State.FAILED
    assert item.error == "Internal error: RuntimeError"
    assert item.events.last().message == "Failed: Internal error: RuntimeError"
    assert AuditEntry.objects.get(action="record.publish").outcome == "failed"


def test_a_connection_without_its_key_fails_with_what_to_fix(workspace: Connection) -> None:
    Connection.objects.filter(pk=workspace.pk).update(api_key="")
    item = due(workspace)
    assert schedule.run(item.pk) == ScheduledAction.State.FAILED
    item.refresh_from_db()
    assert item.error == "The connection is not set up: No workspace API key is set."
