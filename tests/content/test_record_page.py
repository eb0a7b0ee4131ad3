"""The record page: who may open a new one, publishing and unpublishing from it, and the audit entry
of a record created there."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient
from apps.core.models import AuditEntry


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


def test_publishing_a_draft_leaves_its_author_as_who_changed_it(
    editor_client: Client, publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    url = reverse("content:record", args=["home-banners", live.id])
    edited = {**shown_form(editor_client, url), "values-headline": "Winter sale II", "action": "save"}
    assert editor_client.post(url, edited).status_code == 302
    draft = bw.get_record("home-banners", live.id, statuses=["DRAFT"])
    assert (
        publisher_client.post(url, {**shown_form(publisher_client, url), "action": "publish"}).status_code
        == 302
    )
    assert bw.get_record("home-banners", live.id).record_version == draft.record_version  # published as is

    html = publisher_client.get(
        reverse("content:record_versions", args=["home-banners", live.id])
    ).content.decode()
    rows = dict(re.findall(r"<tr>\s*<td>(\d+)</td>.*?</td>\s*<td>(.*?)</td>", html, re.S))
    assert rows[str(draft.record_version)] == "eddie"
    assert "paula" not in rows.values()
