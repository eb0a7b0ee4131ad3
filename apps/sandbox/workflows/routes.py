"""Automation workflows and their last run (spec §2: W1–W6), served under /sandbox/synerise/.

Mounted by `apps.sandbox.synerise` with its workspace token; its error body is the v4 one of that API.
What the doc leaves open (statuses, codes, the limit's maximum, stage statuses) is in docs/api-decisions.md.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from apps.sandbox.models import Workspace
from apps.sandbox.workflows.models import (
    STAGES,
    TRANSFORM,
    StageStatus,
    Workflow,
    WorkflowRun,
    WorkflowStatus,
)

router = Router()

LIMIT_MAX = 100
# The largest Java int, as Brickworks' pages: (page - 1) * limit stays far inside a bigint offset.
PAGE_MAX = 2**31 - 1
RECENT = timedelta(days=7)
SORT = {
    "Author": "author",
    "Name": "name",
    "CreatedTime": "created",
    "UpdatedTime": "updated",
    "Status": "status",
}
SORT_BY = {
    "author": "author",
    "name": "name",
    "createdTime": "created",
    "updatedTime": "updated",
    "status": "status",
}


class ListParams(Schema):
    page: int = Field(1, ge=1, le=PAGE_MAX, description="The selected page")
    status: Literal["All", "Recent", "Draft", "Active", "Inactive", "Scheduled"] = "All"
    sort: Literal["Author", "Name", "CreatedTime", "UpdatedTime", "Status"] = "UpdatedTime"
    sortBy: str | None = Field(None, description="Sort workflows clause, e.g. createdTime:desc")
    order: Literal["Asc", "Desc"] = "Desc"
    search: str | None = None
    directoryId: uuid.UUID | None = None


class ListParamsV1(ListParams):
    limit: int = Field(10, ge=1, le=LIMIT_MAX, description="Page size")


class ListParamsV2(ListParams):
    limit: int = Field(50, ge=1, le=LIMIT_MAX, description="Page size")


class LogParams(Schema):
    limit: int = Field(500, ge=0, le=5000, description="The maximum number of log lines in each stage")


class ListingAuthorOut(Schema):
    userId: int
    clientId: int
    clientApiHash: str
    businessProfileApiHash: str


class WorkflowOut(Schema):
    diagramId: str
    author: str
    listingAuthor: ListingAuthorOut
    name: str
    created: float
    updated: float
    status: str
    configuration: dict[str, Any]
    catalogId: str | None
    directoryId: str | None
    context: str
    tags: list[dict[str, Any]]
    description: str
    hasTransformation: bool
    businessProfileId: int


class MetaOut(Schema):
    limit: int
    page: int
    totalPages: int
    totalCount: int


class WorkflowPageOut(Schema):
    data: list[WorkflowOut]
    meta: MetaOut


class StageOut(Schema):
    status: str
    runDate: str
    logs: list[str]
    logsSize: int
    failedRecordsFileId: str | None
    successCount: int
    failureCount: int


class PipelineOut(Schema):
    importData: StageOut
    transformData: StageOut
    exportData: StageOut


class LastRunOut(Schema):
    startTime: float
    runId: str
    pipelineResponse: PipelineOut
    overallRunStatus: str


@router.get(
    "/automation-brain/diagrams", response=WorkflowPageOut, tags=["automation"], summary="List workflows"
)
def list_workflows(request: HttpRequest, params: Query[ListParamsV1]) -> dict[str, Any]:
    # Spec §2.1 W1.
    return _page(request, params)


@router.get(
    "/automation-brain/v2/diagrams",
    response=WorkflowPageOut,
    tags=["automation"],
    summary="List workflows (v2)",
)
def list_workflows_v2(request: HttpRequest, params: Query[ListParamsV2]) -> dict[str, Any]:
    # Spec §2.1 W2: as W1 but for the default limit.
    return _page(request, params)


@router.post(
    "/automation-brain/diagrams/{diagramId}/run",
    response={204: None},
    tags=["automation"],
    summary="Run or resume a workflow",
)
def run_workflow(request: HttpRequest, diagramId: str) -> Status:
    # Spec §2.2 W3: starts a draft or scheduled workflow, resumes a paused one; a stopped one stays stopped.
    with transaction.atomic():
        workflow = _find(request, diagramId, lock=True)
        if workflow.status == WorkflowStatus.STOPPED:
            raise HttpError(409, "A stopped workflow can't be restarted")
        if workflow.status != WorkflowStatus.ACTIVE:
            now = timezone.now()
            _set_status(workflow, WorkflowStatus.ACTIVE, now)
            if workflow.has_transformation:
                WorkflowRun.objects.create(
                    workflow=workflow,
                    started_at=now,
                    stage_seconds=workflow.stage_seconds or getattr(settings, "SANDBOX_STAGE_SECONDS", 2.0),
                    rejected=workflow.rejected,
                    fails=workflow.fails,
                    stalls=workflow.stalls,
                )
    return Status(204, None)


@router.post(
    "/automation-brain/diagrams/{diagramId}/pause",
    response={204: None},
    tags=["automation"],
    summary="Pause a workflow",
)
def pause_workflow(request: HttpRequest, diagramId: str) -> Status:
    # Spec §2.2 W4: only an active workflow pauses; pausing a paused one changes nothing.
    with transaction.atomic():
        workflow = _find(request, diagramId, lock=True)
        if workflow.status == WorkflowStatus.PAUSED:
            return Status(204, None)
        if workflow.status != WorkflowStatus.ACTIVE:
            raise HttpError(409, f"Only an active workflow can be paused; this one is {workflow.status}")
        _cut(workflow, WorkflowStatus.PAUSED)
    return Status(204, None)


@router.post(
    "/automation-brain/diagrams/{diagramId}/stop",
    response={204: None},
    tags=["automation"],
    summary="Stop a workflow",
)
def stop_workflow(request: HttpRequest, diagramId: str) -> Status:
    # Spec §2.2 W5: "A stopped workflow can't be restarted." A draft was never started, so it can't stop.
    with transaction.atomic():
        workflow = _find(request, diagramId, lock=True)
        if workflow.status == WorkflowStatus.STOPPED:
            return Status(204, None)
        if workflow.status == WorkflowStatus.DRAFT:
            raise HttpError(409, "A draft workflow has not been started, so it can't be stopped")
        _cut(workflow, WorkflowStatus.STOPPED)
    return Status(204, None)


@router.get(
    "/morph/logs/automation/{automationWorkflowId}/last-run/with-stages",
    response=LastRunOut,
    tags=["automation"],
    summary="Last run of a workflow with its stages",
)
def last_run(request: HttpRequest, automationWorkflowId: str, params: Query[LogParams]) -> dict[str, Any]:
    # Spec §2.3 W6.
    workflow = _find(request, automationWorkflowId)
    if not workflow.has_transformation:
        raise HttpError(404, "This workflow has no data-processing nodes, so it has no run logs")
    run = workflow.runs.order_by("-started_at").first()
    if run is None:
        raise HttpError(404, "This workflow has not run yet")
    now = timezone.now()
    return {
        "startTime": run.started_at.timestamp(),
        "runId": str(run.run_id),
        "pipelineResponse": {
            name: _stage(run, index, now, params.limit) for index, name in enumerate(STAGES)
        },
        "overallRunStatus": run.overall_status(now),
    }


def _workspace(request: HttpRequest) -> Workspace:
    workspace = request.auth.workspace  # type: ignore[attr-defined]
    assert workspace is not None
    return workspace


def _find(request: HttpRequest, diagram_id: str, *, lock: bool = False) -> Workflow:
    try:
        key = uuid.UUID(diagram_id)
    except ValueError:
        raise HttpError(404, "Workflow not found") from None
    workflows = Workflow.objects.filter(workspace=_workspace(request))
    workflow = (workflows.select_for_update() if lock else workflows).filter(pk=key).first()
    if workflow is None:
        raise HttpError(404, "Workflow not found")
    return workflow


def _set_status(workflow: Workflow, status: str, now: datetime) -> None:
    workflow.status = status
    workflow.updated = now
    workflow.save(update_fields=["status", "updated"])


def _cut(workflow: Workflow, status: str) -> None:
    """Pause or stop: the run going on ends here, and its unfinished stages are cancelled."""
    now = timezone.now()
    _set_status(workflow, status, now)
    for run in workflow.runs.filter(cut_at__isnull=True):
        if run.is_going(now):
            run.cut_at = now
            run.save(update_fields=["cut_at"])


def _filtered(workspace: Workspace, params: ListParams) -> QuerySet[Workflow]:
    workflows = Workflow.objects.filter(workspace=workspace)
    if params.status == "Recent":
        workflows = workflows.filter(updated__gte=timezone.now() - RECENT)
    elif params.status == "Inactive":
        workflows = workflows.filter(status__in=[WorkflowStatus.PAUSED, WorkflowStatus.STOPPED])
    elif params.status != "All":
        workflows = workflows.filter(status=params.status)
    if params.search:
        workflows = workflows.filter(Q(name__icontains=params.search) | Q(author__icontains=params.search))
    if params.directoryId:
        workflows = workflows.filter(directory_id=params.directoryId)
    return workflows


def _ordering(params: ListParams) -> list[str]:
    if params.sortBy:  # it wins over sort and order (docs/api-decisions.md)
        field, _, direction = params.sortBy.partition(":")
        if field not in SORT_BY or direction.lower() not in ("", "asc", "desc"):
            raise HttpError(400, f"sortBy takes field:asc|desc with a field of {', '.join(SORT_BY)}")
        column, descending = SORT_BY[field], direction.lower() == "desc"
    else:
        column, descending = SORT[params.sort], params.order == "Desc"
    return [f"-{column}" if descending else column, "diagram_id"]


def _page(request: HttpRequest, params: ListParamsV1 | ListParamsV2) -> dict[str, Any]:
    workspace = _workspace(request)
    workflows = _filtered(workspace, params).order_by(*_ordering(params))
    total = workflows.count()
    start = (params.page - 1) * params.limit
    return {
        "data": [_workflow_json(w, workspace) for w in workflows[start : start + params.limit]],
        "meta": {
            "limit": params.limit,
            "page": params.page,
            "totalPages": math.ceil(total / params.limit),
            "totalCount": total,
        },
    }


def _workflow_json(workflow: Workflow, workspace: Workspace) -> dict[str, Any]:
    return {
        "diagramId": str(workflow.diagram_id),
        "author": workflow.author,
        "listingAuthor": {
            "userId": 0,
            "clientId": 0,
            "clientApiHash": "",
            "businessProfileApiHash": str(workspace.guid),
        },
        "name": workflow.name,
        "created": round(workflow.created.timestamp(), 3),
        "updated": round(workflow.updated.timestamp(), 3),
        "status": workflow.status,
        "configuration": workflow.configuration,
        "catalogId": str(workflow.catalog_id) if workflow.catalog_id else None,
        "directoryId": str(workflow.directory_id) if workflow.directory_id else None,
        "context": workflow.context,
        "tags": workflow.tags,
        "description": workflow.description,
        "hasTransformation": workflow.has_transformation,
        "businessProfileId": workspace.pk,
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _stage(run: WorkflowRun, index: int, now: datetime, limit: int) -> dict[str, Any]:
    start, _ = run.stage_times(index)
    status = run.stage_status(index, now)
    worked_until = {
        StageStatus.RUNNING: now,
        StageStatus.SUCCESS: run.stage_end(index),
        StageStatus.FAILED: run.stage_end(index),
        StageStatus.CANCELLED: run.cut_at if run.cut_at and run.cut_at > start else None,
    }.get(status)
    total = run.records_per_stage
    rejected = run.rejected if index == TRANSFORM else 0
    logs: list[str] = []
    processed = failures = 0
    if worked_until is not None:
        logs.append(f"{_iso(start)} INFO Job started")
        done = run.progress(index, worked_until)
        for tenth in range(1, 11):
            if tenth / 10 > done + 1e-9:
                break
            at = start + timedelta(seconds=run.stage_seconds * tenth / 10)
            for n in range(rejected * (tenth - 1) // 10, rejected * tenth // 10):
                logs.append(
                    f"{_iso(at)} WARN Record {(n * 37) % total + 1} rejected: the email field is empty"
                )
            logs.append(f"{_iso(at)} INFO Processed {total * tenth // 10} of {total} records")
        processed = int(total * done)
        failures = rejected * processed // total
    if status == StageStatus.SUCCESS:
        logs.append(f"{_iso(worked_until)} INFO Job finished with success!")
    elif status == StageStatus.FAILED:
        logs.append(f"{_iso(worked_until)} ERROR Job failed: {rejected} records were rejected")
    elif status == StageStatus.CANCELLED:
        assert run.cut_at is not None
        logs.append(f"{_iso(run.cut_at)} WARN Job cancelled: the workflow was paused or stopped")
    return {
        "status": status,
        "runDate": _iso(start),
        "logs": logs[-limit:] if limit else [],
        "logsSize": len(logs),
        "failedRecordsFileId": str(uuid.uuid5(run.run_id, STAGES[index])) if failures else None,
        "successCount": processed - failures,
        "failureCount": failures,
    }
