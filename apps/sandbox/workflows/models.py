"""What the sandbox's automation holds: workflows ("diagrams") and their runs.

A run's three stages (import, transform, export) go by in turn, each `stage_seconds` long, from the
moment the run starts; a pause or a stop cuts the run, and a stage not yet finished then is cancelled.
The stages' state is worked out from these times when read, so a run goes on without a worker.
A workflow may be made to reject records at transform (`rejected`), to fail there (`fails`: the export
is then skipped) or to hang there (`stalls`: its log stops growing), and its runs copy that.
Reference: shared/spec/synerise-auth-automation-catalogs.md §2; decisions in docs/api-decisions.md.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

STAGES = ("importData", "transformData", "exportData")


class WorkflowStatus(models.TextChoices):
    DRAFT = "Draft"
    SCHEDULED = "Scheduled"
    ACTIVE = "Active"
    PAUSED = "Paused"
    STOPPED = "Stopped"


class StageStatus(models.TextChoices):
    PENDING = "Pending"
    RUNNING = "Running"
    SUCCESS = "Success"
    CANCELLED = "Cancelled"
    FAILED = "Failed"
    SKIPPED = "Skipped"


TRANSFORM = 1  # the stage that rejects records, fails or stalls
STALL_AT = 0.4  # how far a stalled stage gets


class Workflow(models.Model):
    diagram_id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    workspace = models.ForeignKey("sandbox.Workspace", on_delete=models.CASCADE, related_name="workflows")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    author = models.EmailField()
    status = models.CharField(max_length=20, choices=WorkflowStatus.choices, default=WorkflowStatus.DRAFT)
    directory_id = models.UUIDField(null=True, blank=True)
    catalog_id = models.UUIDField(null=True, blank=True)
    context = models.CharField(max_length=50, default="Client")
    configuration = models.JSONField(default=dict)
    tags = models.JSONField(default=list)
    has_transformation = models.BooleanField(default=True)
    # How its runs go (the sandbox's own knobs, not part of the API): see the module's docstring.
    stage_seconds = models.FloatField(null=True, blank=True)
    rejected = models.PositiveIntegerField(default=0)
    fails = models.BooleanField(default=False)
    stalls = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "updated"])]

    def __str__(self) -> str:
        return self.name


class WorkflowRun(models.Model):
    run_id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    stage_seconds = models.FloatField(default=2.0)
    records_per_stage = models.PositiveIntegerField(default=100)
    # When a pause or a stop cut the run; the stages that had not finished by then are cancelled.
    cut_at = models.DateTimeField(null=True, blank=True)
    rejected = models.PositiveIntegerField(default=0)
    fails = models.BooleanField(default=False)
    stalls = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workflow", "started_at"])]

    def __str__(self) -> str:
        return f"{self.workflow} at {self.started_at:%Y-%m-%d %H:%M:%S}"

    def stage_times(self, index: int) -> tuple[datetime, datetime]:
        start = self.started_at + timedelta(seconds=index * self.stage_seconds)
        return start, start + timedelta(seconds=self.stage_seconds)

    def stage_end(self, index: int) -> datetime | None:
        """When the stage finishes on its own; None for a stage that never does (a stall)."""
        if self.stalls and index >= TRANSFORM:
            return None
        return self.stage_times(index)[1]

    def stage_status(self, index: int, now: datetime) -> str:
        start: datetime | None = self.stage_times(index)[0]
        if self.fails and index > TRANSFORM and self.stage_status(TRANSFORM, now) == StageStatus.FAILED:
            return StageStatus.SKIPPED
        end = self.stage_end(index)
        if self.stalls and index > TRANSFORM:
            start = end = None  # never reached
        if end is not None and end <= now and (self.cut_at is None or end <= self.cut_at):
            return StageStatus.FAILED if self.fails and index == TRANSFORM else StageStatus.SUCCESS
        if self.cut_at is not None and self.cut_at <= now:
            return StageStatus.CANCELLED
        return StageStatus.RUNNING if start is not None and start <= now else StageStatus.PENDING

    def progress(self, index: int, at: datetime) -> float:
        """The share of the stage's records worked through by `at` (0 to 1)."""
        start, _ = self.stage_times(index)
        done = max(0.0, min(1.0, (at - start).total_seconds() / self.stage_seconds))
        return min(done, STALL_AT) if self.stalls and index == TRANSFORM else done

    def overall_status(self, now: datetime) -> str:
        statuses = [self.stage_status(i, now) for i in range(len(STAGES))]
        for final in (StageStatus.FAILED, StageStatus.CANCELLED):
            if final in statuses:
                return final
        if all(s == StageStatus.SUCCESS for s in statuses):
            return StageStatus.SUCCESS
        if all(s == StageStatus.PENDING for s in statuses):
            return StageStatus.PENDING
        return StageStatus.RUNNING

    def is_going(self, now: datetime) -> bool:
        return self.overall_status(now) in (StageStatus.PENDING, StageStatus.RUNNING)
