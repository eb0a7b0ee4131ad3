"""The launch screens as each role uses them: planning, adding steps from the things they change, the
verdicts, the approval, starting and rolling back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.models import SavedFilter, TestProfile
from apps.content.services import steps as content_steps
from apps.launches.models import Launch
from tests import pages
from tests.launches.conftest import work

CANVAS_ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"
WEEKDAYS = "0+0+5+?+*+MON-FRI"  # 05:00 UTC on weekdays, as a query parameter


def test_a_viewer_reads_launches_and_a_stranger_is_refused(
    viewer_client: Client, stranger_client: Client, planned: Launch
) -> None:
    listed = viewer_client.get(reverse("launches:list"))
    assert listed.status_code == 200
    assert "Spring campaign" in pages.words(listed) and "New launch" not in pages.words(listed)
    page = viewer_client.get(planned.get_absolute_url())
    assert "No steps yet" in pages.words(page) and "Check now" not in pages.words(page)
    assert "Add steps" not in pages.words(page)
    assert stranger_client.get(reverse("launches:list")).status_code == 403
    assert viewer_client.post(reverse("launches:new"), {"name": "Mine"}).status_code == 403


def test_an_editor_plans_a_launch_and_adds_a_record_from_its_page(
    editor_client: Client, bw: BrickworksClient
) -> None:
    response = editor_client.post(reverse("launches:new"), {"name": "Summer", "description": "", "go_at": ""})
    launch = Launch.objects.get(name="Summer")
    assert response["Location"] == launch.get_absolute_url()
    teaser = bw.get_record("home-banners", "spring-teaser")
    record_page = pages.words(editor_client.get(reverse("content:record", args=["home-banners", teaser.id])))
    assert f"Add to a launch: publish version {teaser.record_version}" in record_page
    url = f"{reverse('launches:add_step')}?kind=content.publish&app_id=home-banners&record={teaser.id}"
    form = editor_client.get(url)
    assert f"Publish Spring is coming (version {teaser.record_version})" in pages.words(form)
    added = editor_client.post(url, {"launch": launch.pk, "stage": 1}, follow=True)
    text = pages.words(added)
    assert f"Ready: Version {teaser.record_version} will go live." in text
    assert "Needed, not given yet" in text  # an editor's launch that publishes
    assert "Start now" not in text


def test_a_publisher_approves_and_a_change_turns_the_approval_stale(
    editor_client: Client, publisher_client: Client, eddie: User, planned: Launch, bw: BrickworksClient
) -> None:
    teaser = bw.get_record("home-banners", "spring-teaser")
    url = f"{reverse('launches:add_step')}?kind=content.publish&app_id=home-banners&record={teaser.id}"
    editor_client.post(url, {"launch": planned.pk, "stage": 1})
    assert editor_client.post(reverse("launches:approve", args=[planned.pk])).status_code == 403
    approved = pages.words(publisher_client.post(reverse("launches:approve", args=[planned.pk]), follow=True))
    assert "Approved by paula" in approved
    bw.update_record("home-banners", teaser.id, values={"headline": "Spring is here"})
    checked = pages.words(editor_client.post(reverse("launches:check", args=[planned.pk]), follow=True))
    assert "1 of 1 steps cannot run now" in checked and "Use it as it is now" in checked
    step = planned.steps.get()
    renewed = pages.words(editor_client.post(reverse("launches:renew_step", args=[step.pk]), follow=True))
    assert "Stale : approved by paula, but it changed since" in renewed  # "Stale" in bold
    assert "Start due" not in renewed  # it goes once approved: not before it is approved again
    assert f"Removed: Stage 1: Publish Spring is coming (version {teaser.record_version})" in renewed


def test_an_operator_adds_a_canvas_scheduler_with_its_expression(
    operator_client: Client, olive: User, planned: Launch
) -> None:
    schedule_page = pages.words(operator_client.get(reverse("canvas:schedule", args=[CANVAS_ORDERS])))
    assert "Add to a launch…" in schedule_page
    url = f"{reverse('launches:add_step')}?kind=canvas.schedule_on&workflow={CANVAS_ORDERS}&cron={WEEKDAYS}"
    assert "Stage 2" not in pages.words(operator_client.get(url))  # the launch has no stage 1 yet
    added = pages.words(operator_client.post(url, {"launch": planned.pk, "stage": 1}, follow=True))
    assert "Stage 1 Integrations Schedule Order transferring: At 05:00, Monday through Friday (UTC)" in added
    assert "Stage 2" in pages.words(operator_client.get(url))


def test_a_launch_started_from_its_page_runs_and_rolls_back(
    operator_client: Client, olive: User, demo: dict[str, Connection]
) -> None:
    operator_client.post(reverse("launches:new"), {"name": "Orders feed", "description": "", "go_at": ""})
    planned = Launch.objects.get(name="Orders feed")
    url = f"{reverse('launches:add_step')}?kind=canvas.schedule_on&workflow={CANVAS_ORDERS}&cron={WEEKDAYS}"
    operator_client.post(url, {"launch": planned.pk, "stage": 1})
    started = pages.words(
        operator_client.post(reverse("launches:go", args=[planned.pk]), {"action": "start"}, follow=True)
    )
    assert "Orders feed starts within seconds." in started
    work(planned)
    done = pages.words(operator_client.get(planned.get_absolute_url()))
    assert (
        "Done" in done
        and "Scheduler on: At 05:00, Monday through Friday (UTC)." in done
        and "Roll back" in done
    )
    assert "1 done" in done and "ready" not in done  # where its steps are now, not the check before it
    operator_client.post(reverse("launches:go", args=[planned.pk]), {"action": "roll_back"})
    work(planned)
    back = pages.words(operator_client.get(planned.get_absolute_url()))
    assert "Rolled back" in back and "Scheduler off again, as before the launch." in back
    assert "1 taken back" in back


def test_the_list_comes_a_page_of_fifty_at_a_time(
    viewer_client: Client, eddie: User, demo: dict[str, Connection]
) -> None:
    Launch.objects.bulk_create(
        Launch(connection=demo["synerise"], name=f"Launch {n:02}", owner=eddie) for n in range(51)
    )
    first = viewer_client.get(reverse("launches:list"))
    assert "Page 1 of 2" in pages.words(first)
    second = viewer_client.get(reverse("launches:list"), {"page": 2}, headers={"HX-Request": "true"})
    assert "<html" not in pages.text(second)
    names = [" ".join(row[0].split()[:2]) for row in pages.table_rows(pages.text(first) + pages.text(second))]
    assert names == [f"Launch {n:02}" for n in reversed(range(51))]  # newest first, none twice


def test_an_editor_adds_every_record_of_a_saved_filter_a_step_each(
    editor_client: Client, publisher_client: Client, planned: Launch, bw: BrickworksClient
) -> None:
    found = bw.list_records("home-banners", search="in").data
    assert len(found) >= 2
    editor_client.post(
        reverse("content:filter_save", args=["home-banners"]), {"query": "q=in", "name": "Seasonal"}
    )
    listed = editor_client.get(f"{reverse('content:records', args=['home-banners'])}?q=in")
    assert "Add to a launch: publish every record of Seasonal" in pages.words(listed)
    saved = SavedFilter.objects.get(name="Seasonal")
    url = f"{reverse('launches:add_step')}?kind=content.publish&app_id=home-banners&filter={saved.pk}"
    many = len(found)
    assert f"Publish the {many} records of the filter Seasonal ({many} steps" in pages.words(
        editor_client.get(url)
    )
    assert publisher_client.get(url).status_code == 404  # a saved filter is its person's own
    added = pages.words(editor_client.post(url, {"launch": planned.pk, "stage": 1}, follow=True))
    assert (
        f"Added to Spring campaign: Publish the {many} records of the filter Seasonal, a step each." in added
    )
    added_steps = list(planned.steps.all())
    assert sorted(step.target["record"] for step in added_steps) == sorted(record.id for record in found)
    assert [(step.stage, step.position) for step in added_steps] == [(1, n) for n in range(1, many + 1)]
    for step in added_steps:  # each pinned to its record's working version, and checked
        working = bw.get_record("home-banners", step.target["record"], statuses=["DRAFT", "PUBLISHED"])
        assert step.target["version"] >= working.record_version and step.ready is not None


def test_a_saved_filter_that_finds_too_many_records_is_refused_in_words(
    editor_client: Client, planned: Launch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(content_steps, "FILTER_MOST", 1)
    editor_client.post(
        reverse("content:filter_save", args=["home-banners"]), {"query": "q=in", "name": "Seasonal"}
    )
    saved = SavedFilter.objects.get(name="Seasonal")
    url = f"{reverse('launches:add_step')}?kind=content.publish&app_id=home-banners&filter={saved.pk}"
    refused = pages.words(editor_client.get(url, follow=True))
    assert "Seasonal finds 2 records: a launch takes 1 at most from one filter. Narrow it first." in refused
    assert not planned.steps.exists()


def test_the_preview_of_the_moment_shows_a_record_as_each_test_profile_reads_it_now_and_after(
    editor_client: Client,
    viewer_client: Client,
    planned: Launch,
    bw: BrickworksClient,
    demo: dict[str, Connection],
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    bw.update_record(
        "home-banners",
        live.id,
        status="DRAFT",
        values={"headline": "Spring is here, {{ customer.firstName }}", "priority": 6},
    )
    TestProfile.objects.create(
        connection=demo["synerise"], name="Ann", identifier_type="email", identifier_value="ann@example.test"
    )
    url = f"{reverse('launches:add_step')}?kind=content.publish&app_id=home-banners&record={live.id}"
    editor_client.post(url, {"launch": planned.pk, "stage": 1})
    page = viewer_client.get(reverse("launches:preview", args=[planned.pk]))
    rows = pages.table_rows(pages.text(page))
    assert ["Ann (Email ann@example.test)", "Headline", "Winter sale, Ann", "Spring is here, Ann"] in rows
    assert ["Any visitor", "Headline", "Winter sale,", "Spring is here,"] in rows  # no profile: no name
    # read alike by everyone: one line
    assert [row for row in rows if row[1] == "Priority"] == [
        ["Everyone (any visitor and the test profile)", "Priority", "5", "6"]
    ]
    assert "Preview of the moment" in pages.words(viewer_client.get(planned.get_absolute_url()))


def test_a_launch_page_says_where_to_find_what_each_person_may_add(
    editor_client: Client, operator_client: Client, planned: Launch
) -> None:
    editor = editor_client.get(planned.get_absolute_url())
    said = pages.words(editor)
    assert "Add steps" in said and "Content: publish a record's draft, unpublish a record" in said
    assert f'href="{reverse("content:schemas")}"' in pages.text(editor)
    assert "run or resume a workflow" not in said  # an editor may not add it
    assert "Integrations: turn a workflow's scheduler on" in pages.words(
        operator_client.get(planned.get_absolute_url())
    )
