"""The workflows screens against the live sandbox, per role: what each person sees and may do."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from apps.automations.models import KnownWorkflow, RunRequest, WorkflowRun
from apps.automations.services import runs
from apps.core.models import AuditEntry
from apps.jobs.models import Job
from apps.sandbox.models import Workflow


def text(response: Any) -> str:
    return response.content.decode()


def test_the_list_filters_sorts_and_pages(operator_client: Client, ids: Any) -> None:
    page = operator_client.get("/workflows/")
    assert page.status_code == 200
    body = text(page)
    assert "Welcome journey" in body and "Page 1 of 2" in body
    assert body.count('name="workflow"') == 25
    assert "{" not in body.split("<main", 1)[-1].replace("{%", "")  # no raw JSON where a person reads
    paused = text(operator_client.get("/workflows/", {"status": "Inactive", "sort": "name:asc"}))
    assert "Spring promotion" in paused and "Welcome journey<" not in paused
    found = text(operator_client.get("/workflows/", {"q": "black friday"}))
    assert found.count('name="workflow"') == 3
    tagged = text(operator_client.get("/workflows/", {"tag": "import"}))
    assert tagged.count('name="workflow"') == 7 and "Loyalty points sync" in tagged
    folder = KnownWorkflow.objects.get(name="Nightly product import").directory_id
    in_folder = text(operator_client.get("/workflows/", {"folder": folder}))
    assert "Nightly product import" in in_folder and "Welcome journey" not in in_folder
    second = text(operator_client.get("/workflows/", {"page": 2}))
    assert second.count('name="workflow"') == 5
    fragment = operator_client.get("/workflows/", {"q": "spring"}, headers={"HX-Request": "true"})
    assert "<html" not in text(fragment) and "Spring promotion" in text(fragment)


def test_the_workflow_page_tells_its_facts_in_words(viewer_client: Client, ids: Any) -> None:
    body = text(viewer_client.get(f"/workflows/{ids('Winback campaign')}/"))
    assert "Demo workflow: winback campaign" in body and "retention" in body
    assert "At most 2 times per customer every week" in body and "One journey at a time" in body
    assert "Run</button>" not in body and "Stop…" not in body  # a viewer sees no controls


def test_folders_are_named_by_the_workflows_they_hold_not_by_their_ids(
    viewer_client: Client, ids: Any
) -> None:
    text(viewer_client.get("/workflows/"))  # the list keeps what it saw, folders included
    folder = KnownWorkflow.objects.get(name="Nightly product import").directory_id
    held = sorted(KnownWorkflow.objects.filter(directory_id=folder).values_list("name", flat=True))
    name = f"Folder with {held[0]} and {len(held) - 1} more"
    body = text(viewer_client.get("/workflows/"))
    assert f'<option value="{folder}">{name}</option>' in body
    assert f"Folder {folder[:8]}" not in body
    page = text(viewer_client.get(f"/workflows/{ids('Nightly product import')}/"))
    assert f'?folder={folder}">{name}</a>' in page


def test_controls_follow_the_state(operator_client: Client, ids: Any) -> None:
    draft = text(operator_client.get(f"/workflows/{ids('Winback campaign')}/"))
    assert "Run</button>" in draft and "Pause</button>" not in draft and "Stop…" not in draft
    active = text(operator_client.get(f"/workflows/{ids('Welcome journey')}/"))
    assert "Run</button>" not in active and "Pause</button>" in active and "Stop…" in active
    paused = text(operator_client.get(f"/workflows/{ids('Spring promotion')}/"))
    assert "Resume</button>" in paused and "Pause</button>" not in paused and "Stop…" in paused
    stopped = text(operator_client.get(f"/workflows/{ids('Old newsletter')}/"))
    assert "cannot be run again" in stopped
    assert "Run</button>" not in stopped and "Pause</button>" not in stopped and "Stop…" not in stopped


@pytest.mark.parametrize("persona", ["viewer_client", "publisher_client", "editor_client"])
def test_who_may_not_operate_gets_403_on_every_control(persona: str, request: Any, ids: Any) -> None:
    client = request.getfixturevalue(persona)
    welcome = ids("Welcome journey")
    assert client.get(f"/workflows/{welcome}/").status_code == 200
    for url in (f"/workflows/{welcome}/run/", f"/workflows/{welcome}/pause/", f"/workflows/{welcome}/stop/"):
        assert client.post(url, {"name": "Welcome journey"}).status_code == 403
    assert client.get(f"/workflows/{welcome}/stop/").status_code == 403
    assert Workflow.objects.get(name="Welcome journey", workspace__name="Demo workspace").status == "Active"


def test_pause_then_stop_with_the_typed_name(operator_client: Client, ids: Any) -> None:
    welcome = ids("Welcome journey")
    response = operator_client.post(f"/workflows/{welcome}/pause/")
    assert response.status_code == 302
    assert Workflow.objects.get(pk=welcome).status == "Paused"
    form = operator_client.get(f"/workflows/{welcome}/stop/")
    assert "cannot be restarted" in text(form)
    wrong = operator_client.post(f"/workflows/{welcome}/stop/", {"name": "Welcome"})
    assert "nothing was stopped" in text(wrong) and Workflow.objects.get(pk=welcome).status == "Paused"
    operator_client.post(f"/workflows/{welcome}/stop/", {"name": "Welcome journey"})
    assert Workflow.objects.get(pk=welcome).status == "Stopped"
    actions = list(AuditEntry.objects.filter(target_id=welcome).values_list("action", "outcome"))
    assert ("workflow.pause", "ok") in actions and ("workflow.stop", "ok") in actions


def test_after_resume_the_live_page_says_starting_until_the_run_has_begun(
    operator_client: Client, ids: Any
) -> None:
    welcome = ids("Welcome journey")
    operator_client.post(f"/workflows/{welcome}/pause/")
    operator_client.post(f"/workflows/{welcome}/run/")  # Resume: its job waits for a worker here
    page = text(operator_client.get(f"/workflows/{welcome}/live/"))
    head = page[page.index("<h1") : page.index('<form class="log-filters"')]
    assert '<span class="badge tone-running">Starting</span>' in head and "Paused" not in head
    assert "Resume</button>" not in head and "Your resume is on its way" in head
    assert 'hx-vals=\'{"seen": "Starting"}\'' in page
    # Once the job has ended and the run is over, the job's last step is no longer shown as news.
    Job.objects.filter(kind="automations.run").update(state=Job.State.SUCCEEDED, step="Export running")
    Workflow.objects.filter(pk=welcome).update(status="Active")
    page = text(operator_client.get(f"/workflows/{welcome}/live/"))
    assert "Export running" not in page
    assert '<span id="workflow-status"><span class="badge tone-ok">Active</span></span>' in page


def test_a_stage_that_rejected_records_says_where_they_are(viewer_client: Client, ids: Any) -> None:
    live = text(viewer_client.get(f"/workflows/{ids('Customer import from CRM')}/live/"))
    kept = r"The rejected records are in a file Synerise keeps, <code>([0-9a-f-]{36})</code>"
    found = re.search(kept, live)
    assert found is not None and "download it from this run in Synerise" in live


def test_run_creates_a_job_that_follows_the_run_to_its_end(
    operator_client: Client, ids: Any, eager_celery: None, fast_stages: None
) -> None:
    spring = ids("Spring promotion")
    response = operator_client.post(f"/workflows/{spring}/run/")
    assert response.status_code == 302 and response["Location"] == f"/workflows/{spring}/live/"
    job = Job.objects.get(kind="automations.run")
    assert job.state == "succeeded", job.error
    assert job.result_url == f"/workflows/{spring}/live/"
    messages = list(job.logs.values_list("message", flat=True))
    assert any(m.startswith("Run success: Import success") for m in messages)
    assert any(m.startswith("Export ") and m.endswith(": Job finished with success!") for m in messages)
    assert RunRequest.objects.get(job=job).run_id
    live = text(operator_client.get(f"/workflows/{spring}/live/"))
    assert "Import" in live and "Transform" in live and "Export" in live and "every 2s" not in live
    # the stages on one time axis, each after the one before, each with how long it took
    axis = live[live.index('aria-label="Stages on a time axis"') :]
    starts = [float(x) for x in re.findall(r'<rect class="tone-ok" x="([\d.]+)"', axis)]
    assert len(starts) == 3 and starts[0] == 0 and starts == sorted(starts)
    assert len(re.findall(r'<span class="small muted">(\d+ s|under a second)</span>', axis)) == 3
    warnings = text(operator_client.get(f"/workflows/{spring}/live/", {"level": "WARN"}))
    assert "No line matches" in warnings
    download = operator_client.get(f"/workflows/{spring}/live/log/")
    assert download["Content-Disposition"].startswith("attachment") and b"Job started" in download.content
    history = text(operator_client.get(f"/workflows/{spring}/"))
    assert "Run history" in history and history.count('class="badge tone-ok">Success') == 1


def test_a_failing_run_fails_its_job_and_shows_on_the_home_page(
    operator_client: Client, ids: Any, eager_celery: None, fast_stages: None
) -> None:
    loyalty = ids("Loyalty points sync")
    operator_client.post(f"/workflows/{loyalty}/pause/")
    operator_client.post(f"/workflows/{loyalty}/run/")
    job = Job.objects.get(kind="automations.run")
    assert job.state == "failed" and "Transform failed" in job.error
    home = text(operator_client.get("/"))
    # Under "Failed this week" as its job; the run it started is not listed again, there or below.
    card = home[home.index("Failed this week") : home.index("Workflow runs that need a look")]
    ours = WorkflowRun.objects.get(run_id=RunRequest.objects.get(job=job).run_id)
    assert job.label in card and f"/runs/{ours.pk}/" not in home


def test_running_a_workflow_without_data_stages_ends_its_job_at_once(
    operator_client: Client, ids: Any, eager_celery: None
) -> None:
    winback = ids("Winback campaign")
    operator_client.post(f"/workflows/{winback}/run/")
    job = Job.objects.get(kind="automations.run")
    assert job.state == "succeeded"
    assert "no data stages to follow" in " ".join(job.logs.values_list("message", flat=True))
    live = text(operator_client.get(f"/workflows/{winback}/live/"))
    assert "no run to show" in live and "every 2s" not in live


def test_the_home_page_shows_run_alerts_only_to_who_may_see_workflows(
    stranger_client: Client, viewer_client: Client, demo: Any
) -> None:
    runs.poll()
    assert "Workflow runs that need a look" not in text(stranger_client.get("/"))
    home = text(viewer_client.get("/"))
    assert "Workflow runs that need a look" in home and "Store stock feed" in home and "Stuck" in home
