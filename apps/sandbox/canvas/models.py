"""What the sandbox's Canvas holds, per organization (a CanvasKey) and account (canvas.md §13).

Applications are a catalogue shared by every organization; templates are CMA's (no key) or an
organization's. Registered applications and workflows belong to one account of one organization.
A workflow carries its one run in progress (`run_*`): how far it got is computed from the timestamps
(apps/sandbox/canvas/runs.py), never by a thread.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class CanvasAccount(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    key = models.ForeignKey("sandbox.CanvasKey", on_delete=models.CASCADE, related_name="accounts")
    first_name = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=320)
    phone = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=50)
    country_key = models.CharField(max_length=2, blank=True)
    global_notifications = models.BooleanField(default=False)
    default_notification_email = models.CharField(max_length=320, blank=True)
    activated = models.BooleanField(default=True)
    organization_id = models.UUIDField()
    organization_name = models.CharField(max_length=200)
    date_created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date_created"]

    def __str__(self) -> str:
        return self.email


class CanvasApplication(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=500, blank=True)
    vendor_url = models.CharField(max_length=500, blank=True)
    credential_fields = models.JSONField(default=list)  # the PascalCase CredentialField objects
    tag = models.CharField(max_length=200, blank=True)
    session_time_mins = models.IntegerField(default=0)
    session_sliding_expiry = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CanvasRegApplication(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    key = models.ForeignKey("sandbox.CanvasKey", on_delete=models.CASCADE, related_name="reg_applications")
    account_id = models.UUIDField(db_index=True)
    application = models.ForeignKey(CanvasApplication, on_delete=models.PROTECT)
    tag_text = models.CharField(max_length=500, blank=True)
    credentials = models.JSONField(default=dict)
    is_authenticated = models.BooleanField(default=True)
    is_oauth_app = models.BooleanField(default=False)
    faulted = models.BooleanField(default=False)
    date_modified = models.DateTimeField(default=timezone.now)
    date_authenticated = models.DateTimeField(null=True)
    date_for_reauth = models.DateTimeField(null=True)

    class Meta:
        ordering = ["date_modified"]

    def __str__(self) -> str:
        return self.tag_text or str(self.id)


class CanvasTemplate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    key = models.ForeignKey("sandbox.CanvasKey", on_delete=models.CASCADE, null=True, related_name="+")
    name = models.CharField(max_length=500)
    description = models.CharField(max_length=1000, blank=True)
    state = models.CharField(max_length=20, default="Published")
    version = models.CharField(max_length=20, null=True)  # noqa: DJ001 (a Draft's version is null, §7.1)
    draft_is_committed = models.BooleanField(null=True)
    date_created = models.DateTimeField(default=timezone.now)
    date_modified = models.DateTimeField(default=timezone.now)
    date_committed = models.DateTimeField(null=True)
    applications = models.JSONField(default=list)  # shortNames
    chain = models.JSONField(default=list)  # [{uniqueBlockId, blockName, variables}]

    class Meta:
        ordering = ["date_created"]

    def __str__(self) -> str:
        return self.name


class CanvasWorkflow(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    key = models.ForeignKey("sandbox.CanvasKey", on_delete=models.CASCADE, related_name="workflows")
    account_id = models.UUIDField(db_index=True)
    name = models.CharField(max_length=500)
    description = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, default="Ready")  # Ready or Failed between runs
    is_scheduled = models.BooleanField(default=False)
    scheduler_frequency = models.TextField(default='{"cronSchedule":"0 0 * ? * *"}')
    workflow_template_id = models.UUIDField(null=True)
    is_customized_structure = models.BooleanField(default=False)
    date_created = models.DateTimeField(default=timezone.now)
    date_modified = models.DateTimeField(default=timezone.now)
    date_last_run = models.DateTimeField(null=True)
    date_next_schedule = models.DateTimeField(null=True)
    reg_application_ids = models.JSONField(default=list)
    chain = models.JSONField(default=list)
    current_block = models.IntegerField(default=0)
    # The run in progress, if any: blocks run_from..run_till (1-based, inclusive) from run_started_at.
    run_started_at = models.DateTimeField(null=True)
    run_from = models.IntegerField(null=True)
    run_till = models.IntegerField(null=True)

    class Meta:
        ordering = ["date_created"]

    def __str__(self) -> str:
        return self.name
