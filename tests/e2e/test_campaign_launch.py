"""A campaign launch across the areas, as its people work on it in the browser: an editor plans it with
three records and a checked catalog import; an operator adds two workflow resumes and a Canvas scheduler;
the pre-flight flags a draft that cannot be published, which the editor fixes; a publisher approves; a
record changed after that turns the approval stale, with the change named; approved again, it runs at its
time; the Canvas scheduler's write fails in the sandbox, the launch stops, and Roll back puts every record,
catalog item, workflow and scheduler back as it was, saying so step by step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apps.catalogs.client import CatalogsClient
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.launches.models import Launch, LaunchAction, Step
from apps.sandbox.canvas.models import CanvasWorkflow
from apps.sandbox.models import FaultSettings
from apps.sandbox.models import Workspace as SandboxWorkspace
from apps.sandbox.workflows.models import Workflow, WorkflowStatus
from tests.catalogs.conftest import dry_run, items_of, upload
from tests.e2e.conftest import screenshot
from tests.e2e.test_sign_in_and_test_connection import sign_in
from tests.launches.conftest import work
from tests.people import client_for

pytestmark = [pytest.mark.e2e, pytest.mark.long(14), pytest.mark.usefixtures("eager_celery")]

ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"  # the sandbox's Canvas workflow "Order transferring"


@pytest.fixture
def settings_for_imports(settings: Any, tmp_path: Any) -> None:
    settings.CATALOG_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def cat(demo: dict[str, Connection]) -> Iterator[CatalogsClient]:
    with CatalogsClient(connections.http_for(demo["synerise"])) as client:
        yield client


def add_from(page: Any, base: str, query: str, stage: int = 1) -> None:
    """Open an "Add to a launch" link and add the step to the one planned launch, in `stage`."""
    page.goto(f"{base}/launches/steps/new/?{query}")
    page.select_option("#id_stage", str(stage))
    page.click("button:has-text('Add the step')")
    page.locator(".messages").wait_for()


def step_text(page: Any, words: str) -> str:
    return str(page.locator(".launch-step", has_text=words).inner_text())


def test_a_campaign_is_planned_approved_run_stopped_and_rolled_back_across_every_area(
    page: Any,
    browser: Any,
    live_server: Any,
    demo: dict[str, Connection],
    eddie: User,
    olive: User,
    paula: User,
    cat: CatalogsClient,
    settings_for_imports: None,
) -> None:
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    # What the campaign changes, as it is before: a live banner with a new draft, a draft, and a draft
    # that lacks its headline; a catalog with two items; two paused workflows; a scheduler that is off.
    winter = bw.get_record("home-banners", "winter-sale")
    bw.update_record(
        "home-banners", winter.id, status="DRAFT", values={"headline": "Spring sale", "priority": 5}
    )
    teaser = bw.get_record("home-banners", "spring-teaser")
    friday = bw.get_record("home-banners", "black-friday")
    bw.update_record("home-banners", friday.id, status="DRAFT", values={"priority": 9})  # no headline
    catalog = cat.create_catalog("spring-products").data.id
    cat.add_items(catalog, {"1": {"sku": "1", "price": "9.50"}, "2": {"sku": "2", "price": "7"}})
    imp = dry_run(client_for(eddie), upload(client_for(eddie), catalog, b"sku,price\n1,12.00\n2,7\n3,15\n"))
    workspace = SandboxWorkspace.objects.get(name="Demo workspace")
    spring = Workflow.objects.get(workspace=workspace, name="Spring promotion")
    winback = Workflow.objects.create(
        workspace=workspace,
        name="Spring winback",
        author="olive@synadmin.test",
        status=WorkflowStatus.PAUSED,
        has_transformation=False,
    )
    assert not CanvasWorkflow.objects.get(id=ORDERS).is_scheduled

    # The editor plans it, with a go time, and adds the three records and the import.
    sign_in(page, base, "eddie", at="/launches/new/")
    page.fill("#id_name", "Spring campaign")
    page.fill("#id_go_at", timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT09:00"))
    page.click("button:has-text('Plan the launch')")
    page.locator(".messages", has_text="Spring campaign planned").wait_for()
    launch_url = page.url
    page.goto(f"{base}/content/records/home-banners/{winter.id}/")
    page.click("a:has-text('publish version')")
    page.click("button:has-text('Add the step')")
    for record in (teaser, friday):
        add_from(page, base, f"kind=content.publish&app_id=home-banners&record={record.id}")
    page.goto(f"{base}/catalogs/imports/{imp.pk}/")
    page.click("a:has-text('add to a launch')")
    page.click("button:has-text('Add the step')")
    page.locator(".launch-step", has_text="as the dry run showed").wait_for()

    # The operator adds the workflows and the scheduler, in a second stage.
    operator = browser.new_context()
    olive_page = operator.new_page()
    olive_page.on("dialog", lambda dialog: dialog.accept())
    sign_in(olive_page, base, "olive")
    for workflow in (spring, winback):
        add_from(olive_page, base, f"kind=automations.resume&workflow={workflow.diagram_id}", stage=2)
    add_from(olive_page, base, f"kind=canvas.schedule_on&workflow={ORDERS}&cron=0+0+5+%3F+*+MON-FRI", stage=2)
    operator.close()

    # The pre-flight flags the draft without a headline; the editor fixes it and takes it as it is now.
    page.goto(launch_url)
    assert "1 cannot run" in page.inner_text("main")
    assert "cannot be published: Headline is empty." in step_text(page, "Headline is empty")
    bw.update_record(
        "home-banners", friday.id, status="DRAFT", values={"headline": "Black Friday", "priority": 9}
    )
    page.click("button:has-text('Check now')")
    page.locator(".launch-step", has_text="has changed since version").locator(
        "button:has-text('Use it as it is now')"
    ).click()
    page.locator(".messages", has_text="Now: Publish Black Friday").wait_for()
    assert "cannot run" not in page.inner_text("main") and "7 ready" in page.inner_text("main")

    # A publisher approves it on a phone.
    approver = browser.new_context(viewport={"width": 390, "height": 844})
    paula_page = approver.new_page()
    paula_page.on("dialog", lambda dialog: dialog.accept())
    sign_in(paula_page, base, "paula", at=launch_url)
    paula_page.click("button:has-text('Approve as it is')")
    paula_page.locator(".messages", has_text="approved as it is now").wait_for()

    # The editor changes a record after the approval: stale, with the change named, until approved again.
    bw.update_record("home-banners", teaser.id, status="DRAFT", values={"headline": "Spring is here"})
    page.goto(launch_url)
    page.click("button:has-text('Check now')")
    page.locator(".launch-step", has_text="has changed since version").locator(
        "button:has-text('Use it as it is now')"
    ).click()
    page.locator(".messages", has_text="Now: Publish Spring is here").wait_for()
    main = page.inner_text("main")
    assert "Stale: approved by paula, but it changed since" in main
    assert "What changed since the approval:" in main and "Spring is here" in main
    paula_page.goto(launch_url)
    paula_page.click("button:has-text('Approve as it is')")
    paula_page.locator(".messages", has_text="approved as it is now").wait_for()
    screenshot(paula_page, "campaign-approved-390.png", full_page=True)
    approver.close()

    # At its time it runs (the sweep hands its start to a worker); the scheduler's write fails in Canvas.
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"], path_contains="/WorkflowScheduler")
    launch = Launch.objects.get(name="Spring campaign")
    start = launch.actions.get(action=LaunchAction.Action.START, state=LaunchAction.State.PENDING)
    LaunchAction.objects.filter(pk=start.pk).update(run_at=timezone.now(), due_at=timezone.now())
    assert work(launch) == "done"
    FaultSettings.objects.all().delete()
    page.goto(launch_url)
    main = page.inner_text("main")
    assert "Schedule Order transferring" in main and "failed" in main.lower()
    assert page.locator(".badge.launch-stopped").count() == 1
    assert "Published: version" in step_text(page, "Spring sale")
    assert "Running (it was paused)." in step_text(page, "Spring winback")
    assert sorted(items_of(cat, catalog)) == ["1", "2", "3"]
    assert Workflow.objects.get(pk=spring.pk).status == WorkflowStatus.ACTIVE

    # Roll back: every record, item, workflow and the scheduler as they were, said step by step.
    page.click("button:has-text('Roll back')")
    page.locator(".messages", has_text="is rolled back within seconds").wait_for()
    assert work(launch) == "done"
    page.goto(launch_url)
    assert page.locator(".badge.launch-rolled_back").inner_text() == "Rolled back"
    assert "content is live again" in step_text(page, "Spring sale")
    for name in ("Spring is here", "Black Friday"):
        assert "Unpublished again" in step_text(page, name)
    assert "Put back the old values of 1 item; deleted 1 item it created" in step_text(
        page, "spring-products"
    )
    for name in ("Spring promotion", "Spring winback"):
        assert "Paused (it was paused before the launch; a rollback never stops one)." in step_text(
            page, name
        )
    screenshot(page, "campaign-rolled-back.png", full_page=True)
    assert (
        bw.get_record("home-banners", winter.id, statuses=["PUBLISHED"])
        .values["headline"]
        .startswith("Winter sale")
    )
    assert not bw.list_records("home-banners", ids=[teaser.id, friday.id], statuses=["PUBLISHED"]).data
    back = items_of(cat, catalog)
    assert (sorted(back), str(back["1"]["price"])) == (["1", "2"], "9.50")
    assert {w.status for w in Workflow.objects.filter(pk__in=[spring.pk, winback.pk])} == {
        WorkflowStatus.PAUSED
    }
    assert not CanvasWorkflow.objects.get(id=ORDERS).is_scheduled
    assert launch.steps.filter(state=Step.State.FAILED).count() == 1  # the scheduler: it never acted
