"""Runs: block ranges and their warnings, the job that follows a run to its end, and the run history,
where each run (ours, or one the scheduler started) is kept once however often the poll sees it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.canvas.client import CanvasClient, OneWorkflow, TemplateBlock, Workflow
from apps.canvas.models import WorkflowRun
from apps.canvas.services import runs
from apps.canvas.services.workflows import blocks_of
from apps.canvas.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import Workspace
from apps.jobs.models import Job
from apps.sandbox.canvas import runs as sandbox_runs
from apps.sandbox.canvas.models import CanvasWorkflow

QUINYX_REG = "1710ff47-f590-43db-b0de-015676e99615"
FTP_REG = "a067c363-7339-4fed-b1ad-efafd7603986"
CHAINED = "c1a0e7f2-5b7e-4d2a-9a51-2f4f0e0d7b02"
FAILING = "c1a0e7f2-5b7e-4d2a-9a51-2f4f0e0d7b01"
NEVER_AGAIN = '{"cronSchedule":"0 0 0 1 1 ? 2099"}'


def chain(*variables: dict[str, Any]) -> list[Any]:
    return blocks_of(
        [
            TemplateBlock(uniqueBlockId=str(n), blockName=f"Step {n}", variables=v)
            for n, v in enumerate(variables, 1)
        ]
    )


def workflow(status: str = "Ready", current: int = 0) -> Workflow:
    now = datetime.now(UTC).isoformat()
    return OneWorkflow.validate_python(
        {
            "id": "w",
            "name": "Nightly",
            "description": "",
            "status": status,
            "isScheduled": False,
            "schedulerFrequency": NEVER_AGAIN,
            "workflowTemplateId": "t",
            "isCustomizedStructure": False,
            "accountId": "a",
            "organizationId": "o",
            "dateCreated": now,
            "dateModified": now,
            "dateLastRun": None,
            "dateNextSchedule": None,
            "regApplicationIds": [],
            "currentBlock": current,
        }
    )


FOUR = chain({}, {"rows": "{block:1.employees}"}, {"file": ["a", "{block:2.file}"]}, {"link": "{block:3}"})


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (0, 2, "The first block must be between 1 and 4."),
        (2, 5, "The last block must be between 1 and 4."),
        (None, 9, "The last block must be between 1 and 4."),
        (3, 2, "Block 3 comes after block 2: pick the first block of the range first."),
    ],
)
def test_a_range_outside_the_chain_is_refused(first: int | None, last: int | None, message: str) -> None:
    with pytest.raises(runs.RangeError, match=message):
        runs.plan_run(workflow(), FOUR, first=first, last=last)


def test_a_workflow_without_a_known_chain_runs_only_whole() -> None:
    assert runs.plan_run(workflow(), None, first=None, last=None).blocks == "the whole workflow"
    with pytest.raises(runs.RangeError, match="only the whole workflow"):
        runs.plan_run(workflow(), None, first=None, last=2)


def test_the_whole_chain_as_a_range_is_sent_without_bounds() -> None:
    plan = runs.plan_run(workflow(), FOUR, first=1, last=4)
    assert (plan.first, plan.last, plan.warnings, plan.blocks) == (None, None, [], "the whole workflow")
    assert runs.plan_run(workflow(), FOUR, first=None, last=3).blocks == "blocks 1 to 3"


def test_a_range_that_skips_a_block_whose_output_it_reads_is_warned_about() -> None:
    assert runs.plan_run(workflow(), FOUR, first=2, last=3).warnings == [
        "Block 2 (Step 2) reads the output of block 1 (Step 1), which this run skips: it gets what block 1 "
        "produced in an earlier run, if any."
    ]
    plan = runs.plan_run(workflow(), FOUR, first=3, last=4)
    assert [w.split(",")[0] for w in plan.warnings] == [
        "Block 3 (Step 3) reads the output of block 2 (Step 2)"
    ]
    assert runs.plan_run(workflow(), FOUR, first=1, last=2).warnings == []


def test_a_running_workflow_is_warned_about() -> None:
    plan = runs.plan_run(workflow("Running", 2), FOUR, first=None, last=None)
    assert plan.warnings == [
        "Nightly is running now (block 2). Canvas refuses a second run until it ends, and has no call to "
        "stop the one in progress."
    ]


def owner() -> Workspace[CanvasClient]:
    """The Canvas connection as its key's owner (no account acted as)."""
    return workspace_for(None, connection=Connection.objects.get(kind="canvas"), account_id="")


def create(template: str = CHAINED) -> str:
    with owner().client() as api:
        return api.create_workflow(template, applications={"QUIN": QUINYX_REG, "FTP": FTP_REG}, name="Run me")


def send_queued_run() -> Job:
    """What the queued run job does first (its worker is not running here): send RunWorkflow."""
    job = Job.objects.filter(kind="canvas.run", state=Job.State.QUEUED).latest("pk")
    with owner().client() as api:
        runs.send_run(job, api)
    return job


