"""Synerise automation workflows ("automation-brain diagrams") and their last run.

Reference: shared/spec/synerise-auth-automation-catalogs.md §2; decisions in docs/api-decisions.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from apps.connections.wire import SyneriseBase
from apps.core.http import present

WorkflowStatusFilter = Literal["All", "Recent", "Draft", "Active", "Inactive", "Scheduled"]
WorkflowSort = Literal["Author", "Name", "CreatedTime", "UpdatedTime", "Status"]


class ListingAuthor(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    user_id: int | None = Field(default=None, alias="userId")
    client_id: int | None = Field(default=None, alias="clientId")
    client_api_hash: str | None = Field(default=None, alias="clientApiHash")
    business_profile_api_hash: str | None = Field(default=None, alias="businessProfileApiHash")


class CappingPeriod(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    type: str | None = None
    time_seconds: int | None = Field(default=None, alias="timeSeconds")


class Capping(BaseModel):
    limit: int | None = None
    period: CappingPeriod | None = None


class WorkflowConfiguration(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    capping: Capping | None = None
    multiple_journeys: bool | None = Field(default=None, alias="multipleJourneys")


class WorkflowTag(BaseModel):
    hash: str | None = None
    value: str | None = None
    color: str | None = None
    description: str | None = None
    icon: str | None = None


class Workflow(BaseModel):
    """Spec §2.1, from the W1 sample. `status` is open: Draft, Scheduled, Active, Paused, Stopped."""

    model_config = ConfigDict(populate_by_name=True)

    diagram_id: str = Field(alias="diagramId")
    name: str
    status: str
    author: str | None = None
    listing_author: ListingAuthor | None = Field(default=None, alias="listingAuthor")
    created: datetime | None = None  # Unix seconds with a fraction
    updated: datetime | None = None
    configuration: WorkflowConfiguration | None = None
    catalog_id: str | None = Field(default=None, alias="catalogId")
    directory_id: str | None = Field(default=None, alias="directoryId")
    context: str | None = None
    tags: list[WorkflowTag] = []
    description: str | None = None
    has_transformation: bool | None = Field(default=None, alias="hasTransformation")
    business_profile_id: int | None = Field(default=None, alias="businessProfileId")

    @property
    def can_run(self) -> bool:
        """Run starts or resumes; a stopped workflow can't be restarted (spec §2.2)."""
        return self.status in ("Draft", "Scheduled", "Paused")


class WorkflowMeta(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    limit: int
    page: int | None = None
    total_pages: int | None = Field(default=None, alias="totalPages")
    total_count: int | None = Field(default=None, alias="totalCount")


class WorkflowPage(BaseModel):
    data: list[Workflow]
    meta: WorkflowMeta


class Stage(BaseModel):
    """Spec §2.3: `status` is an open string (Pending, Running, Success, Cancelled in the sandbox)."""

    model_config = ConfigDict(populate_by_name=True)

    status: str
    run_date: datetime | None = Field(default=None, alias="runDate")
    logs: list[str] = []
    logs_size: int | None = Field(default=None, alias="logsSize")
    failed_records_file_id: str | None = Field(default=None, alias="failedRecordsFileId")
    success_count: int | None = Field(default=None, alias="successCount")
    failure_count: int | None = Field(default=None, alias="failureCount")


class Pipeline(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    import_data: Stage | None = Field(default=None, alias="importData")
    transform_data: Stage | None = Field(default=None, alias="transformData")
    export_data: Stage | None = Field(default=None, alias="exportData")


class LastRun(BaseModel):
    """Spec §2.3, W6."""

    model_config = ConfigDict(populate_by_name=True)

    start_time: datetime = Field(alias="startTime")  # Unix seconds with a fraction
    run_id: str = Field(alias="runId")
    pipeline: Pipeline = Field(alias="pipelineResponse")
    overall_run_status: str = Field(alias="overallRunStatus")


class WorkflowsClient(SyneriseBase):
    """Build it on a signed Synerise client: `WorkflowsClient(connections.services.http_for(connection))`."""

    def list_workflows(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        status: WorkflowStatusFilter | None = None,
        sort: WorkflowSort | None = None,
        order: Literal["Asc", "Desc"] | None = None,
        sort_by: str | None = None,
        search: str | None = None,
        directory_id: str | None = None,
    ) -> WorkflowPage:
        # Reference: synerise-auth-automation-catalogs.md §2.1 W2 (v2: the default limit is 50).
        params = present(
            page=page,
            limit=limit,
            status=status,
            sort=sort,
            order=order,
            sortBy=sort_by,
            search=search,
            directoryId=directory_id,
        )
        return self.parse(WorkflowPage, self.request("GET", "automation-brain/v2/diagrams", params=params))

    def list_workflows_v1(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        status: WorkflowStatusFilter | None = None,
        sort: WorkflowSort | None = None,
        order: Literal["Asc", "Desc"] | None = None,
        sort_by: str | None = None,
        search: str | None = None,
        directory_id: str | None = None,
    ) -> WorkflowPage:
        # Reference: synerise-auth-automation-catalogs.md §2.1 W1 (W2's query; the default limit is 10).
        params = present(
            page=page,
            limit=limit,
            status=status,
            sort=sort,
            order=order,
            sortBy=sort_by,
            search=search,
            directoryId=directory_id,
        )
        return self.parse(WorkflowPage, self.request("GET", "automation-brain/diagrams", params=params))

    def run_workflow(self, diagram_id: str) -> None:
        # Reference: synerise-auth-automation-catalogs.md §2.2 W3: starts or resumes; a stopped one is 409.
        self.request("POST", "automation-brain/diagrams/{}/run", diagram_id)

    def pause_workflow(self, diagram_id: str) -> None:
        # Reference: synerise-auth-automation-catalogs.md §2.2 W4.
        self.request("POST", "automation-brain/diagrams/{}/pause", diagram_id)

    def stop_workflow(self, diagram_id: str) -> None:
        # Reference: synerise-auth-automation-catalogs.md §2.2 W5: "A stopped workflow can't be restarted."
        self.request("POST", "automation-brain/diagrams/{}/stop", diagram_id)

    def last_run(self, workflow_id: str, *, limit: int | None = None) -> LastRun:
        # Reference: synerise-auth-automation-catalogs.md §2.3 W6; 404 when it has not run.
        params = present(limit=limit)
        path = "morph/logs/automation/{}/last-run/with-stages"
        return self.parse(LastRun, self.request("GET", path, workflow_id, params=params))
