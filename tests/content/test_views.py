"""The content screens against the sandbox over real HTTP: lists, the record editor, roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.models import TestProfile
from apps.content.services import records, schedule
from apps.content.services.workspace import workspace_for
from apps.core.models import AuditEntry


def record_id(bw: BrickworksClient, slug: str) -> str:
    return bw.get_record("home-banners", slug).id


def form_data(**values: str) -> dict[str, str]:
    return {f"values-{name}": value for name, value in values.items()}


def test_the_schema_list_filters_without_a_reload(viewer_client: Client, demo: dict[str, Connection]) -> None:
    html = viewer_client.get(reverse("content:schemas")).content.decode()
    assert "Home banners" in html and "Offers" in html
    partial = viewer_client.get(
        reverse("content:schemas"), {"type": "SIMPLE"}, headers={"HX-Request": "true"}
    )
    body = partial.content.decode()
    assert "<html" not in body
    assert "Offers" in body and "Home banners" not in body


def test_the_record_list_shows_statuses_and_pending_changes(
    viewer_client: Client, bw: BrickworksClient
) -> None:
    bw.update_record(
        "home-banners", record_id(bw, "winter-sale"), status="DRAFT", values={"headline": "Next"}
    )
    html = viewer_client.get(reverse("content:records", args=["home-banners"])).content.decode()
    assert html.count('class="badge status-') >= 3
    assert "Changed since published" in html
    drafts = viewer_client.get(
        reverse("content:records", args=["home-banners"]), {"status": "DRAFT"}
    ).content.decode()
    assert "Spring is coming" in drafts and "Black Friday" not in drafts
    found = viewer_client.get(
        reverse("content:records", args=["home-banners"]), {"q": "friday"}
    ).content.decode()
    assert "Black Friday" in found and "Spring is coming" not in found


def test_an_editor_saves_an_incomplete_draft(editor_client: Client, bw: BrickworksClient) -> None:
    response = editor_client.post(
        reverse("content:record_new", args=["home-banners"]),
        {**form_data(priority="3", tone="urgent"), "slug": "draft-banner", "action": "save"},
    )
    assert response.status_code == 302
    record = bw.get_record("home-banners", "draft-banner")
    assert (record.status, record.values) == ("DRAFT", {"priority": 3, "tone": "urgent"})
    entry = AuditEntry.objects.get(action="record.create")
    assert (entry.username, entry.outcome) == ("eddie", "ok")


def test_an_editor_may_not_publish(editor_client: Client, bw: BrickworksClient) -> None:
    response = editor_client.post(
        reverse("content:record_new", args=["home-banners"]), {**form_data(headline="X"), "action": "publish"}
    )
    assert response.status_code == 403
    assert bw.list_records("home-banners").meta.total == 3


def test_publishing_lists_the_missing_required_fields(publisher_client: Client, bw: BrickworksClient) -> None:
    response = publisher_client.post(
        reverse("content:record_new", args=["home-banners"]), {**form_data(priority="1"), "action": "publish"}
    )
    assert response.status_code == 400
    assert "To publish, fill in: Headline." in response.content.decode()
    assert bw.list_records("home-banners").meta.total == 3


def test_our_validation_and_the_remote_one_show_on_the_fields(
    publisher_client: Client, demo: dict[str, Connection]
) -> None:
    response = publisher_client.post(
        reverse("content:record_new", args=["home-banners"]), {**form_data(priority="11"), "action": "save"}
    )
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    response = publisher_client.post(
        reverse("content:record_new", args=["home-banners"]),
        {**form_data(headline="Again"), "slug": "winter-sale", "action": "save"},
    )
    html = response.content.decode()
    assert "The slug winter-sale is used by another record" in html
    assert 'value="Again"' in html  # what was typed is kept


def test_editing_the_live_version_starts_a_draft(publisher_client: Client, bw: BrickworksClient) -> None:
    pk = record_id(bw, "winter-sale")
    page = publisher_client.get(reverse("content:record", args=["home-banners", pk])).content.decode()
    assert "This is the live version" in page
    last = re.search(r'name="last_updated_at" value="([^"]+)"', page).group(1)
    data = {
        **form_data(headline="Winter sale, part two", priority="5"),
        "slug": "winter-sale",
        "last_updated_at": last,
    }
    assert (
        publisher_client.post(
            reverse("content:record", args=["home-banners", pk]), {**data, "action": "save"}
        ).status_code
        == 302
    )
    assert (
        bw.get_record("home-banners", pk).values["headline"].startswith("Winter sale, {{")
    )  # live unchanged
    draft = bw.get_record("home-banners", pk, statuses=["DRAFT"])
    assert (draft.record_version, draft.values["headline"]) == (2, "Winter sale, part two")

    page = publisher_client.get(reverse("content:record", args=["home-banners", pk])).content.decode()
    assert "Winter sale, part two" in page  # the editor opens the draft
    last = re.search(r'name="last_updated_at" value="([^"]+)"', page).group(1)
    publisher_client.post(
        reverse("content:record", args=["home-banners", pk]),
        {**data, "last_updated_at": last, "action": "publish"},
    )
    live = bw.get_record("home-banners", pk)
    assert (live.status, live.record_version, live.values["headline"]) == (
        "PUBLISHED",
        2,
        "Winter sale, part two",
    )
    assert AuditEntry.objects.filter(action="record.publish", username="paula").exists()


def test_a_stale_save_keeps_what_was_typed(editor_client: Client, bw: BrickworksClient) -> None:
    pk = record_id(bw, "spring-teaser")
    page = editor_client.get(reverse("content:record", args=["home-banners", pk])).content.decode()
    last = re.search(r'name="last_updated_at" value="([^"]+)"', page).group(1)
    bw.update_record("home-banners", pk, values={"headline": "Someone else"})
    response = editor_client.post(
        reverse("content:record", args=["home-banners", pk]),
        {**form_data(headline="Mine"), "last_updated_at": last, "action": "save"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved this record after you opened it" in html
    assert "Someone outside this dashboard (with the workspace key Demo workspace) saved" in html
    assert 'value="Mine"' in html
    assert bw.get_record("home-banners", pk).values["headline"] == "Someone else"


def test_the_conflict_names_the_person_who_saved_first_here(
    editor_client: Client, publisher_client: Client, bw: BrickworksClient
) -> None:
    pk = record_id(bw, "spring-teaser")
    url = reverse("content:record", args=["home-banners", pk])
    page = editor_client.get(url).content.decode()
    last = re.search(r'name="last_updated_at" value="([^"]+)"', page).group(1)
    first = publisher_client.post(
        url, {**form_data(headline="Paula's"), "last_updated_at": last, "action": "save"}
    )
    assert first.status_code == 302
    response = editor_client.post(
        url, {**form_data(headline="Mine"), "last_updated_at": last, "action": "save"}
    )
    assert response.status_code == 409
    assert "Paula saved this record after you opened it" in response.content.decode()


def test_unpublish_duplicate_and_delete(publisher_client: Client, bw: BrickworksClient) -> None:
    pk = record_id(bw, "winter-sale")
    publisher_client.post(reverse("content:record", args=["home-banners", pk]), {"action": "unpublish"})
    assert bw.get_record("home-banners", pk).status == "UNPUBLISHED"
    response = publisher_client.post(reverse("content:record_duplicate", args=["home-banners", pk]))
    copy_id = response["Location"].rstrip("/").split("/")[-1]
    assert bw.get_record("home-banners", copy_id).name.endswith(" - copy")
    assert (
        "for good"
        in publisher_client.get(
            reverse("content:record_delete", args=["home-banners", copy_id])
        ).content.decode()
    )
    publisher_client.post(reverse("content:record_delete", args=["home-banners", copy_id]))
    assert bw.list_records("home-banners").meta.total == 3
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "record.unpublish",
        "record.duplicate",
        "record.delete",
    }


def test_a_viewer_reads_but_has_no_buttons(viewer_client: Client, bw: BrickworksClient) -> None:
    pk = record_id(bw, "winter-sale")
    html = viewer_client.get(reverse("content:record", args=["home-banners", pk])).content.decode()
    assert "<fieldset disabled>" in html
    for label in ("Save draft", "Publish", "Unpublish", "Duplicate", "Delete"):
        assert f">{label}</button>" not in html and f">{label}…</a>" not in html
    assert (
        viewer_client.post(
            reverse("content:record", args=["home-banners", pk]), {"action": "publish"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "name", ["content:schemas", "content:records", "content:record_new", "content:record"]
)
def test_content_pages_keep_the_csp(publisher_client: Client, bw: BrickworksClient, name: str) -> None:
    args = {"content:schemas": [], "content:record": ["home-banners", record_id(bw, "winter-sale")]}.get(
        name, ["home-banners"]
    )
    response = publisher_client.get(reverse(name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and not re.search(r"\sstyle=", html)


def test_without_a_workspace_the_page_says_what_to_do(viewer_client: Client) -> None:
    response = viewer_client.get(reverse("content:schemas"))
    assert "Add a Synerise workspace under Settings" in response.content.decode()


def test_a_page_that_needs_the_connection_says_what_to_fix(viewer_client: Client) -> None:
    Connection.objects.create(
        name="Workspace",
        kind=Connection.Kind.SYNERISE,
        base_url="https://api.example.test",
        auth_mode=Connection.AuthMode.API_KEY,
        api_key="",
    )
    response = viewer_client.get(reverse("content:schemas"))
    assert response.status_code == 502
    assert "No workspace API key is set." in response.content.decode()


def test_a_name_taken_from_a_field_is_not_copied_into_the_name(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    pk = record_id(bw, "spring-teaser")
    html = publisher_client.get(reverse("content:record", args=["home-banners", pk])).content.decode()
    assert 'name="name" maxlength="255"' in html and 'name="name" value=' not in html
    assert "— (default: Calm)" in html
    assert 'placeholder="Default: Hello {{ customer.firstName }}!"' in html


def test_preview_for_profiles_side_by_side(viewer_client: Client, bw: BrickworksClient) -> None:
    pk = record_id(bw, "winter-sale")
    url = reverse("content:record_preview", args=["home-banners", pk])
    assert "Any visitor (no profile)" in viewer_client.get(url).content.decode()
    params = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-identifier_type": "email",
        "form-0-identifier_value": "ann@example.test",
        "form-1-identifier_type": "custom_identify",
        "form-1-identifier_value": "bob-2",
        "form-2-identifier_type": "email",
        "form-2-identifier_value": "nobody@example.test",
    }
    html = viewer_client.get(url, params).content.decode()
    assert "Winter sale, Ann" in html and "Winter sale, Bob" in html
    assert "Hello Ann!" in html  # the greeting comes from the schema's default
    assert html.count('<span class="badge">default</span>') >= 2
    assert "No profile with email nobody@example.test" in html


def test_saved_test_profiles_are_shared_and_previewed_as(
    editor_client: Client, viewer_client: Client, bw: BrickworksClient
) -> None:
    url = reverse("content:record_preview", args=["home-banners", record_id(bw, "winter-sale")])
    save = reverse("content:test_profile_save", args=["home-banners", record_id(bw, "winter-sale")])
    response = editor_client.post(
        save, {"name": "Cleo", "identifier_type": "email", "identifier_value": "cleo@example.test"}
    )
    profile = TestProfile.objects.get()
    assert response["Location"] == f"{url}?saved={profile.pk}"
    html = viewer_client.get(url, {"saved": profile.pk}).content.decode()  # everyone in the workspace sees it
    assert "Winter sale, Cleo" in html and "Any visitor" not in html
    assert "Cleo · Email cleo@example.test" in html
    assert re.search(r"<title>Preview Winter sale, [^<]*</title>", html)
    assert "Save test profile" not in html  # a viewer_client saves none
    assert editor_client.get(url).content.decode().count("Save test profile") == 1
    assert (
        viewer_client.post(
            save, {"name": "X", "identifier_type": "email", "identifier_value": "x"}
        ).status_code
        == 403
    )
    params = {"saved": profile.pk, "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"}
    params |= {"form-0-identifier_type": "email", "form-0-identifier_value": "ann@example.test"}
    html = viewer_client.get(url, params).content.decode()
    assert html.index("Winter sale, Cleo") < html.index("Winter sale, Ann")
    editor_client.post(
        reverse(
            "content:test_profile_delete", args=["home-banners", record_id(bw, "winter-sale"), profile.pk]
        )
    )
    assert not TestProfile.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="test_profile.").count() == 2


def test_preview_never_runs_record_content(publisher_client: Client, bw: BrickworksClient) -> None:
    record = bw.create_record("home-banners", values={"headline": "x", "body": "<script>alert(1)</script>"})
    html = publisher_client.get(
        reverse("content:record_preview", args=["home-banners", record.id])
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_adding_a_preview_profile_keeps_the_typed_ones(viewer_client: Client, bw: BrickworksClient) -> None:
    url = reverse("content:record_preview", args=["home-banners", record_id(bw, "winter-sale")])
    params = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-identifier_type": "email",
        "form-0-identifier_value": "ann@example.test",
        "add": "1",
    }
    html = viewer_client.get(url, params).content.decode()
    assert 'name="form-1-identifier_value"' in html
    assert 'value="ann@example.test"' in html


def test_versions_compare_field_by_field(viewer_client: Client, bw: BrickworksClient) -> None:
    pk = record_id(bw, "winter-sale")
    bw.update_record("home-banners", pk, status="DRAFT", values={"headline": "Winter sale II", "priority": 5})
    html = viewer_client.get(reverse("content:record_versions", args=["home-banners", pk])).content.decode()
    # Draft vs live at first: the headline changed, the priority did not.
    assert re.search(r'<tr class="changed">\s*<td>Headline', html)
    assert not re.search(r'<tr class="changed">\s*<td>Priority', html)
    assert "Winter sale II" in html and "Restore as draft" not in html  # a viewer_client restores nothing
    # nothing raw: the status in words, an insert tag as the chip the editor shows
    assert "<del>Published</del><ins>Draft</ins>" in html
    assert "PUBLISHED" not in html.split("<h2>Compare</h2>")[1]
    assert '<span class="insert" title="Filled in for each customer">customer.firstName</span>' in html


def test_versions_compare_rich_text_word_by_word_and_lists_as_lists(
    viewer_client: Client, bw: BrickworksClient
) -> None:
    pk = record_id(bw, "winter-sale")
    values = bw.get_record("home-banners", pk).values
    bw.update_record(
        "home-banners", pk, status="DRAFT", values={**values, "body": "<p>Coats <b>half</b> price</p>"}
    )
    bw.update_record("home-banners", pk, status="PUBLISHED")
    changed = "<p>Coats <b>half</b> off</p><p>Today</p>"
    bw.update_record("home-banners", pk, status="DRAFT", values={**values, "body": changed})
    url = reverse("content:record_versions", args=["home-banners", pk])
    html = viewer_client.get(url, {"a": 2, "b": 3}).content.decode()
    body = html[html.index("<td>Body") : html.index("</tr>", html.index("<td>Body"))]
    assert "&lt;p&gt;" not in body and "<p>" not in body
    assert "Coats half price" in body
    assert "Coats half <del>price</del><ins>off Today</ins>" in body

    # Lists read as lists: on the compare of two versions and on the preview.
    schema = bw.get_schema("home-banners")
    schema.fields["tags"] = {"type": "list", "label": "Tags", "items": {"type": "text"}}
    v1, v3 = bw.get_version("home-banners", pk, 1), bw.get_version("home-banners", pk, 3)
    v1.values["tags"], v3.values["tags"] = ["winter", "coats"], ["winter", "boots"]
    tags = next(row for row in records.diff_versions(schema, v1, v3) if row["label"] == "Tags")
    assert (tags["a"], tags["b"]) == ("winter, coats", "winter, boots")
    assert tags["words"] == [("same", "winter, "), ("del", "coats"), ("ins", "boots")]
    offer = next(r for r in bw.list_records("offers").data if r.values["sku"] == "BOOT-01")
    preview = viewer_client.get(reverse("content:record_preview", args=["offers", offer.id])).content.decode()
    assert "shoes, winter" in preview and "[&#x27;" not in preview


def test_versions_compare_live_with_what_goes_live_at_the_scheduled_time(
    publisher_client: Client, bw: BrickworksClient, paula: User
) -> None:
    pk = record_id(bw, "winter-sale")
    url = reverse("content:record_versions", args=["home-banners", pk])
    draft = bw.update_record("home-banners", pk, status="DRAFT", values={"headline": "Winter sale II"})
    assert "what goes live at the scheduled time" not in publisher_client.get(url).content.decode()
    at = timezone.now() + timedelta(days=2)
    schema = bw.get_schema("home-banners")
    item = schedule.schedule(workspace_for(paula), schema=schema, record=draft, action="publish", at=at)
    html = publisher_client.get(url).content.decode()
    assert f"?a=1&amp;b=2&amp;at={item.pk}" in html
    html = publisher_client.get(url, {"a": 1, "b": 2, "at": item.pk}).content.decode()
    assert "What changes for customers when version 2 goes live at" in html
    assert "Live now (version 1)" in html and "Live after the schedule (version 2)" in html
    assert re.search(r'<tr class="changed">\s*<td>Headline', html)


def test_restore_makes_a_draft_and_never_overwrites_one(editor_client: Client, bw: BrickworksClient) -> None:
    pk = record_id(bw, "winter-sale")
    bw.update_record("home-banners", pk, status="DRAFT", values={"headline": "Second"})
    response = editor_client.post(
        reverse("content:record_restore", args=["home-banners", pk, 1]), follow=True
    )
    assert "publish or unpublish it before restoring" in response.content.decode()
    assert bw.get_record("home-banners", pk, statuses=["DRAFT"]).values["headline"] == "Second"

    bw.update_record("home-banners", pk, status="PUBLISHED")  # version 2 is live now
    editor_client.post(reverse("content:record_restore", args=["home-banners", pk, 1]))
    draft = bw.get_record("home-banners", pk, statuses=["DRAFT"])
    assert (draft.record_version, draft.values["headline"]) == (3, "Winter sale, {{ customer.firstName }}")
    assert bw.get_record("home-banners", pk).values["headline"] == "Second"  # nothing was published
    assert AuditEntry.objects.filter(action="record.restore", username="eddie").exists()


def test_restore_is_offered_only_when_it_can_work_and_the_page_says_why_not(
    editor_client: Client, bw: BrickworksClient
) -> None:
    pk = record_id(bw, "winter-sale")
    url = reverse("content:record_versions", args=["home-banners", pk])
    bw.update_record("home-banners", pk, status="DRAFT", values={"headline": "Second"})
    html = editor_client.get(url).content.decode()
    assert "Restore as draft" not in html
    assert "Version 2 is a draft in progress; publish or unpublish it before restoring" in html

    bw.update_record("home-banners", pk, status="PUBLISHED")
    html = editor_client.get(url).content.decode()
    assert html.count("Restore as draft</button>") == 1  # version 1; version 2 is the live one
    assert "before restoring another version" not in html


def live_offer(bw: BrickworksClient) -> tuple[str, dict[str, str]]:
    """A live record of the simple schema `offers`, and a form that changes its title."""
    offer = next(r for r in bw.list_records("offers").data if r.values["sku"] == "BOOT-01")
    assert offer.status == "PUBLISHED"
    data = {
        **form_data(sku="BOOT-01", title="Boots 90% off", discount="90"),
        "last_updated_at": offer.updated_at.isoformat(),
        "action": "save",
    }
    return offer.id, data


def test_an_editor_may_not_save_into_a_live_record_of_a_simple_schema(
    editor_client: Client, bw: BrickworksClient
) -> None:
    pk, data = live_offer(bw)
    response = editor_client.post(reverse("content:record", args=["offers", pk]), data)
    assert response.status_code == 403
    live = bw.get_record("offers", pk)
    assert (live.values["title"], live.values["discount"]) == ("Boots 20% off", 20)
    assert not AuditEntry.objects.filter(target_id=pk).exists()


def test_an_editor_sees_no_save_button_on_a_live_simple_record_but_can_duplicate_it(
    editor_client: Client, bw: BrickworksClient
) -> None:
    pk, _ = live_offer(bw)
    page = editor_client.get(reverse("content:record", args=["offers", pk])).content.decode()
    assert 'value="save"' not in page and 'value="publish"' not in page
    assert "needs the publish permission" in page and ">Duplicate</button>" in page
    unpublished = bw.create_record("offers", status="UNPUBLISHED", values={"sku": "NEW-1"})
    page = editor_client.get(reverse("content:record", args=["offers", unpublished.id])).content.decode()
    assert 'value="save"' in page and "needs the publish permission" not in page


def test_a_publisher_saving_a_live_simple_record_is_audited_as_publishing(
    publisher_client: Client, bw: BrickworksClient
) -> None:
    pk, data = live_offer(bw)
    page = publisher_client.get(reverse("content:record", args=["offers", pk])).content.decode()
    assert 'value="save"' in page and "saving changes what customers see at once" in page
    response = publisher_client.post(reverse("content:record", args=["offers", pk]), data)
    assert response.status_code == 302
    live = bw.get_record("offers", pk)
    assert (live.status, live.values["title"]) == ("PUBLISHED", "Boots 90% off")
    entry = AuditEntry.objects.get(target_id=pk)
    assert (entry.action, entry.username, entry.outcome) == ("record.publish", "paula", "ok")


def test_the_save_service_itself_refuses_an_editor_a_live_simple_record(
    eddie: User, bw: BrickworksClient
) -> None:
    pk, _ = live_offer(bw)
    offer = bw.get_record("offers", pk)
    with pytest.raises(PermissionDenied):
        records.save_record(
            workspace_for(eddie),
            schema=bw.get_schema("offers"),
            record=offer,
            publish=False,
            last_updated_at=None,
            values={"sku": "X"},
        )
    assert bw.get_record("offers", pk).values["sku"] == "BOOT-01"
