"""The dashboard's workflows client against the sandbox over real HTTP, signed in as the demo connection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from apps.automations.client import Workflow, WorkflowsClient
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.http import ApiConflict, ApiNotFound, ApiValidationError, build_http

# pytest-httpx answers for this address; nothing is sent.
OFFLINE = "http://127.0.0.1:9/"


@pytest.fixture
def wf(demo: dict[str, Connection]) -> Iterator[WorkflowsClient]:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as client:
        yield client


def named(client: WorkflowsClient, name: str) -> Workflow:
    (workflow,) = [w for w in client.list_workflows(search=name).data if w.name == name]
    return workflow


def test_it_lists_the_demo_workflows_with_their_paging(wf: WorkflowsClient) -> None:
    page = wf.list_workflows(sort="Name", order="Asc")
    assert [w.name for w in page.data][:2] == ["App onboarding tips", "Back in stock notice"]
    assert (page.meta.limit, page.meta.total_count, page.meta.total_pages) == (50, 30, 1)
    first = wf.list_workflows_v1(limit=4)
    assert (len(first.data), first.meta.total_pages) == (4, 8)
    inactive = [w.name for w in wf.list_workflows(status="Inactive", sort_by="name:asc", search="o").data]
    assert inactive[:3] == ["Back in stock notice", "Easter campaign 2025", "Inactive customer reactivation"]
    welcome = named(wf, "Welcome journey")
    assert (welcome.status, welcome.author, welcome.can_run) == ("Active", "demo@synadmin.test", False)
    assert welcome.created is not None and welcome.updated is not None and welcome.created < welcome.updated


def test_the_v1_list_takes_every_documented_filter_and_sort(wf: WorkflowsClient) -> None:
    # W1 documents the same query as W2 (§2.1); only the default limit differs.
    by_name = wf.list_workflows_v1(sort="Name", order="Asc", limit=3)
    first_three = ["App onboarding tips", "Back in stock notice", "Birthday voucher"]
    assert [w.name for w in by_name.data] == first_three
    assert (by_name.meta.limit, by_name.meta.total_count) == (3, 30)
    second = wf.list_workflows_v1(page=2, sort="Name", order="Asc", limit=3)
    assert second.meta.page == 2 and not {w.name for w in second.data} & {w.name for w in by_name.data}
    # sortBy wins over sort and order (docs/api-decisions.md)
    desc = wf.list_workflows_v1(sort="Name", order="Asc", sort_by="name:desc", limit=3)
    names = [w.name for w in desc.data]
    assert names == sorted(names, reverse=True) and names[0] not in first_three
    assert {w.status for w in wf.list_workflows_v1(status="Active", limit=100).data} == {"Active"}
    inactive = wf.list_workflows_v1(status="Inactive", limit=100).data
    assert inactive and {w.status for w in inactive} <= {"Paused", "Stopped"}
    found = wf.list_workflows_v1(search="cara.lee", limit=100)
    assert found.meta.total_count == 6 and {w.author for w in found.data} == {"cara.lee@example.test"}
    folder = named(wf, "Customer import from CRM").directory_id
    assert folder is not None
    in_folder = wf.list_workflows_v1(directory_id=folder, limit=100).data
    assert "Customer import from CRM" in [w.name for w in in_folder]
    assert {w.directory_id for w in in_folder} == {folder}
    with pytest.raises(ApiValidationError):
        wf.list_workflows_v1(sort_by="colour:asc")


def test_a_workflow_pauses_resumes_and_once_stopped_cannot_run(wf: WorkflowsClient) -> None:
    welcome = named(wf, "Welcome journey")
    wf.pause_workflow(welcome.diagram_id)
    assert named(wf, "Welcome journey").status == "Paused"
    wf.run_workflow(welcome.diagram_id)
    assert named(wf, "Welcome journey").status == "Active"
    wf.stop_workflow(welcome.diagram_id)
    stopped = named(wf, "Welcome journey")
    assert (stopped.status, stopped.can_run) == ("Stopped", False)
    with pytest.raises(ApiConflict) as refused:
        wf.run_workflow(welcome.diagram_id)
    assert "can't be restarted" in str(refused.value)


def test_the_last_run_goes_through_its_stages(wf: WorkflowsClient, settings: Any) -> None:
    settings.SANDBOX_STAGE_SECONDS = 0.2
    spring = named(wf, "Spring promotion")
    before = wf.last_run(spring.diagram_id)
    assert before.overall_run_status == "Success"
    wf.run_workflow(spring.diagram_id)
    seen = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        run = wf.last_run(spring.diagram_id)
        seen.append(run.overall_run_status)
        if run.overall_run_status == "Success":
            break
        time.sleep(0.05)
    assert run.run_id != before.run_id
    assert seen[-1] == "Success" and seen[0] in ("Pending", "Running")
    stages = [run.pipeline.import_data, run.pipeline.transform_data, run.pipeline.export_data]
    assert [s.status for s in stages if s] == ["Success"] * 3
    export = run.pipeline.export_data
    assert export is not None and export.logs[-1].endswith("Job finished with success!")


def test_missing_runs_and_workflows_are_not_found_and_bad_limits_refused(wf: WorkflowsClient) -> None:
    with pytest.raises(ApiNotFound):
        wf.last_run(named(wf, "Winback campaign").diagram_id)
    with pytest.raises(ApiNotFound):
        wf.stop_workflow("00000000-0000-0000-0000-000000000000")
    with pytest.raises(ApiValidationError):
        wf.list_workflows(limit=1000)


def test_a_synerise_error_body_keeps_its_message_and_field_errors(httpx_mock: HTTPXMock) -> None:
    body = {
        "status": 400,
        "error": "Bad Request",
        "message": "Validation failed",
        "errors": [{"path": "name", "defaultMessage": "must not be blank"}],
    }
    httpx_mock.add_response(status_code=400, json=body)
    with WorkflowsClient(build_http(OFFLINE, retries=0)) as api, pytest.raises(ApiValidationError) as caught:
        api.request("POST", "/automation/workflows")
    assert (caught.value.message, caught.value.field_errors) == (
        "Validation failed",
        {"name": ["must not be blank"]},
    )
    assert caught.value.body == body
