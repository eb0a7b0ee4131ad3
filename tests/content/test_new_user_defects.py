"""Defects a new user hit in the content screens (issue 10), each pinned by a test."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient
from apps.content.models import ScheduledAction
from apps.core.models import AuditEntry
from tests.content.test_schemas import page_rows


def test_a_viewer_is_refused_the_new_record_page_like_every_other_create_page(
    viewer_client: Client, bw: BrickworksClient
) -> None:
    response = viewer_client.get(reverse("content:record_new", args=["home-banners"]))
    assert response.status_code == 403


def test_an_editor_still_opens_the_new_record_page(editor_client: Client, bw: BrickworksClient) -> None:
    response = editor_client.get(reverse("content:record_new", args=["home-banners"]))
    assert response.status_code == 200


def shown_form(client: Client, url: str) -> dict[str, object]:
    """The editor's form as the browser would send it back untouched."""
    context = client.get(url).context
    data: dict[str, object] = {}
    for form in (context["meta"], context["values"]):
        for field in form:
            value = field.value()
            if value not in (None, ""):
                data[field.html_name] = (
                    field.field.widget.format_value(value) if not isinstance(value, list) else value
                )
    return data


def test_publishing_an_unchanged_live_record_says_already_live_and_changes_nothing(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    versions = bw.list_versions("home-banners", live.id).meta.total
    url = reverse("content:record", args=["home-banners", live.id])
    response = publisher_client.post(
        url, {**shown_form(publisher_client, url), "action": "publish"}, follow=True
    )
    assert "already live" in response.content.decode()
    assert bw.list_versions("home-banners", live.id).meta.total == versions
    assert bw.get_record("home-banners", live.id).record_version == live.record_version


def test_a_scheduled_publish_is_named_after_the_draft_that_will_go_live(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": "Spring arrives"})
    url = reverse("content:record_schedule", args=["home-banners", live.id])
    page = publisher_client.post(url, {"action": "publish", "at": "2030-07-01T09:30"}, follow=True)
    assert "Spring arrives will publish at" in page.content.decode()
    item = ScheduledAction.objects.get(record_id=live.id)
    assert item.record_name == "Spring arrives"
    listed = publisher_client.get(reverse("jobs:scheduled")).content.decode()
    assert "Spring arrives" in listed and "Winter sale" not in listed
    detail = publisher_client.get(
        reverse("jobs:scheduled_detail", args=["records", item.pk])
    ).content.decode()
    assert "Spring arrives" in detail


def test_a_scheduled_unpublish_is_named_after_the_live_version(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": "Spring arrives"})
    url = reverse("content:record_schedule", args=["home-banners", live.id])
    publisher_client.post(url, {"action": "unpublish", "at": "2030-07-01T09:30"})
    assert ScheduledAction.objects.get(record_id=live.id).record_name == live.name


def test_the_editor_of_a_draft_over_a_live_version_says_so_and_can_unpublish_it(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    draft = bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": "Spring arrives"})
    url = reverse("content:record", args=["home-banners", live.id])
    html = publisher_client.get(url).content.decode()
    assert f"Live: version {live.record_version} · Draft: version {draft.record_version}" in html
    assert f"Version {live.record_version} is live" in html
    assert 'value="unpublish"' in html
    done = publisher_client.post(url, {"action": "unpublish"}, follow=True).content.decode()
    assert "Winter sale, {{ customer.firstName }} unpublished." in done
    assert bw.get_record("home-banners", live.id, statuses=["DRAFT"]).record_version == draft.record_version
    assert not bw.list_records("home-banners", ids=[live.id], statuses=["PUBLISHED"]).data


def test_add_a_field_gives_a_fresh_row_without_errors_which_may_be_left_empty(
    admin_client: Client, bw: BrickworksClient
) -> None:
    url = reverse("content:schema_new")
    form = {"app_id": "promos", "display_name": "Promos", "versioned": "1"}
    shown = page_rows(admin_client.get(url).content.decode())
    added = admin_client.post(url, {**form, **shown, "add": "1"})
    page = added.content.decode()
    assert 'name="fields-1-name"' in page
    assert "This field is required" not in page
    response = admin_client.post(url, {**form, **page_rows(page)})
    assert response.status_code == 302
    assert list(bw.get_schema("promos").fields) == ["title"]


SOURCE = {
    "name": "Weather",
    "url": "https://weather.example.test/today",
    "method": "get",
    "headers": "Authorization: Bearer s3cret-token\nAccept: application/json",
}


def test_a_new_source_starts_with_an_empty_body_not_null(admin_client: Client, bw: BrickworksClient) -> None:
    html = admin_client.get(reverse("content:source_new")).content.decode()
    body = html[html.index('name="body"') :]
    assert body[body.index(">") + 1 : body.index("</textarea>")].strip() == ""


def test_source_header_values_are_secrets_kept_unless_replaced(
    admin_client: Client, bw: BrickworksClient
) -> None:
    admin_client.post(reverse("content:source_new"), SOURCE)
    (source,) = bw.list_external_sources().data
    url = reverse("content:source_edit", args=[source.id])
    html = admin_client.get(url).content.decode()
    assert "s3cret-token" not in html and "application/json" not in html
    # PostgreSQL's jsonb keeps object keys in its own order, so either order is the same headers.
    assert "Set: Authorization, Accept." in html or "Set: Accept, Authorization." in html
    admin_client.post(url, {**SOURCE, "headers": "Authorization:\nAccept: text/plain"})
    assert bw.get_external_source(source.id).properties["headers"] == {
        "Authorization": "Bearer s3cret-token",
        "Accept": "text/plain",
    }
    refused = admin_client.post(url, {**SOURCE, "headers": "Authorization:\nX-New:"})
    assert refused.status_code == 400 and "Line 2: give X-New a value." in refused.content.decode()


def test_the_audit_log_names_the_created_record_the_zone_and_the_action_in_words(
    admin_client: Client, bw: BrickworksClient
) -> None:
    admin_client.cookies["tz"] = "Europe/Warsaw"
    admin_client.post(
        reverse("content:record_new", args=["home-banners"]),
        {"values-headline": "Autumn picks", "slug": "autumn-picks", "action": "save"},
    )
    created = bw.get_record("home-banners", "autumn-picks")
    entry = AuditEntry.objects.get(action="record.create")
    assert entry.target_type == "brickworks.record" and entry.target_id == created.id
    html = admin_client.get(reverse("accounts:audit")).content.decode()
    row = html[html.index("<tbody") :]
    assert "Record created" in row and "home-banners/Autumn picks" in row
    assert re.search(r"\d{2}:\d{2} CES?T", row)  # the time in the person's zone, named
