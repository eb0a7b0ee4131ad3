"""The record editor's side panel, rich text sanitized on the way in and out, images, and the preview
frames, against the sandbox."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.content.client import BrickworksClient
from apps.content.models import ScheduledAction
from apps.content.services.preview import frame_style_source
from tests.content.test_record_page import shown_form

HOSTILE = (
    "<p>Hi {{ customer.firstName }}</p><script>alert(1)</script>"
    '<img src="https://cdn.example/a.png" onerror="alert(2)">'
)


def side_panel(page: str) -> str:
    return page[page.index('<aside class="editor-side"') : page.index("</aside>")]


def editor(client: Client, record_id: str, app_id: str = "home-banners") -> str:
    return client.get(reverse("content:record", args=[app_id, record_id])).content.decode()


def test_a_draft_that_was_never_live_says_so_and_has_no_unpublish(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    teaser = bw.get_record("home-banners", "spring-teaser")
    panel = side_panel(editor(publisher_client, teaser.id))
    assert f"Draft: version {teaser.record_version} · nothing live" in panel
    assert "Save draft" in panel and 'value="publish"' in panel
    assert 'name="action" value="unpublish"' not in panel
    assert "Preview</a>" in panel and "Versions</a>" in panel and "Schedule</a>" in panel


def test_a_live_record_shows_its_live_version_and_unpublish(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    panel = side_panel(editor(publisher_client, live.id))
    assert f"Live: version {live.record_version}</p>" in panel
    assert "Draft:" not in panel
    assert 'name="action" value="unpublish"' in panel and 'form="record-form"' in panel


def test_a_draft_over_a_live_version_shows_both_versions(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    draft = bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": "Spring arrives"})
    panel = side_panel(editor(publisher_client, live.id))
    assert f"Live: version {live.record_version} · Draft: version {draft.record_version}" in panel
    assert 'name="action" value="unpublish"' in panel


def test_a_viewer_sees_the_panel_without_buttons(viewer_client: Client, bw: BrickworksClient) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    panel = side_panel(editor(viewer_client, live.id))
    assert "Live: version" in panel
    assert "<button" not in panel.split('id="schedule"')[0]


def test_required_to_publish_fields_are_marked(editor_client: Client, bw: BrickworksClient) -> None:
    page = editor_client.get(reverse("content:record_new", args=["home-banners"])).content.decode()
    headline = page[page.index('for="id_values-headline"') :][:200]
    assert "required to publish" in headline
    greeting = page[page.index('for="id_values-greeting"') :][:120]
    assert "required to publish" not in greeting


def test_a_rich_text_field_is_a_textarea_the_editor_enhances(
    editor_client: Client, bw: BrickworksClient
) -> None:
    page = editor_client.get(reverse("content:record_new", args=["home-banners"])).content.decode()
    assert re.search(r'<textarea name="values-body"[^>]*data-richtext', page)
    assert 'type="module" src="/static/js/richtext.js"' in page
    offers = editor_client.get(reverse("content:record_new", args=["offers"])).content.decode()
    assert "richtext.js" not in offers


def test_rich_text_is_sanitized_on_the_way_in(publisher_client: Client, bw: BrickworksClient) -> None:
    teaser = bw.get_record("home-banners", "spring-teaser")
    url = reverse("content:record", args=["home-banners", teaser.id])
    data = {**shown_form(publisher_client, url), "values-body": HOSTILE, "action": "save"}
    assert publisher_client.post(url, data).status_code == 302
    body = bw.get_record("home-banners", teaser.id, statuses=["DRAFT"]).values["body"]
    assert body == '<p>Hi {{ customer.firstName }}</p><img src="https://cdn.example/a.png">'


def test_rich_text_written_elsewhere_is_sanitized_on_the_way_out(
    editor_client: Client, bw: BrickworksClient
) -> None:
    record = bw.create_record("home-banners", values={"headline": "From the API", "body": HOSTILE})
    page = editor_client.get(reverse("content:record", args=["home-banners", record.id])).content.decode()
    textarea = html.unescape(
        re.search(r"<textarea name=\"values-body\"[^>]*>(.*?)</textarea>", page, re.S)[1]
    )
    assert "<p>Hi {{ customer.firstName }}</p>" in textarea
    assert "script" not in textarea and "onerror" not in textarea

    preview = editor_client.get(
        reverse("content:record_preview", args=["home-banners", record.id]),
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-identifier_type": "email",
         "form-0-identifier_value": "ann@example.test"},
    )  # fmt: skip
    text = preview.content.decode()
    frames = re.findall(r"<iframe ([^>]*)>", text)
    assert len(frames) == 1
    assert frames[0].startswith('sandbox srcdoc="') and "allow-scripts" not in frames[0]
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', frames[0])[1])
    assert "<p>Hi Ann</p>" in srcdoc
    assert "script" not in srcdoc and "onerror" not in srcdoc
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src https: http: data:; style-src 'unsafe-inline'\">" in srcdoc
    )
    # The frame inherits the page's policy too: the page allows its one style block, by hash only.
    policy = preview.headers["Content-Security-Policy"]
    assert f"style-src 'self' {frame_style_source()}" in policy and "unsafe-inline" not in policy
    assert "JSON</summary>" in text


def test_an_image_field_shows_the_image(editor_client: Client, bw: BrickworksClient) -> None:
    record = bw.create_record(
        "home-banners", values={"headline": "With a picture", "image": "https://cdn.example/spring.png"}
    )
    page = editor(editor_client, record.id)
    assert '<img class="thumb" src="https://cdn.example/spring.png"' in page
    preview = editor_client.get(reverse("content:record_preview", args=["home-banners", record.id]))
    assert '<img src="https://cdn.example/spring.png" alt="Image URL">' in preview.content.decode()


def test_insert_tags_in_names_are_chips_in_the_list_the_editor_and_the_title(
    editor_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    page = editor(editor_client, live.id)
    assert '<h1>Winter sale, <span class="insert"' in page
    assert "<title>Winter sale, ‹customer.firstName› · Home banners · synadmin</title>" in page
    listed = editor_client.get(reverse("content:records", args=["home-banners"])).content.decode()
    assert ">customer.firstName</span></a></td>" in listed and "Winter sale, {{" not in listed


def test_insert_tags_are_chips_in_the_schedule_the_calendar_the_audit_log_and_home(
    admin_client: Client, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    at = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    url = reverse("content:record_schedule", args=["home-banners", live.id])
    admin_client.post(url, {"action": "unpublish", "at": at.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    item = ScheduledAction.objects.get(record_id=live.id)
    chip = '<span class="insert" title="Filled in for each customer">customer.firstName</span>'
    week = {"week": (at.date() - timedelta(days=at.weekday())).isoformat()}
    pages = {
        "scheduled": admin_client.get(reverse("jobs:scheduled")),
        "calendar": admin_client.get(reverse("jobs:scheduled_calendar"), week),
        "detail": admin_client.get(reverse("jobs:scheduled_detail", args=["records", item.pk])),
        "audit": admin_client.get(reverse("accounts:audit")),
        "home": admin_client.get(reverse("dashboard:home")),
    }
    for name, response in pages.items():
        text = response.content.decode()
        assert chip in text, name
        assert "Winter sale, {{" not in text, name