def test_a_warned_range_starts_only_once_confirmed(
    demo: dict[str, Connection], operator_client: Client
) -> None:
    workflow_id = create()
    url = f"/integrations/workflows/{workflow_id}/run/"
    asked = operator_client.post(url, {"scope": "range", "first": 3, "last": 4})
    assert asked.status_code == 200
    assert "reads the output of block 2 (Write CSV)" in asked.content.decode()
    assert CanvasWorkflow.objects.get(id=workflow_id).date_last_run is None
    started = operator_client.post(url, {"scope": "range", "first": 3, "last": 4, "confirmed": "on"})
    assert started.status_code == 302
    assert CanvasWorkflow.objects.get(id=workflow_id).date_last_run is None  # the job sends it
    waiting = operator_client.get(f"/integrations/workflows/{workflow_id}/").content.decode()
    assert "Your run is starting" in waiting and 'hx-trigger="every 2s"' in waiting
    send_queued_run()
    started_page = operator_client.get(f"/integrations/workflows/{workflow_id}/").content.decode()
    assert "Your run is starting" not in started_page
    row = CanvasWorkflow.objects.get(id=workflow_id)
    assert (row.run_from, row.run_till) == (3, 4)
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert (run.source, run.run_from, run.run_till) == ("ours", 3, 4)
    assert abs(run.started_at - row.date_last_run) < timedelta(milliseconds=1)  # Canvas shows milliseconds
    assert run.job is not None and run.job.state == Job.State.QUEUED


def test_the_run_job_follows_the_blocks_to_the_end(
    demo: dict[str, Connection], operator_client: Client, eager_celery: None, blocks_seen_going: None
) -> None:
    workflow_id = create()
    response = operator_client.post(
        f"/integrations/workflows/{workflow_id}/run/",
        {"scope": "range", "first": 2, "last": 3, "confirmed": "on"},
    )
    assert response.status_code == 302
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    job = Job.objects.get(pk=run.job_id)
    assert (job.state, job.progress, job.error) == (Job.State.SUCCEEDED, 100, "")
    steps = list(job.logs.values_list("message", flat=True))
    assert "Block 2: 1 of 2 in this run" in steps and "Block 3: 2 of 2 in this run" in steps
    assert (run.status, run.current_block, run.finished_at is not None) == ("Ready", 3, True)
    assert job.label == "Run Run me (blocks 2 to 3)"
    detail = operator_client.get(f"/integrations/workflows/{workflow_id}/").content.decode()
    assert "Blocks 2 to 3" in detail and "Finished" in detail


def test_a_failing_block_fails_the_job_with_where_it_stopped(
    demo: dict[str, Connection], operator_client: Client, eager_celery: None
) -> None:
    workflow_id = create(FAILING)
    operator_client.post(f"/integrations/workflows/{workflow_id}/run/", {"scope": "whole"})
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert (run.status, run.current_block) == ("Failed", 2)
    assert run.job is not None
    run.job.refresh_from_db()
    assert (run.job.state, run.job.error) == (Job.State.FAILED, "Canvas reports the run failed at block 2.")
    live = operator_client.get(f"/integrations/workflows/{workflow_id}/", headers={"HX-Request": "true"})
    said = "Run me: the run (whole workflow) failed at block 2."
    assert f'<div class="alert alert-error" role="status">{said}</div>' in live.content.decode()
    # where it stopped by name, that Canvas says no more, and how long it took
    row = re.search(r"<td><span class=\"badge failed\">Failed</span>.*?</tr>", live.content.decode(), re.S)
    assert row is not None
    took = r"<td class=\"nowrap wide-only\">(\d+ s|under a second)</td>"
    assert re.search(r"at block 2, [^;<]+; Canvas gives no reason for it</span></td>\s*" + took, row.group(0))


def test_a_scheduled_run_is_kept_once_however_often_it_is_polled(demo: dict[str, Connection]) -> None:
    workflow_id = create()
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.is_scheduled, row.scheduler_frequency = True, NEVER_AGAIN
    row.date_next_schedule = datetime.now(UTC) - timedelta(seconds=1)
    row.save()
    assert runs.poll() >= 1
    assert runs.poll() == 0
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert (run.source, run.status) == ("scheduler", "Running")
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.run_started_at -= timedelta(seconds=sandbox_runs.block_seconds() * 5)  # the run is over by now
    row.save()
    assert runs.poll() == 0
    assert runs.poll() == 0
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert (run.source, run.status, run.current_block, run.run_from) == ("scheduler", "Ready", 4, None)
    assert run.duration is None  # the poll saw it end, not when it ended: no time is made up


def test_our_run_seen_by_the_poll_is_not_kept_twice(
    demo: dict[str, Connection], operator_client: Client
) -> None:
    workflow_id = create()
    operator_client.post(f"/integrations/workflows/{workflow_id}/run/", {"scope": "till", "till": 2})
    send_queued_run()
    runs.poll()
    runs.poll()
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert (run.source, run.run_from, run.run_till, run.status) == ("ours", 1, 2, "Running")


