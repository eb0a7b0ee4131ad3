"""Content lives in Brickworks; here are its permissions and what the dashboard adds around it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import Ref
from apps.jobs.models import ScheduledBase, ScheduleEventBase


class Content(models.Model):
    """No table: the holder of the content permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_content", "Can read schemas and records"),
            ("edit_content", "Can create and edit drafts, duplicate records"),
            (
                "publish_content",
                "Can publish, unpublish, schedule and delete records, "
                "and cancel or retry bulk actions on records",
            ),
            ("manage_schemas", "Can create, change and delete schemas and external sources"),
        ]

    def __str__(self) -> str:
        return "content"


class ScheduledAction(ScheduledBase):
    """Publish or unpublish one record at a time; `apps.jobs.scheduling` runs the due ones."""

    class Action(models.TextChoices):
        PUBLISH = "publish", "Publish"
        UNPUBLISH = "unpublish", "Unpublish"

    audit_noun = "record"

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    schema_id = models.CharField(max_length=100)
    app_id = models.CharField(max_length=200)
    record_id = models.CharField(max_length=100)
    record_name = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)

    class Meta(ScheduledBase.Meta):
        indexes = [models.Index(fields=["state", "run_at"], name="scheduled_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "record_id", "action"],
                condition=models.Q(state__in=["pending", "running"]),
                name="one_open_action_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.record_name or self.record_id}"

    @property
    def target_name(self) -> str:
        return self.record_name or self.record_id

    @property
    def target_detail(self) -> str:
        return self.app_id

    @property
    def target_url(self) -> str:
        return reverse("content:record", args=[self.app_id, self.record_id])

    def audit_ref(self) -> Ref:
        return Ref("brickworks.record", self.record_id, f"{self.app_id}/{self.record_name}")


class ScheduleEvent(ScheduleEventBase):
    action = models.ForeignKey(ScheduledAction, related_name="events", on_delete=models.CASCADE)


class DeletedRecord(models.Model):
    """A record as it was just before it was deleted, with its versions, so that it can be re-created."""

    KEEP = timedelta(days=7)

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    schema_id = models.CharField(max_length=100)
    app_id = models.CharField(max_length=200)
    record_id = models.CharField(max_length=100)
    name = models.CharField(max_length=300, blank=True)
    snapshot = models.JSONField(help_text="{'record': ..., 'versions': [...]} as the API returned them.")
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_as = models.CharField(max_length=100, blank=True, help_text="The id of the re-created record.")

    class Meta:
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return self.name or self.record_id

    @property
    def undo_until(self) -> datetime:
        return self.deleted_at + self.KEEP

    @property
    def can_undo(self) -> bool:
        return self.restored_at is None and timezone.now() < self.undo_until


class BulkRun(models.Model):
    """What a bulk job does: one operation on records of one schema (the records are the job's items)."""

    class Operation(models.TextChoices):
        PUBLISH = "publish", "Publish"
        UNPUBLISH = "unpublish", "Unpublish"
        DELETE = "delete", "Delete"

    job = models.OneToOneField("jobs.Job", related_name="bulk", on_delete=models.CASCADE)
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    schema_id = models.CharField(max_length=100)
    app_id = models.CharField(max_length=200)
    # The schema's display name when the job was made, for breadcrumbs; older rows have only the app id.
    schema_name = models.CharField(max_length=200, blank=True, default="")
    operation = models.CharField(max_length=10, choices=Operation.choices)

    def __str__(self) -> str:
        return f"{self.get_operation_display()} in {self.schema_label}"

    @property
    def schema_label(self) -> str:
        return self.schema_name or self.app_id


class SavedFilter(models.Model):
    """A person's named search of one schema's records, kept as the list's query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="saved_filters", on_delete=models.CASCADE)
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    app_id = models.CharField(max_length=200)
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "connection", "app_id", "name"], name="one_filter_per_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TestProfile(models.Model):
    """A profile the team previews content as ("Ann, loyal customer"), kept per workspace."""

    __test__ = False  # not a pytest test class, despite the name

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    name = models.CharField(max_length=80)
    identifier_type = models.CharField(max_length=20)
    identifier_value = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "name"], name="one_test_profile_per_name")
        ]

    def __str__(self) -> str:
        return self.name
