"""Automation workflows' wire: the queries they read and their answers (spec §2: W1, W2, W6).

A stage's answer is worked out from its run's times when read (apps/sandbox/workflows/models.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from ninja import Field, Schema

from apps.sandbox.models import Workspace
from apps.sandbox.workflows.models import STAGES, TRANSFORM, StageStatus, Workflow, WorkflowRun

LIMIT_MAX = 100
# The largest Java int, as Brickworks' pages: (page - 1) * limit stays far inside a bigint offset.
PAGE_MAX = 2**31 - 1


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


def workflow_json(workflow: Workflow, workspace: Workspace) -> dict[str, Any]:
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


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def stage_json(run: WorkflowRun, index: int, now: datetime, limit: int) -> dict[str, Any]:
    start, _ = run.stage_times(index)
    status = run.stage_status(index, now)
    ends: dict[str, datetime | None] = {
        StageStatus.RUNNING: now,
        StageStatus.SUCCESS: run.stage_end(index),
        StageStatus.FAILED: run.stage_end(index),
        StageStatus.CANCELLED: run.cut_at if run.cut_at and run.cut_at > start else None,
    }
    worked_until = ends.get(status)
    total = run.records_per_stage
    rejected = run.rejected if index == TRANSFORM else 0
    logs: list[str] = []
    processed = failures = 0
    if worked_until is not None:
        logs.append(f"{iso(start)} INFO Job started")
        done = run.progress(index, worked_until)
        for tenth in range(1, 11):
            if tenth / 10 > done + 1e-9:
                break
            at = start + timedelta(seconds=run.stage_seconds * tenth / 10)
            for n in range(rejected * (tenth - 1) // 10, rejected * tenth // 10):
                logs.append(
                    f"{iso(at)} WARN Record {(n * 37) % total + 1} rejected: the email field is empty"
                )
            logs.append(f"{iso(at)} INFO Processed {total * tenth // 10} of {total} records")
        processed = int(total * done)
        failures = rejected * processed // total
    if status == StageStatus.SUCCESS:
        assert worked_until is not None  # a stage that ended has its end
        logs.append(f"{iso(worked_until)} INFO Job finished with success!")
    elif status == StageStatus.FAILED:
        assert worked_until is not None
        logs.append(f"{iso(worked_until)} ERROR Job failed: {rejected} records were rejected")
    elif status == StageStatus.CANCELLED:
        assert run.cut_at is not None
        logs.append(f"{iso(run.cut_at)} WARN Job cancelled: the workflow was paused or stopped")
    return {
        "status": status,
        "runDate": iso(start),
        "logs": logs[-limit:] if limit else [],
        "logsSize": len(logs),
        "failedRecordsFileId": str(uuid.uuid5(run.run_id, STAGES[index])) if failures else None,
        "successCount": processed - failures,
        "failureCount": failures,
    }
