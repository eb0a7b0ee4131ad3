"""What the sandbox's Brickworks holds: schemas, records with their versions, external sources, profiles.

A record is an identity; its content lives in versions. The record's *current* versions are its latest
one and its published one (at most one version is PUBLISHED); older versions are history.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone


def now_ms() -> Any:
    """Now, cut to milliseconds: the wire format's precision, so `lastUpdatedAt` compares exactly."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Status(models.TextChoices):
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"
    UNPUBLISHED = "UNPUBLISHED"


class ContentSchema(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    workspace = models.ForeignKey("sandbox.Workspace", on_delete=models.CASCADE, related_name="schemas")
    app_id = models.CharField(max_length=100)
    display_name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    # [[name, definition], ...]: a list keeps the field order, which PostgreSQL's jsonb objects do not.
    field_list = models.JSONField(default=list)
    display_configuration = models.JSONField(default=dict)
    audience = models.JSONField(default=dict)
    is_simple = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=now_ms)
    updated_at = models.DateTimeField(default=now_ms)
    created_by = models.JSONField(default=dict)
    updated_by = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "app_id"], name="unique_schema_app_id")]

    def __str__(self) -> str:
        return self.app_id

    @property
    def fields(self) -> dict[str, dict[str, Any]]:
        return dict(self.field_list)

    @fields.setter
    def fields(self, value: dict[str, dict[str, Any]]) -> None:
        self.field_list = [[name, definition] for name, definition in value.items()]


class Record(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    schema = models.ForeignKey(ContentSchema, on_delete=models.CASCADE, related_name="records")
    latest_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=now_ms)
    created_by = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.id)


# The lookup order of a single record (spec §5 rule 2): PUBLISHED, DRAFT, SCHEDULED, UNPUBLISHED.
LOOKUP_PRIORITY = Case(
    When(status=Status.PUBLISHED, then=Value(0)),
    When(status=Status.DRAFT, then=Value(1)),
    When(status=Status.SCHEDULED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
# The default order of a list (spec §2.2 R1): published > scheduled > draft > unpublished.
LIST_ORDER = Case(
    When(status=Status.PUBLISHED, then=Value(0)),
    When(status=Status.SCHEDULED, then=Value(1)),
    When(status=Status.DRAFT, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


class VersionQuerySet(QuerySet["RecordVersion"]):
    def current(self) -> VersionQuerySet:
        return self.filter(Q(is_latest=True) | Q(status=Status.PUBLISHED))

    def heads(self, statuses: list[str] | None = None) -> VersionQuerySet:
        """One version per record: the first of its current versions in lookup priority, among `statuses`.

        A record has two current versions at most, its latest and its published one, and PUBLISHED comes
        first. So when PUBLISHED is wanted the head is the *listed* version (the published one, else the
        latest), otherwise it is the latest version. Both are flags kept by `records.refresh_heads`, so
        a list is an index scan even on a schema with 100,000 records.
        """
        wanted = sorted(set(statuses or Status.values))
        if len(wanted) == len(Status.values):
            return self.filter(is_listed=True)
        if Status.PUBLISHED in wanted:
            return self.filter(is_listed=True, status__in=wanted)
        return self.filter(is_latest=True, status__in=wanted)


class RecordVersion(models.Model):
    version_id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="versions")
    schema = models.ForeignKey(ContentSchema, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    # null is "not set" on the wire, apart from any string.
    slug = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    name = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    title = models.CharField(max_length=255)  # the name GET shows: name, the useAsRecordName field, "Unnamed"
    values = models.JSONField(default=dict)
    search_text = models.TextField(blank=True)
    action_on_schedule = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    schedule = models.JSONField(null=True, blank=True)
    schema_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=now_ms)
    updated_at = models.DateTimeField(default=now_ms)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.JSONField(default=dict)
    # Kept by records.refresh_heads: the record's latest version; the one a list shows when unfiltered.
    is_latest = models.BooleanField(default=False)
    is_listed = models.BooleanField(default=False)
    list_rank = models.GeneratedField(
        expression=LIST_ORDER, output_field=models.IntegerField(), db_persist=True
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="unique_record_version")]
        indexes = [
            models.Index(fields=["schema", "status"]),
            models.Index(fields=["schema", "slug"]),
            # The default list order, and the most used sort, of the listed versions.
            models.Index(
                fields=["schema", "list_rank", "-updated_at", "version_id"],
                condition=Q(is_listed=True),
                name="listed_in_list_order",
            ),
            models.Index(
                fields=["schema", "-updated_at", "version_id"],
                condition=Q(is_listed=True),
                name="listed_by_update",
            ),
            # A list filtered by status (the latest versions of those statuses), in list order.
            models.Index(
                fields=["schema", "status", "list_rank", "-updated_at", "version_id"],
                condition=Q(is_latest=True),
                name="latest_in_list_order",
            ),
            # apply_schedules runs before every list: it only looks at versions with a schedule.
            models.Index(
                fields=["schema", "status"], condition=Q(schedule__isnull=False), name="with_schedule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number} {self.status}"


class ExternalSource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    workspace = models.ForeignKey(
        "sandbox.Workspace", on_delete=models.CASCADE, related_name="external_sources"
    )
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=255, blank=True)
    properties = models.JSONField(default=dict)
    method = models.CharField(max_length=4, default="get")  # properties["method"], kept for the list filter
    ttl = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=now_ms)
    updated_at = models.DateTimeField(default=now_ms)
    created_by = models.JSONField(default=dict)
    updated_by = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """A customer profile, for generating content "in context of a profile" (Jinja inserts)."""

    workspace = models.ForeignKey("sandbox.Workspace", on_delete=models.CASCADE, related_name="profiles")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    email = models.EmailField(blank=True)
    custom_id = models.CharField(max_length=200, blank=True)  # the `custom_identify` identifier
    attributes = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.email or str(self.uuid)
