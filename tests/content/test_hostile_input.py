"""Bad input to the content screens gets a clear answer, never a 500 (issue 14, items 5, 6, 9)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.models import SavedFilter, ScheduledAction
from apps.jobs.models import Job

State = ScheduledAction.State
END_OF_TIME = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)


@pytest.fixture
def spring(bw: BrickworksClient) -> tuple[str, str]:
    """(schema id, record id) of the seeded "spring" banner."""
    schema = bw.get_schema("home-banners")
    record = bw.list_records(schema.id, search="spring").data[0]
    return schema.id, record.id


def stored_at(
    demo: dict[str, Connection], spring: tuple[str, str], at: datetime, user: User
) -> ScheduledAction:
    """An action stored at `at` as an older version of the dashboard let it be stored."""
    return ScheduledAction.objects.create(
        connection=demo["synerise"],
        schema_id=spring[0],
        app_id="home-banners",
        record_id=spring[1],
        record_name="Spring is coming",
        action="publish",
        due_at=at,
        run_at=at,
        created_by=user,
    )


@pytest.mark.parametrize("at", ["9999-12-31T23:59", "2100-01-01T00:00", "0001-01-01T00:00"])
def test_it_refuses_a_schedule_further_than_five_years_or_in_the_past(
    publisher_client: Client, spring: tuple[str, str], at: str
) -> None:
    publisher_client.cookies["tz"] = "Asia/Tokyo"
    url = reverse("content:record_schedule", args=["home-banners", spring[1]])
    page = publisher_client.post(url, {"action": "publish", "at": at}, follow=True)
    assert page.status_code == 200
    assert "Not scheduled: Pick a time" in page.content.decode()
    assert not ScheduledAction.objects.exists()


def test_it_refuses_to_move_an_action_past_five_years(
    publisher_client: Client, demo: dict[str, Connection], spring: tuple[str, str], paula: User
) -> None:
    item = stored_at(demo, spring, datetime(2030, 1, 1, tzinfo=UTC), paula)
    url = reverse("jobs:scheduled_move", args=["records", item.pk])
    page = publisher_client.post(url, {"at": "9999-12-31T23:59"}, follow=True)
    assert "Not moved: Pick a time within the next 5 years." in page.content.decode()
    item.refresh_from_db()
    assert item.due_at == datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("state", [State.PENDING, State.CANCELLED])
def test_it_shows_a_time_at_the_end_of_the_calendar_east_of_utc(
    publisher_client: Client, demo: dict[str, Connection], spring: tuple[str, str], paula: User, state: str
) -> None:
    item = stored_at(demo, spring, END_OF_TIME, paula)
    item.state = state
    item.save()
    publisher_client.cookies["tz"] = "Asia/Tokyo"
    pages = [
        reverse("dashboard:home"),
        reverse("jobs:scheduled"),
        reverse("jobs:scheduled") + "?show=cancelled",
        reverse("jobs:scheduled_detail", args=["records", item.pk]),
        reverse("content:record", args=["home-banners", spring[1]]),
        reverse("jobs:scheduled_calendar") + "?month=9999-12",
    ]
    for page in pages:
        response = publisher_client.get(page)
        assert response.status_code == 200, page
    detail = publisher_client.get(
        reverse("jobs:scheduled_detail", args=["records", item.pk])
    ).content.decode()
    assert "31 Dec 9999, 23:59 UTC" in detail


@pytest.mark.parametrize(
    "target", ["foo", "content:scheduled", "//evil.test/", "https://evil.test/", "/\x01"]
)
def test_it_cancels_and_goes_to_the_list_when_next_is_not_a_local_path(
    publisher_client: Client, demo: dict[str, Connection], spring: tuple[str, str], paula: User, target: str
) -> None:
    item = stored_at(demo, spring, datetime(2030, 1, 1, tzinfo=UTC), paula)
    response = publisher_client.post(
        reverse("jobs:scheduled_cancel", args=["records", item.pk]), {"next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("jobs:scheduled")
    item.refresh_from_db()
    assert item.state == State.CANCELLED


def test_it_cancels_and_goes_back_to_a_local_next(
    publisher_client: Client, demo: dict[str, Connection], spring: tuple[str, str], paula: User
) -> None:
    item = stored_at(demo, spring, datetime(2030, 1, 1, tzinfo=UTC), paula)
    back = reverse("jobs:scheduled_detail", args=["records", item.pk])
    response = publisher_client.post(
        reverse("jobs:scheduled_cancel", args=["records", item.pk]), {"next": back}
    )
    assert response["Location"] == back


@pytest.mark.parametrize(
    "query",
    [
        "month=9999-12",
        "month=0001-01",
        "week=9999-12-31",
        "week=0001-01-01",
        "week=0001-01-03",
        "month=10000-1",
    ],
)
def test_it_shows_the_calendar_at_either_end_of_time(
    publisher_client: Client, demo: dict[str, Connection], query: str
) -> None:
    response = publisher_client.get(reverse("jobs:scheduled_calendar") + "?" + query)
    assert response.status_code == 200


def builder(*fields: dict[str, str], app_id: str = "promos") -> dict[str, str]:
    """The field builder's POST: the schema's fields, then one row per field."""
    data = {"app_id": app_id, "display_name": "Promos", "versioned": "1"}
    data |= {"fields-TOTAL_FORMS": str(len(fields)), "fields-INITIAL_FORMS": "0"}
    for index, field in enumerate(fields):
        data |= {f"fields-{index}-{key}": value for key, value in {"ORDER": str(index + 1), **field}.items()}
    return data


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "app_id": "promos",
            "display_name": "Promos",
            "fields-TOTAL_FORMS": "x",
            "fields-INITIAL_FORMS": "0",
        },
        {"app_id": "promos", "display_name": "Promos", "add": "1", "fields-TOTAL_FORMS": "x"},
        {"app_id": "promos", "display_name": "Promos", "add": "1", "fields-TOTAL_FORMS": "9" * 5000},
        builder({"name": "price", "type": "number", "minimum": "inf"}),
        builder({"name": "price", "type": "number", "maximum": "-inf"}),
        builder({"name": "price", "type": "number", "default": "inf"}),
        builder({"name": "price", "type": "number", "default": "nan"}),
        builder({"name": "title", "type": "text", "maximum": "1e309"}),
        builder({"name": "extra", "type": "json", "default": "[" * 5000 + "]" * 5000}),
        builder({"name": "extra", "type": "json", "default": '{"a": NaN}'}),
        builder({"name": "extra", "type": "json", "default": "1e309"}),
    ],
)
def test_the_field_builder_refuses_what_it_cannot_read(
    admin_client: Client, bw: BrickworksClient, data: dict[str, str]
) -> None:
    response = admin_client.post(reverse("content:schema_new"), data)
    assert response.status_code in (200, 400)
    assert "promos" not in [schema.app_id for schema in bw.list_schemas(limit=100).data]


@pytest.mark.parametrize("original", ["[]", "null", "1e309", "NaN", "{", '"text"', "[" * 5000])
def test_the_field_builder_ignores_an_original_that_is_no_definition(
    admin_client: Client, bw: BrickworksClient, original: str
) -> None:
    data = builder({"name": "title", "type": "text", "use_as_name": "on", "original": original})
    response = admin_client.post(reverse("content:schema_new"), data)
    assert response.status_code == 302
    assert bw.get_schema("promos").fields == {"title": {"type": "text", "useAsRecordName": True}}


@pytest.mark.parametrize("body", ['{"a": NaN}', '{"a": Infinity}', '{"a": 1e309}', "[" * 5000 + "]" * 5000])
def test_an_external_source_body_that_is_no_plain_json_is_refused(
    admin_client: Client, bw: BrickworksClient, body: str
) -> None:
    before = bw.list_external_sources().meta.total
    data = {"name": "Stock", "url": "https://stock.example/", "method": "post", "body": body}
    response = admin_client.post(reverse("content:source_new"), data)
    assert response.status_code in (200, 400)
    assert "body" in response.context["form"].errors
    assert bw.list_external_sources().meta.total == before


@pytest.mark.parametrize(
    "ids", ["a" * 200_000, ",".join(["x"] * 100_000), ",".join(str(n) for n in range(30_000))]
)
def test_a_bulk_post_with_a_huge_ids_is_refused_with_a_message(
    publisher_client: Client, demo: dict[str, Connection], ids: str
) -> None:
    url = reverse("content:bulk_ready", args=["home-banners"])
    response = publisher_client.post(url, {"operation": "publish", "ids": ids}, follow=True)
    # Our own refusal (too long, too many), or the remote one (ids are UUIDs) as an error page.
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert any(
        reason in page
        for reason in (
            "longer than any record id",
            "one bulk action takes up to 5000",
            "comma-separated UUIDs",
        )
    )
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (reverse("content:filter_save", args=["home-banners"]), {"name": "mine\x00", "query": "q=spring"}),
        (
            reverse("content:schema_new"),
            builder({"name": "title", "type": "text"}) | {"display_name": "P\x00"},
        ),
        (reverse("content:schema_new"), builder({"name": "title", "type": "text", "label": "T\x00"})),
    ],
)
def test_a_nul_byte_in_a_form_is_refused_and_nothing_is_saved(
    admin_client: Client, bw: BrickworksClient, url: str, data: dict[str, str]
) -> None:
    response = admin_client.post(url, data)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not SavedFilter.objects.exists()
    assert "promos" not in [schema.app_id for schema in bw.list_schemas(limit=100).data]


@pytest.mark.parametrize("query", ["kind=%00", "kind=bulk%00publish", "q=%00abc", "%00=1"])
def test_a_nul_byte_in_a_query_is_refused(
    admin_client: Client, demo: dict[str, Connection], query: str
) -> None:
    for page in (
        reverse("jobs:list"),
        reverse("content:records", args=["home-banners"]),
        reverse("accounts:audit"),
    ):
        response = admin_client.get(f"{page}?{query}")
        assert response.status_code == 400, page
