"""Run history and the run job against the live sandbox: each run stored once, alerts, purge, and a
job that picks up after its worker died without sending the run again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.automations.models import RunRequest, WorkflowRun
from apps.automations.services import runs, workflows
from apps.automations.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.core.models import AuditEntry
from apps.jobs import services as jobs_services
from apps.jobs.models import Job
from apps.sandbox.models import Workflow


def test_polls_store_each_run_once_and_find_what_needs_a_look(demo: dict[str, Connection]) -> None:
    synerise = demo["synerise"]
    first = runs.poll()
    assert first >= 5
    count = WorkflowRun.objects.count()
    assert runs.poll() == first  # the same runs again: read, not stored twice
    assert WorkflowRun.objects.count() == count
    assert WorkflowRun.objects.filter(connection=synerise).values("run_id").distinct().count() == count
    alerts = runs.alerts(workspace_for(None, connection=synerise))
    assert [r.workflow_name for r in alerts.failed] == ["Loyalty points sync"]
    assert alerts.failed[0].failure_count == 37 and alerts.failed[0].final
    assert "Customer import from CRM" in [r.workflow_name for r in alerts.rejected]
    assert [r.workflow_name for r in alerts.stuck] == ["Store stock feed"]
    going = WorkflowRun.objects.get(workflow_name="Full catalogue reindex")
    assert not going.final and going.status == "Running"


def test_a_workflow_needs_a_look_once_under_its_most_pressing_alert(
    demo: dict[str, Connection], viewer_client: Any
) -> None:
    synerise = demo["synerise"]
    runs.poll()
    failed = WorkflowRun.objects.get(workflow_name="Loyalty points sync", status="Failed")
    stuck = WorkflowRun.objects.get(workflow_name="Store stock feed")
    for n, kind in enumerate([failed, failed, stuck], start=1):
        # Earlier runs of the same workflows this week: one more failure each, one rejecting run.
        earlier = WorkflowRun.objects.get(pk=kind.pk)
        earlier.pk, earlier.run_id = None, f"{kind.run_id}-earlier-{n}"
        earlier.started_at = kind.started_at - timedelta(hours=n)
        earlier.status, earlier.failure_count, earlier.final = "Failed", 3, True
        earlier.save()
    alerts = runs.alerts(workspace_for(None, connection=synerise))
    names = [r.workflow_name for r in [*alerts.stuck, *alerts.failed, *alerts.rejected]]
    assert len(names) == len(set(names))
    assert [r.workflow_name for r in alerts.stuck] == ["Store stock feed"]  # its failure is not listed again
    assert [(r.pk, r.times) for r in alerts.failed] == [(failed.pk, 3)]
    home = viewer_client.get("/").content.decode()
    assert home.count(">Loyalty points sync</a>") == 1 and "3 runs failed this week, the last" in home


def test_a_run_that_failed_elsewhere_is_under_failed_this_week_not_beside_no_failures(
    demo: dict[str, Connection], viewer_client: Any
) -> None:
    """The demo's Loyalty points sync failed by its own schedule two days ago: nothing of ours failed."""
    runs.poll()
    home = viewer_client.get("/").content.decode()
    card = home[home.index("Failed this week") : home.index("Workflow runs that need a look")]
    assert "No failures" not in card
    assert ">Loyalty points sync</a>" in card and "37 records rejected" in card
    below = home[home.index("Workflow runs that need a look") :]
    assert "Loyalty points sync" not in below and "Store stock feed" in below and "Customer import" in below


def test_a_new_run_is_a_new_row_and_a_final_one_is_kept_as_it_ended(
    demo: dict[str, Connection], fast_stages: None, ids: Any
) -> None:
    synerise = demo["synerise"]
    spring = ids("Spring promotion")
    workspace = workspace_for(None, connection=synerise)
    with workspace.client() as api:
        before = runs.capture(workspace, api=api, workflow_id=spring, name="Spring promotion")
        assert before is not None and before.final
        api.run_workflow(spring)
        going = runs.capture(workspace, api=api, workflow_id=spring)
        assert going is not None and going.run_id != before.run_id
        api.pause_workflow(spring)
        cut = runs.capture(workspace, api=api, workflow_id=spring)
        assert cut is not None and (cut.pk, cut.status, cut.final) == (going.pk, "Cancelled", True)
        WorkflowRun.objects.filter(pk=cut.pk).update(log="kept")
        runs.capture(workspace, api=api, workflow_id=spring)  # a final run is not written again
    assert WorkflowRun.objects.get(pk=cut.pk).log == "kept"
    assert WorkflowRun.objects.filter(workflow_id=spring).count() == 2


