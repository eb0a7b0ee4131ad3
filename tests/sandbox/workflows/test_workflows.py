"""The sandbox's automation workflows (spec §2): the list, run, pause, stop and the last run's stages."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.sandbox.models import Workspace
from apps.sandbox.workflows.seed import DEMO_WORKFLOWS
from tests.sandbox.workflows.conftest import Api, age

LIST = "/automation-brain/diagrams"


def assert_error(result: tuple[int, object], status: int) -> dict:
    got, body = result
    assert got == status, body
    assert isinstance(body, dict)
    assert set(body) >= {"timestamp", "status", "error", "message", "path"}
    assert body["status"] == status
    return body


def test_the_list_pages_with_the_documented_meta(api: Api) -> None:
    for n in range(12):
        api.workflow(f"Journey {n:02}")
    status, body = api.get(LIST, page=2, limit=5, sort="Name", order="Asc")
    assert status == 200
    assert [w["name"] for w in body["data"]] == [f"Journey {n:02}" for n in range(5, 10)]
    assert body["meta"] == {"limit": 5, "page": 2, "totalPages": 3, "totalCount": 12}


def test_v1_pages_by_ten_and_v2_by_fifty(api: Api) -> None:
    for n in range(12):
        api.workflow(f"Journey {n}")
    assert len(api.get(LIST)[1]["data"]) == 10
    assert len(api.get("/automation-brain/v2/diagrams")[1]["data"]) == 12
    assert api.get("/automation-brain/v2/diagrams")[1]["meta"]["limit"] == 50


def test_a_workflow_is_listed_with_the_fields_of_the_sample(api: Api) -> None:
    workflow = api.workflow("Welcome", description="Hi", tags=[{"hash": "h", "value": "vip"}])
    item = api.get(LIST)[1]["data"][0]
    assert item["diagramId"] == str(workflow.pk)
    assert (item["name"], item["author"], item["status"], item["description"]) == (
        "Welcome",
        "ann@example.test",
        "Draft",
        "Hi",
    )
    assert item["tags"] == [{"hash": "h", "value": "vip"}]
    assert item["created"] == pytest.approx(workflow.created.timestamp(), abs=0.001)
    assert item["businessProfileId"] == api.workspace.pk


def test_a_workspace_sees_only_its_own_workflows(api: Api) -> None:
    other = Api(Workspace.objects.create(name="Other"))
    theirs = other.workflow("Theirs")
    api.workflow("Mine")
    assert [w["name"] for w in api.get(LIST)[1]["data"]] == ["Mine"]
    assert_error(api.act(theirs, "run"), 404)
    assert_error(api.last_run(theirs), 404)


def test_the_status_filter_counts_paused_and_stopped_as_inactive(api: Api) -> None:
    for status in ("Draft", "Active", "Paused", "Stopped", "Scheduled"):
        api.workflow(status, status=status)
    names = lambda **q: sorted(w["name"] for w in api.get(LIST, **q)[1]["data"])  # noqa: E731
    assert names(status="Inactive") == ["Paused", "Stopped"]
    assert names(status="Active") == ["Active"]
    assert names(status="Scheduled") == ["Scheduled"]
    assert len(names(status="All")) == 5


def test_recent_means_changed_in_the_last_week(api: Api) -> None:
    api.workflow("Fresh")
    api.workflow("Old", updated=timezone.now() - timedelta(days=8))
    assert [w["name"] for w in api.get(LIST, status="Recent")[1]["data"]] == ["Fresh"]


def test_search_matches_names_and_authors_and_directory_filters(api: Api) -> None:
    folder = uuid.uuid4()
    api.workflow("Cart reminder", directory_id=folder)
    api.workflow("Welcome", author="bob@example.test")
    assert [w["name"] for w in api.get(LIST, search="CART")[1]["data"]] == ["Cart reminder"]
    assert [w["name"] for w in api.get(LIST, search="bob@")[1]["data"]] == ["Welcome"]
    assert [w["name"] for w in api.get(LIST, directoryId=str(folder))[1]["data"]] == ["Cart reminder"]


def test_sort_by_wins_over_sort_and_order(api: Api) -> None:
    api.workflow("B")
    api.workflow("A")
    api.workflow("C")
    names = [w["name"] for w in api.get(LIST, sort="Name", order="Asc", sortBy="name:desc")[1]["data"]]
    assert names == ["C", "B", "A"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 0},
        {"page": 0},
        {"status": "Paused"},
        {"sort": "Size"},
        {"sortBy": "size:asc"},
    ],
)
def test_bad_list_parameters_are_refused_with_400(api: Api, params: dict) -> None:
    assert_error(api.get(LIST, **params), 400)


def test_run_starts_a_draft_and_its_pipeline(api: Api) -> None:
    workflow = api.workflow()
    assert api.act(workflow, "run") == (204, None)
    workflow.refresh_from_db()
    assert workflow.status == "Active"
    status, run = api.last_run(workflow)
    assert status == 200
    assert run["overallRunStatus"] in ("Pending", "Running")
    assert set(run["pipelineResponse"]) == {"importData", "transformData", "exportData"}


def test_a_stopped_workflow_cannot_be_restarted(api: Api) -> None:
    workflow = api.workflow(status="Active")
    assert api.act(workflow, "stop") == (204, None)
    body = assert_error(api.act(workflow, "run"), 409)
    assert body["message"] == "A stopped workflow can't be restarted"
    assert body["path"] == f"/sandbox/synerise/automation-brain/diagrams/{workflow.pk}/run"
    assert_error(api.act(workflow, "pause"), 409)
    workflow.refresh_from_db()
    assert workflow.status == "Stopped"


def test_pause_then_run_resumes(api: Api) -> None:
    workflow = api.workflow(status="Active")
    assert api.act(workflow, "pause") == (204, None)
    assert api.act(workflow, "pause") == (204, None)
    workflow.refresh_from_db()
    assert workflow.status == "Paused"
    assert api.act(workflow, "run") == (204, None)
    workflow.refresh_from_db()
    assert workflow.status == "Active"


def test_only_an_active_workflow_pauses_and_a_draft_does_not_stop(api: Api) -> None:
    draft = api.workflow(status="Draft")
    assert_error(api.act(draft, "pause"), 409)
    assert_error(api.act(draft, "stop"), 409)
    assert api.act(api.workflow(status="Scheduled"), "stop") == (204, None)


def test_running_an_active_workflow_starts_no_second_run(api: Api) -> None:
    workflow = api.workflow()
    api.act(workflow, "run")
    first = api.last_run(workflow)[1]["runId"]
    assert api.act(workflow, "run") == (204, None)
    assert api.last_run(workflow)[1]["runId"] == first
    assert workflow.runs.count() == 1


def test_stages_go_by_in_turn(api: Api) -> None:
    workflow = api.workflow()
    api.act(workflow, "run")
    run = workflow.runs.get()
    age(run, run.stage_seconds * 1.5)
    stages = api.last_run(workflow)[1]["pipelineResponse"]
    assert [stages[s]["status"] for s in ("importData", "transformData", "exportData")] == [
        "Success",
        "Running",
        "Pending",
    ]
    assert stages["importData"]["successCount"] == 100
    assert 0 < stages["transformData"]["successCount"] < 100
    assert stages["exportData"]["logs"] == []
    assert stages["importData"]["logs"][-1].endswith("INFO Job finished with success!")
    age(run, run.stage_seconds * 2)
    body = api.last_run(workflow)[1]
    assert body["overallRunStatus"] == "Success"
    assert body["startTime"] == pytest.approx(run.started_at.timestamp(), abs=0.001)


def test_a_pause_cancels_the_stages_not_yet_finished(api: Api) -> None:
    workflow = api.workflow()
    api.act(workflow, "run")
    age(workflow.runs.get(), workflow.runs.get().stage_seconds * 0.5)
    api.act(workflow, "pause")
    body = api.last_run(workflow)[1]
    assert body["overallRunStatus"] == "Cancelled"
    assert [body["pipelineResponse"][s]["status"] for s in ("importData", "transformData", "exportData")] == [
        "Cancelled"
    ] * 3
    assert body["pipelineResponse"]["importData"]["logs"][-1].split(" ", 2)[1] == "WARN"
    api.act(workflow, "run")
    assert api.last_run(workflow)[1]["runId"] != body["runId"]


def test_the_log_limit_cuts_lines_but_not_the_size(api: Api) -> None:
    workflow = api.workflow()
    api.act(workflow, "run")
    age(workflow.runs.get(), 60)
    stage = api.last_run(workflow, limit=1)[1]["pipelineResponse"]["importData"]
    # a start line, one line per tenth of the records, a finish line; the limit keeps the last lines
    assert (len(stage["logs"]), stage["logsSize"]) == (1, 12)
    assert stage["logs"][0].endswith("INFO Job finished with success!")
    assert_error(api.last_run(workflow, limit=5001), 400)


def test_no_run_yet_or_no_processing_nodes_is_404(api: Api) -> None:
    assert_error(api.last_run(api.workflow("Never run")), 404)
    plain = api.workflow("Plain", has_transformation=False)
    api.act(plain, "run")
    assert_error(api.last_run(plain), 404)


def test_unknown_or_malformed_ids_are_404(api: Api) -> None:
    assert_error(api.post(f"/automation-brain/diagrams/{uuid.uuid4()}/run"), 404)
    assert_error(api.post("/automation-brain/diagrams/not-a-uuid/stop"), 404)


def test_without_a_token_the_workflows_are_closed(db: None) -> None:
    response = Client().get(f"/sandbox/synerise{LIST}")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_the_demo_seed_has_a_workflow_in_each_status(db: None) -> None:
    from apps.sandbox import seed

    seeded = seed.seed()
    seed.seed()
    statuses = set(seeded.workspace.workflows.values_list("status", flat=True))
    assert statuses == {"Draft", "Scheduled", "Active", "Paused", "Stopped"}
    assert seeded.workspace.workflows.count() == len(DEMO_WORKFLOWS) == 30
    assert {w.author for w in seeded.workspace.workflows.all()} >= {
        "demo@synadmin.test",
        "cara.lee@example.test",
    }
    assert seeded.workspace.workflows.exclude(tags=[]).exclude(directory_id=None).count() > 10


def stages(api: Api, workflow: object) -> list[dict]:
    body = api.last_run(workflow, limit=5000)[1]
    return [body["pipelineResponse"][name] for name in ("importData", "transformData", "exportData")]


def test_a_run_that_rejects_records_counts_them_and_logs_each(api: Api) -> None:
    workflow = api.workflow(rejected=3)
    api.act(workflow, "run")
    age(workflow.runs.get(), 60)
    transform = stages(api, workflow)[1]
    assert (transform["status"], transform["successCount"], transform["failureCount"]) == ("Success", 97, 3)
    assert transform["failedRecordsFileId"]
    assert sum(" WARN Record " in line for line in transform["logs"]) == 3
    assert api.last_run(workflow)[1]["overallRunStatus"] == "Success"


def test_a_run_that_fails_at_transform_skips_the_export(api: Api) -> None:
    workflow = api.workflow(rejected=37, fails=True)
    api.act(workflow, "run")
    run = workflow.runs.get()
    age(run, 3)  # halfway through the transform: still running, some records already rejected
    middle = stages(api, workflow)[1]
    assert middle["status"] == "Running" and 0 < middle["failureCount"] < 37
    age(run, 60)
    import_, transform, export = stages(api, workflow)
    assert (import_["status"], transform["status"], export["status"]) == ("Success", "Failed", "Skipped")
    assert transform["failureCount"] == 37 and transform["logs"][-1].split(" ", 1)[1].startswith("ERROR")
    assert export["logs"] == [] and api.last_run(workflow)[1]["overallRunStatus"] == "Failed"


def test_a_stalled_run_stops_logging_until_it_is_paused(api: Api) -> None:
    workflow = api.workflow(stalls=True)
    api.act(workflow, "run")
    run = workflow.runs.get()
    age(run, 3600)
    first = stages(api, workflow)
    age(run, 3600)
    later = stages(api, workflow)
    assert first[1]["status"] == later[1]["status"] == "Running"
    assert first[1]["logsSize"] == later[1]["logsSize"] == 5 and first[1]["successCount"] == 40
    assert later[2]["status"] == "Pending"
    api.act(workflow, "pause")
    assert [s["status"] for s in stages(api, workflow)] == ["Success", "Cancelled", "Cancelled"]
