"""Workflows and flows live in Synerise and the flows API; here are their permissions and what we keep."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.core.audit import Ref
from apps.jobs.models import ScheduledBase, ScheduleEventBase


class Automations(models.Model):
    """No table: the holder of the workflow and flow permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_workflows", "Can see workflows, their runs, flows and suggestions"),
            (
                "operate_workflows",
                "Can run, pause, stop and schedule workflows, and cancel or retry bulk actions on workflows",
            ),
            ("manage_flows", "Can create, change and delete flows and suggestions, and apply suggestions"),
        ]

    def __str__(self) -> str:
        return "automations"


class ScheduledWorkflowAction(ScheduledBase):
    """Pause, resume or stop one workflow at a time (a campaign's end); `apps.jobs.scheduling` runs it."""

    class Action(models.TextChoices):
        PAUSE = "pause", "Pause"
        RESUME = "resume", "Resume"
        STOP = "stop", "Stop"

    audit_noun = "workflow"

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    workflow_id = models.CharField(max_length=100)
    workflow_name = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)

    class Meta(ScheduledBase.Meta):
        indexes = [models.Index(fields=["state", "run_at"], name="workflow_scheduled_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "workflow_id", "action"],
                condition=models.Q(state__in=["pending", "running"]),
                name="one_open_action_per_workflow",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_name}"

    @property
    def target_name(self) -> str:
        return self.workflow_name or self.workflow_id

    @property
    def target_detail(self) -> str:
        return "workflow"

    @property
    def target_url(self) -> str:
        return reverse("automations:workflow", args=[self.workflow_id])

    def audit_ref(self) -> Ref:
        return Ref("automation.workflow", self.workflow_id, self.target_name)


class WorkflowScheduleEvent(ScheduleEventBase):
    action = models.ForeignKey(ScheduledWorkflowAction, related_name="events", on_delete=models.CASCADE)


class WorkflowBulkRun(models.Model):
    """What a bulk pause or resume job acts on; its items are the job's `JobItem`s (workflow ids)."""

    class Operation(models.TextChoices):
        PAUSE = "pause", "Pause"
        RESUME = "resume", "Resume"

    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="workflow_bulk")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    operation = models.CharField(max_length=10, choices=Operation.choices)

    def __str__(self) -> str:
        return f"{self.get_operation_display()} workflows ({self.job_id})"


class RunQuerySet(models.QuerySet["WorkflowRun"]):
    def failed(self) -> RunQuerySet:
        return self.filter(status="Failed")

    def with_rejections(self) -> RunQuerySet:
        return self.filter(failure_count__gt=0)

    def going(self) -> RunQuerySet:
        return self.filter(final=False)


class WorkflowRun(models.Model):
    """One run of a workflow as we saw it: Synerise keeps only the last run (W6), so we keep the rest.

    Written by the history poll and by a run's follow job; a run id is stored once per connection and
    updated until its final state, when its whole log is kept.
    """

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    workflow_id = models.CharField(max_length=64)
    workflow_name = models.CharField(max_length=255, blank=True)
    run_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    status = models.CharField(max_length=20)
    final = models.BooleanField(default=False)
    # [{"name", "status", "success", "failure", "logs_size", "failed_file"}] in stage order
    stages = models.JSONField(default=list)
    success_count = models.PositiveIntegerField(default=0)
    failure_count = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)
    last_log_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "run_id"], name="automations_run_once"),
        ]
        indexes = [
            models.Index(fields=["connection", "workflow_id", "-started_at"]),
            models.Index(fields=["started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_name or self.workflow_id} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def silent_for(self) -> float | None:
        """Seconds since the newest log line of a run still going (as of our last look)."""
        if self.final or self.last_log_at is None:
            return None
        return (self.seen_at - self.last_log_at).total_seconds()

    @property
    def is_stuck(self) -> bool:
        silent = self.silent_for
        return silent is not None and silent > settings.WORKFLOW_STUCK_MINUTES * 60

    @property
    def duration(self) -> float | None:
        end = self.finished_at or (None if self.final else self.seen_at)
        return (end - self.started_at).total_seconds() if end else None


class KnownWorkflow(models.Model):
    """A workflow as the list last showed it. The API has no "get one workflow", no folder names and no
    tag filter: this is how a workflow page finds its workflow by name, and where the folder and tag
    choices of the list's filters come from."""

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    workflow_id = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, blank=True)
    directory_id = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=list)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "workflow_id"], name="automations_known_once"),
        ]

    def __str__(self) -> str:
        return self.name


class RunRequest(models.Model):
    """A person's "Run" of a workflow, carried out by a Job: what it runs, and how far it got, so a job
    requeued after its worker died neither sends the run twice nor follows another run."""

    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    workflow_id = models.CharField(max_length=64)
    workflow_name = models.CharField(max_length=255)
    has_stages = models.BooleanField(default=True)  # hasTransformation: there is a run (W6) to follow
    sent_at = models.DateTimeField(null=True, blank=True)  # when W3 answered
    run_id = models.CharField(max_length=64, blank=True)  # the run it follows, once seen

    def __str__(self) -> str:
        return f"Run {self.workflow_name}"
