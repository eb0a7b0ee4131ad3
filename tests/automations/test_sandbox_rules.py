"""The sandbox's workflow rules as the dashboard's client meets them over HTTP: W1/W2 filters and
paging, the state machine, and stages driven by wall-clock time (shifted here, not waited for)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from apps.automations.client import WorkflowsClient
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.http import ApiConflict, ApiNotFound, ApiValidationError
from apps.sandbox.models import Workflow as SandboxWorkflow
from apps.sandbox.workflows.seed import FOLDERS, folder_id


@pytest.fixture
def wf(demo: dict[str, Connection]) -> Iterator[WorkflowsClient]:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as client:
        yield client


def shift(workflow_id: str, seconds: float) -> None:
    """As if `seconds` went by since the last run started (and since its cut, if any)."""
    run = SandboxWorkflow.objects.get(pk=workflow_id).runs.order_by("-started_at").first()
    assert run is not None
    run.started_at -= timedelta(seconds=seconds)
    if run.cut_at:
        run.cut_at -= timedelta(seconds=seconds)
    run.save()


def test_w1_and_w2_filter_sort_and_page(wf: WorkflowsClient) -> None:
    assert wf.list_workflows_v1().meta.limit == 10 and wf.list_workflows().meta.limit == 50
    by_author = wf.list_workflows(search="cara.lee")
    assert by_author.meta.total_count == 6 and {w.author for w in by_author.data} == {"cara.lee@example.test"}
    imports = wf.list_workflows(directory_id=str(folder_id(FOLDERS[2])), sort="Name", order="Asc")
    assert [w.name for w in imports.data][:2] == ["Customer import from CRM", "Full catalogue reindex"]
    assert all(w.directory_id == str(folder_id(FOLDERS[2])) for w in imports.data)
    assert {w.status for w in wf.list_workflows(status="Active").data} == {"Active"}
    recent = wf.list_workflows(status="Recent", limit=100).data
    assert "Welcome journey" in [w.name for w in recent] and "Old newsletter" not in [w.name for w in recent]
    # sortBy wins over sort and order
    names = [w.name for w in wf.list_workflows(sort="Name", order="Asc", sort_by="name:desc", limit=3).data]
    assert names == sorted(names, reverse=True)
    pages = [wf.list_workflows(page=n, limit=7, sort="Name", order="Asc") for n in (1, 2, 5)]
    assert [len(p.data) for p in pages] == [7, 7, 2] and pages[0].meta.total_pages == 5
    assert not {w.diagram_id for w in pages[0].data} & {w.diagram_id for w in pages[1].data}
    assert wf.list_workflows(page=9, limit=7).data == []
    with pytest.raises(ApiValidationError):
        wf.list_workflows(limit=101)
    with pytest.raises(ApiValidationError):
        wf.list_workflows(sort_by="colour:asc")


def test_the_state_machine_over_http(wf: WorkflowsClient, ids: Any) -> None:
    draft = ids("Price drop alert")
    with pytest.raises(ApiConflict):
        wf.pause_workflow(draft)  # never started
    with pytest.raises(ApiConflict):
        wf.stop_workflow(draft)
    wf.run_workflow(draft)
    assert SandboxWorkflow.objects.get(pk=draft).status == "Active"
    first = wf.last_run(draft)
    wf.pause_workflow(draft)
    wf.pause_workflow(draft)  # a repeat changes nothing
    assert SandboxWorkflow.objects.get(pk=draft).status == "Paused"
    assert wf.last_run(draft).overall_run_status == "Cancelled"
    wf.run_workflow(draft)  # resume: a new run
    assert wf.last_run(draft).run_id != first.run_id
    wf.stop_workflow(draft)
    wf.stop_workflow(draft)
    for refused in (wf.run_workflow, wf.pause_workflow):
        with pytest.raises(ApiConflict) as answer:
            refused(draft)
        assert answer.value.status == 409
    assert SandboxWorkflow.objects.get(pk=draft).status == "Stopped"


def test_stages_follow_the_clock(wf: WorkflowsClient, ids: Any, settings: Any) -> None:
    # Long stages, so the time a loaded machine takes between a shift and the read moves no record.
    settings.SANDBOX_STAGE_SECONDS = 600
    workflow = ids("Price drop alert")
    wf.run_workflow(workflow)

    def statuses() -> list[str]:
        run = wf.last_run(workflow, limit=5000)
        return [
            s.status
            for s in (run.pipeline.import_data, run.pipeline.transform_data, run.pipeline.export_data)
            if s
        ]

    assert statuses() == ["Running", "Pending", "Pending"]
    shift(workflow, 900)  # halfway through the second stage
    assert statuses() == ["Success", "Running", "Pending"]
    transform = wf.last_run(workflow).pipeline.transform_data
    assert transform is not None and transform.success_count == 50 and len(transform.logs) == 6
    shift(workflow, 1000)
    run = wf.last_run(workflow)
    assert statuses() == ["Success"] * 3 and run.overall_run_status == "Success"
    assert run.pipeline.export_data and run.pipeline.export_data.logs[-1].split(" ", 2)[1] == "INFO"


def test_a_workflow_without_data_stages_has_no_run_log(wf: WorkflowsClient, ids: Any) -> None:
    plain = ids("Winback campaign")
    wf.run_workflow(plain)
    with pytest.raises(ApiNotFound):
        wf.last_run(plain)
