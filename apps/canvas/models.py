"""Canvas integrations live in Canvas; here are their permissions and what we keep."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Integrations(models.Model):
    """No table: the holder of the Canvas permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_integrations", "Can see Canvas applications, templates, workflows and runs"),
            (
                "operate_integrations",
                "Can create, run, schedule and pause Canvas workflows, "
                "and cancel or retry runs of Canvas workflows",
            ),
            ("manage_integrations", "Can manage Canvas accounts and application credentials"),
        ]

    def __str__(self) -> str:
        return "integrations"


class ScheduleMemory(models.Model):
    """The last Quartz expression we set on a Canvas workflow, so Resume can bring it back even if Canvas
    dropped it while the scheduler was off (canvas.md §7.7 does not say it keeps it)."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    workflow_id = models.CharField(max_length=36)
    cron = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "workflow_id"], name="one_schedule_memory_per_workflow"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}: {self.cron}"


class ActingAccount(models.Model):
    """The account a person acts as in a Canvas organization (the ManagedAccountId header)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    account_id = models.CharField(max_length=64)
    label = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "connection"], name="canvas_one_acting_account")
        ]

    def __str__(self) -> str:
        return self.label


class WorkflowRunQuerySet(models.QuerySet["WorkflowRun"]):
    def of_workflow(self, connection_id: int, account_id: str, workflow_id: str) -> WorkflowRunQuerySet:
        return self.filter(connection_id=connection_id, account_id=account_id, workflow_id=workflow_id)

    def unfinished(self) -> WorkflowRunQuerySet:
        return self.filter(status=WorkflowRun.Status.RUNNING)


class WorkflowRun(models.Model):
    """One run of a Canvas workflow, ours or one the poll saw start (Canvas keeps no list of runs).

    A run is known by the moment it started (`dateLastRun`), so each is kept once however often it is seen.
    """

    class Status(models.TextChoices):
        RUNNING = "Running", "Running"
        READY = "Ready", "Finished"
        FAILED = "Failed", "Failed"

    class Source(models.TextChoices):
        OURS = "ours", "Started here"
        SCHEDULER = "scheduler", "Scheduler"
        ELSEWHERE = "elsewhere", "Started elsewhere"

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    account_id = models.CharField(max_length=64)
    workflow_id = models.CharField(max_length=64)
    workflow_name = models.CharField(max_length=500)
    started_at = models.DateTimeField()
    run_from = models.PositiveIntegerField(null=True, blank=True)
    run_till = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    current_block = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = WorkflowRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "account_id", "workflow_id", "started_at"], name="canvas_run_once"
            )
        ]
        indexes = [models.Index(fields=["connection", "account_id", "workflow_id", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.workflow_name} at {self.started_at:%Y-%m-%d %H:%M:%S} UTC"

    @property
    def duration(self) -> float | None:
        """Seconds from the start to when this dashboard saw the run end: for a run it started and
        followed; None for one still going, or one the poll found (it may have ended long before)."""
        if self.finished_at is None or self.source != self.Source.OURS:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())

    @property
    def blocks(self) -> str:
        if self.run_from is None or self.run_till is None:
            return "Whole workflow"
        if self.run_from == self.run_till:
            return f"Block {self.run_from}"
        return f"Blocks {self.run_from} to {self.run_till}"


class RunRequest(models.Model):
    """A person's "Run" of a Canvas workflow, carried out by a Job: what to run. The job sends RunWorkflow
    once (`apps.jobs.intents`) and then follows the run it started."""

    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    account_id = models.CharField(max_length=64)
    workflow_id = models.CharField(max_length=64)
    workflow_name = models.CharField(max_length=500)
    run_from = models.PositiveIntegerField(null=True, blank=True)
    run_till = models.PositiveIntegerField(null=True, blank=True)
    blocks = models.CharField(max_length=100)  # the range in words, for the audit entry

    def __str__(self) -> str:
        return f"Run {self.workflow_name}"
