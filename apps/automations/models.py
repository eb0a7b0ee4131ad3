"""Workflows and flows live in Synerise and the flows API; here are their permissions and what we keep."""

from __future__ import annotations

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
            ("operate_workflows", "Can run, pause, stop and schedule workflows"),
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
