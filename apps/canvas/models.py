"""Canvas integrations live in Canvas; here are their permissions and what we keep."""

from __future__ import annotations

from django.db import models


class Integrations(models.Model):
    """No table: the holder of the Canvas permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_integrations", "Can see Canvas applications, templates, workflows and runs"),
            ("operate_integrations", "Can create, run, schedule and pause Canvas workflows"),
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