def test_a_second_run_is_warned_about_and_canvas_refusal_is_shown(
    demo: dict[str, Connection], operator_client: Client
) -> None:
    workflow_id = create()
    url = f"/integrations/workflows/{workflow_id}/run/"
    assert operator_client.post(url, {"scope": "whole"}).status_code == 302
    send_queued_run()
    warned = operator_client.post(url, {"scope": "whole"}).content.decode()
    assert "Run me is running now (block 1)" in warned and "Run anyway" in warned
    assert operator_client.post(url, {"scope": "whole", "confirmed": "on"}).status_code == 302
    # The job sends RunWorkflow; Canvas's refusal fails it, with Canvas's words on the job's page.
    second = Job.objects.filter(kind="canvas.run").latest("pk")
    runs.follow(second.pk)
    second.refresh_from_db()
    assert second.state == Job.State.FAILED
    assert f"Workflow {workflow_id} is already running" in second.error
    page = operator_client.get(reverse("jobs:detail", args=[second.pk])).content.decode()
    assert f"Workflow {workflow_id} is already running" in page
    assert WorkflowRun.objects.filter(workflow_id=workflow_id).count() == 1


def test_a_failed_scheduled_run_shows_on_the_home_page(
    demo: dict[str, Connection], viewer_client: Client
) -> None:
    workflow_id = create(FAILING)
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.is_scheduled, row.scheduler_frequency = True, NEVER_AGAIN
    row.date_next_schedule = datetime.now(UTC) - timedelta(seconds=sandbox_runs.block_seconds() / 2)
    row.save()
    runs.poll()
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.run_started_at -= timedelta(seconds=sandbox_runs.block_seconds() * 5)
    row.save()
    runs.poll()
    assert WorkflowRun.objects.get(workflow_id=workflow_id).status == "Failed"
    home = viewer_client.get("/").content.decode()
    assert f'href="/integrations/workflows/{workflow_id}/">Run me</a>' in home
    assert "stopped at block 2" in home


def test_a_run_whose_job_ended_early_is_settled_by_the_poll(
    demo: dict[str, Connection], operator_client: Client
) -> None:
    workflow_id = create()
    operator_client.post(f"/integrations/workflows/{workflow_id}/run/", {"scope": "till", "till": 1})
    send_queued_run()
    run = WorkflowRun.objects.get(workflow_id=workflow_id)
    Job.objects.filter(pk=run.job_id).update(state=Job.State.FAILED)  # as if the worker met an outage
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.run_started_at -= timedelta(seconds=sandbox_runs.block_seconds() * 2)
    row.save()
    runs.poll()
    run.refresh_from_db()
    assert (run.status, run.current_block, run.source) == ("Ready", 1, "ours")


def test_the_page_shows_a_run_finished_once_the_workflow_is_even_before_its_job_reads_it(
    demo: dict[str, Connection], operator_client: Client
) -> None:
    workflow_id = create()
    operator_client.post(f"/integrations/workflows/{workflow_id}/run/", {"scope": "till", "till": 1})
    job = send_queued_run()
    stale = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert (stale.status, stale.job) == ("Running", job)
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.run_started_at -= timedelta(seconds=sandbox_runs.block_seconds() * 2)  # Canvas has finished it
    row.save()
    live = operator_client.get(f"/integrations/workflows/{workflow_id}/", headers={"HX-Request": "true"})
    page = live.content.decode()
    assert '<span class="badge ok">Ready</span>' in page
    assert "Finished" in page and "badge running" not in page and "hx-trigger" not in page
    # the poll that finds the run over replaces the "is starting" message with how it ended
    assert '<div id="messages" class="messages" aria-live="polite" hx-swap-oob="true">' in page
    assert "Run me: the run (block 1) finished." in page
    # The job's copy, read before the page settled it, keeps the page's ending when the job reads on.
    ended = WorkflowRun.objects.get(workflow_id=workflow_id)
    with owner().client() as api:
        settled = runs.settle(stale, api.get_workflow(workflow_id))
    assert (settled.status, settled.current_block, settled.finished_at) == ("Ready", 1, ended.finished_at)


def test_a_retry_of_a_failed_run_starts_a_new_run_of_the_same_blocks_and_keeps_both(
    demo: dict[str, Connection], operator_client: Client, eager_celery: None
) -> None:
    workflow_id = create(FAILING)
    operator_client.post(f"/integrations/workflows/{workflow_id}/run/", {"scope": "whole"})
    first = WorkflowRun.objects.get(workflow_id=workflow_id)
    assert first.status == "Failed" and first.job is not None
    started = CanvasWorkflow.objects.get(id=workflow_id).date_last_run

    response = operator_client.post(reverse("jobs:retry", args=[first.job.pk]))
    assert response.status_code == 302
    assert CanvasWorkflow.objects.get(id=workflow_id).date_last_run > started  # Canvas ran it again
    runs_kept = WorkflowRun.objects.filter(workflow_id=workflow_id).order_by("started_at")
    assert [(r.run_from, r.run_till, r.status) for r in runs_kept] == [(None, None, "Failed")] * 2
    assert runs_kept[1].job_id == first.job.pk and runs_kept[1].started_at > first.started_at
    detail = operator_client.get(f"/integrations/workflows/{workflow_id}/").content.decode()
    assert detail.count("at block 2") >= 2  # both runs in the workflow's history
