"""Automation workflows and their last run (spec §2: W1–W6): the operations `api` mounts on the gateway."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError

from apps.sandbox.models import Workspace
from apps.sandbox.workflows import wire
from apps.sandbox.workflows.models import (
    STAGES,
    Workflow,
    WorkflowRun,
    WorkflowStatus,
)

router = Router()

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


@router.get(
    "/automation-brain/diagrams", response=wire.WorkflowPageOut, tags=["automation"], summary="List workflows"
)
def list_workflows(request: HttpRequest, params: Query[wire.ListParamsV1]) -> dict[str, Any]:
    # Spec §2.1 W1.
    return _page(request, params)


@router.get(
    "/automation-brain/v2/diagrams",
    response=wire.WorkflowPageOut,
    tags=["automation"],
    summary="List workflows (v2)",
)
def list_workflows_v2(request: HttpRequest, params: Query[wire.ListParamsV2]) -> dict[str, Any]:
    # Spec §2.1 W2: as W1 but for the default limit.
    return _page(request, params)


@router.post(
    "/automation-brain/diagrams/{diagramId}/run",
    response={204: None},
    tags=["automation"],
    summary="Run or resume a workflow",
)
def run_workflow(request: HttpRequest, diagramId: str) -> Status[Any]:
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
                    stage_seconds=workflow.stage_seconds
                    or float(getattr(settings, "SANDBOX_STAGE_SECONDS", 2.0)),
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
def pause_workflow(request: HttpRequest, diagramId: str) -> Status[Any]:
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
def stop_workflow(request: HttpRequest, diagramId: str) -> Status[Any]:
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
    response=wire.LastRunOut,
    tags=["automation"],
    summary="Last run of a workflow with its stages",
)
def last_run(
    request: HttpRequest, automationWorkflowId: str, params: Query[wire.LogParams]
) -> dict[str, Any]:
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
            name: wire.stage_json(run, index, now, params.limit) for index, name in enumerate(STAGES)
        },
        "overallRunStatus": run.overall_status(now),
    }


def _workspace(request: HttpRequest) -> Workspace:
    workspace: Workspace | None = request.auth.workspace  # type: ignore[attr-defined]  # ninja's auth
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


def _filtered(workspace: Workspace, params: wire.ListParams) -> QuerySet[Workflow]:
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


def _ordering(params: wire.ListParams) -> list[str]:
    if params.sortBy:  # it wins over sort and order (docs/api-decisions.md)
        field, _, direction = params.sortBy.partition(":")
        if field not in SORT_BY or direction.lower() not in ("", "asc", "desc"):
            raise HttpError(400, f"sortBy takes field:asc|desc with a field of {', '.join(SORT_BY)}")
        column, descending = SORT_BY[field], direction.lower() == "desc"
    else:
        column, descending = SORT[params.sort], params.order == "Desc"
    return [f"-{column}" if descending else column, "diagram_id"]


def _page(request: HttpRequest, params: wire.ListParamsV1 | wire.ListParamsV2) -> dict[str, Any]:
    workspace = _workspace(request)
    workflows = _filtered(workspace, params).order_by(*_ordering(params))
    total = workflows.count()
    start = (params.page - 1) * params.limit
    return {
        "data": [wire.workflow_json(w, workspace) for w in workflows[start : start + params.limit]],
        "meta": {
            "limit": params.limit,
            "page": params.page,
            "totalPages": math.ceil(total / params.limit),
            "totalCount": total,
        },
    }