def test_runs_are_kept_for_the_setting_s_days(demo: dict[str, Connection], settings: Any) -> None:
    runs.poll()
    old = WorkflowRun.objects.order_by("pk").first()
    assert old is not None
    WorkflowRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=91))
    settings.WORKFLOW_RUNS_KEPT_DAYS = 90
    assert runs.purge() == 1 and not WorkflowRun.objects.filter(pk=old.pk).exists()


def test_a_requeued_run_job_follows_without_sending_the_run_again(
    demo: dict[str, Connection], olive: User, fast_stages: None, ids: Any
) -> None:
    synerise = demo["synerise"]
    spring = ids("Spring promotion")
    job = workflows.create_run(
        workspace_for(olive, connection=synerise),
        workflow_id=spring,
        name="Spring promotion",
        task_name="t",
        result_url="/x/",
    )
    workflows.run(job.pk, sleep=lambda seconds: None)
    assert Job.objects.get(pk=job.pk).state == "succeeded"
    sent = AuditEntry.objects.filter(action="workflow.run", target_id=spring).count()
    assert sent == 1
    # its worker "died" after sending: the sweep puts it back in the queue and it runs again
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED)
    lines = Job.objects.get(pk=job.pk).logs.count()
    workflows.run(job.pk, sleep=lambda seconds: None)
    assert AuditEntry.objects.filter(action="workflow.run", target_id=spring).count() == sent
    assert Job.objects.get(pk=job.pk).state == "succeeded"
    assert Job.objects.get(pk=job.pk).logs.count() == lines  # no log line twice
    assert WorkflowRun.objects.filter(run_id=RunRequest.objects.get(job=job).run_id).count() == 1


def test_cancelling_the_job_stops_following_not_the_workflow(
    demo: dict[str, Connection], olive: User, ids: Any, settings: Any
) -> None:
    settings.SANDBOX_STAGE_SECONDS = 30
    spring = ids("Spring promotion")
    job = workflows.create_run(
        workspace_for(olive, connection=demo["synerise"]),
        workflow_id=spring,
        name="Spring promotion",
        task_name="t",
        result_url="/x/",
    )

    def cancel_while_waiting(seconds: float) -> None:
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)

    workflows.run(job.pk, sleep=cancel_while_waiting)
    assert Job.objects.get(pk=job.pk).state == "cancelled"
    assert Workflow.objects.get(pk=spring).status == "Active"


def test_a_person_s_retry_of_a_failed_run_runs_the_workflow_again(
    demo: dict[str, Connection], olive: User, fast_stages: None, ids: Any
) -> None:
    loyalty = ids("Loyalty points sync")
    with workspace_for(None, connection=demo["synerise"]).client() as api:
        api.pause_workflow(loyalty)
    job = workflows.create_run(
        workspace_for(olive, connection=demo["synerise"]),
        workflow_id=loyalty,
        name="Loyalty points sync",
        task_name="t",
        result_url="/x/",
    )
    workflows.run(job.pk, sleep=lambda seconds: None)
    failed = Job.objects.get(pk=job.pk)
    assert failed.state == "failed" and "37 rejected" in failed.error
    first = RunRequest.objects.get(job=job).run_id
    with workspace_for(None, connection=demo["synerise"]).client() as api:
        api.pause_workflow(loyalty)
    assert jobs_services.retry_job(failed, user=olive)
    workflows.run(job.pk, sleep=lambda seconds: None)
    assert RunRequest.objects.get(job=job).run_id not in ("", first)
    assert AuditEntry.objects.filter(action="workflow.run", target_id=loyalty).count() == 2


def test_the_database_refuses_a_run_twice(demo: dict[str, Connection]) -> None:
    """What holds across restarts and two pollers at once: one row per connection and run id."""
    runs.poll()
    stored = WorkflowRun.objects.first()
    assert stored is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkflowRun.objects.create(
            connection=stored.connection,
            workflow_id=stored.workflow_id,
            run_id=stored.run_id,
            started_at=stored.started_at,
            status="Success",
            seen_at=stored.seen_at,
        )


def test_following_a_hung_run_ends_without_touching_the_workflow(
    demo: dict[str, Connection], olive: User, fast_stages: None, ids: Any
) -> None:
    feed = ids("Store stock feed")
    with workspace_for(None, connection=demo["synerise"]).client() as api:
        api.pause_workflow(feed)
    job = workflows.create_run(
        workspace_for(olive, connection=demo["synerise"]),
        workflow_id=feed,
        name="Store stock feed",
        task_name="t",
        result_url="/x/",
    )

    def an_hour_goes_by(seconds: float) -> None:
        run = Workflow.objects.get(pk=feed).runs.order_by("-started_at").first()
        run.started_at -= timedelta(hours=1)
        run.save()

    workflows.run(job.pk, sleep=an_hour_goes_by)
    ended = Job.objects.get(pk=job.pk)
    assert ended.state == "failed" and "looks stuck" in ended.error
    assert Workflow.objects.get(pk=feed).status == "Active"
