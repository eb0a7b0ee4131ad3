"""The dashboard's flows client against the sandbox over real HTTP, signed as the demo flows connection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpx import HTTPXMock

from apps.automations.client import Condition, FlowInput, FlowsClient, SuggestionInput, Tag, Trigger
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.http import ApiConflict, ApiNotFound, ApiValidationError, build_http

# pytest-httpx answers for this address; nothing is sent.
OFFLINE = "http://127.0.0.1:9/"


@pytest.fixture
def fc(demo: dict[str, Connection]) -> Iterator[FlowsClient]:
    with FlowsClient(connections.http_for(demo["flows"])) as client:
        yield client


def test_it_walks_the_flows_by_cursor_both_ways_and_filters(fc: FlowsClient) -> None:
    first = fc.list_flows(size=12)
    second = fc.list_flows(size=12, cursor=first.next_page)
    assert first.total == 40 and first.previous_page is None
    assert [f.id for f in fc.list_flows(size=12, cursor=second.previous_page).items] == [
        f.id for f in first.items
    ]
    scorecards = fc.list_flows(type="scorecard", is_active=True)
    assert {(f.type, f.is_active) for f in scorecards.items} == {("scorecard", True)}
    welcome = fc.get_flow("welcome-series")
    assert (
        welcome.triggers
        and welcome.triggers[0].event
        and welcome.triggers[0].event.action == ["create", "update"]
    )
    assert welcome.created_at is not None and welcome.tags and welcome.tags[0].key == "team"


def test_it_creates_replaces_and_deletes_a_flow(fc: FlowsClient) -> None:
    flow = FlowInput(
        id="vip-club",
        title="VIP club",
        type="automation",
        tags=[Tag(key="team", value="crm")],
        triggers=[
            Trigger(type="onEvent", conditions=[Condition(field="tier", expression=False, operator="eq")])
        ],
        secrets={"token": "abc"},
    )
    created = fc.create_flow(flow)
    assert (created.id, created.is_active, created.secrets) == ("vip-club", True, {"token": "abc"})
    with pytest.raises(ApiConflict):
        fc.create_flow(flow)
    replaced = fc.upsert_flow(FlowInput(id="vip-club", title="VIP", type="reference", is_active=False))
    assert (replaced.title, replaced.is_active, replaced.tags, replaced.secrets) == ("VIP", False, None, None)
    fc.delete_flow("vip-club")
    with pytest.raises(ApiNotFound):
        fc.get_flow("vip-club")


def test_a_refusal_names_the_fields_by_their_path(fc: FlowsClient) -> None:
    with pytest.raises(ApiValidationError) as refused:
        fc.create_flow(FlowInput(id="x", title="X", type="robot"))
    assert list(refused.value.field_errors) == ["type"]


def test_a_suggestion_keeps_the_last_applied_time_it_is_sent(fc: FlowsClient) -> None:
    # §4.1 lists `lastAppliedAt` in the body: one copied from elsewhere keeps when it was applied.
    applied = datetime(2024, 9, 8, 0, 32, 54, 376000, tzinfo=UTC)
    body = SuggestionInput(
        title="Moved", origin_id="welcome-series", source_id="p-1", target_id="p-2", last_applied_at=applied
    )
    made = fc.create_suggestion(body)
    assert made.last_applied_at == applied
    assert made.id and fc.get_suggestion(made.id).last_applied_at == applied
    kept = fc.upsert_suggestion(made.id, body.model_copy(update={"title": "Moved!", "last_applied_at": None}))
    assert (kept.title, kept.last_applied_at) == ("Moved!", applied)  # left out: the stored one stays
    later = applied + timedelta(days=1)
    assert (
        fc.upsert_suggestion(made.id, body.model_copy(update={"last_applied_at": later})).last_applied_at
        == later
    )
    with pytest.raises(ApiValidationError) as refused:
        fc.create_suggestion(body.model_copy(update={"last_applied_at": datetime(2024, 9, 8)}))  # noqa: DTZ001
    assert list(refused.value.field_errors) == ["lastAppliedAt"]


def test_it_creates_applies_and_deletes_a_suggestion(fc: FlowsClient) -> None:
    body = SuggestionInput(
        title="Fix city",
        origin_id="welcome-series",
        source_id="profile-1042",
        target_id="profile-1042",
        data={"city": "Gdańsk"},
    )
    suggestion = fc.create_suggestion(body)
    assert suggestion.id and suggestion.origin_type == "automation" and suggestion.last_applied_at is None
    dry = fc.apply_suggestion(suggestion.id, dry_run=True)
    assert (
        dry.dry_run is True and dry.new_state["city"] == "Gdańsk" and dry.previous_state["city"] == "Warszawa"
    )
    moved = fc.apply_suggestion(suggestion.id, target_id_override="profile-77")
    assert (moved.dry_run, moved.previous_state, moved.new_state) == (False, None, {"city": "Gdańsk"})
    assert fc.get_suggestion(suggestion.id).last_applied_at is not None
    changed = fc.upsert_suggestion(
        suggestion.id, body.model_copy(update={"title": "Fix the city", "ignored": True})
    )
    assert (changed.title, changed.ignored) == ("Fix the city", True)
    assert fc.apply_suggestion(suggestion.id).ignored is True
    assert suggestion.id in {s.id for s in fc.list_suggestions(size=100).items}
    fc.delete_suggestion(suggestion.id)
    with pytest.raises(ApiNotFound):
        fc.apply_suggestion(suggestion.id)


def test_a_flows_validation_body_becomes_field_errors(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        status_code=422,
        json={
            "detail": [
                {"loc": ["body", "title"], "msg": "field required", "type": "value_error.missing"},
                {"loc": ["query", "size"], "msg": "must be <= 100", "type": "value_error"},
            ]
        },
    )
    with FlowsClient(build_http(OFFLINE, retries=0)) as api, pytest.raises(ApiValidationError) as caught:
        api.request("POST", "/flows")
    assert caught.value.field_errors == {"title": ["field required"], "size": ["must be <= 100"]}
    assert "title: field required" in caught.value.message


def test_a_flows_refusal_keeps_its_detail(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=404, json={"detail": "Flow not found"})
    with FlowsClient(build_http(OFFLINE, retries=0)) as api, pytest.raises(ApiNotFound) as caught:
        api.request("GET", "/flows/x")
    assert (caught.value.message, caught.value.field_errors) == ("Flow not found", {})
