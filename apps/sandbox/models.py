"""The sandbox's own state: what the remote services would hold. The dashboard never imports this."""

from __future__ import annotations

import secrets
import uuid

from django.contrib.auth.hashers import check_password, make_password
from django.db import models

ONE_WEEK = 7 * 24 * 3600


def new_api_key() -> str:
    return str(uuid.uuid4())


class Workspace(models.Model):
    """A Synerise workspace (formerly "business profile")."""

    guid = models.UUIDField(default=uuid.uuid4, unique=True)
    name = models.CharField(max_length=200)
    subdomain = models.CharField(max_length=100, blank=True)
    api_key = models.CharField(max_length=100, unique=True, default=new_api_key)
    # The doc: "By default, the token is valid for one week (see workspace settings)."
    token_ttl = models.PositiveIntegerField(default=ONE_WEEK)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SyneriseUser(models.Model):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    password = models.CharField(max_length=200)
    workspaces = models.ManyToManyField(Workspace, related_name="users")

    def __str__(self) -> str:
        return self.email

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)


def new_consumer_key() -> str:
    return secrets.token_hex(32).upper()


class CanvasKey(models.Model):
    """A Canvas organization's Consumer and Secret keys."""

    organization = models.CharField(max_length=200)
    consumer = models.CharField(max_length=64, unique=True, default=new_consumer_key)
    secret_key = models.CharField(max_length=36, default=new_api_key)
    # Canvas: the key owner's account (data without ManagedAccountId) and the organization's id.
    account_id = models.UUIDField(default=uuid.uuid4)
    organization_id = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return self.organization


class FlowsToken(models.Model):
    name = models.CharField(max_length=200)
    token = models.CharField(max_length=100, unique=True, default=new_api_key)

    def __str__(self) -> str:
        return self.name


class Flow(models.Model):
    """A flow of the flows API (flows.md §3); `data` keeps the body's other fields as they were sent."""

    id = models.CharField(primary_key=True, max_length=200)
    title = models.CharField(max_length=500)
    type = models.CharField(max_length=50)
    is_active = models.BooleanField(default=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Suggestion(models.Model):
    """A suggestion of the flows API (flows.md §4); `data` keeps the body as it was sent."""

    id = models.CharField(primary_key=True, max_length=200)
    title = models.CharField(max_length=500)
    data = models.JSONField(default=dict)
    last_applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class FlowEntity(models.Model):
    """The state of an entity a suggestion is applied to (flows.md §5, inferred)."""

    id = models.CharField(primary_key=True, max_length=200)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "flow entities"

    def __str__(self) -> str:
        return self.id


class FaultSettings(models.Model):
    """Latency and failures the sandbox injects into its answers, for reliability tests."""

    class Fault(models.TextChoices):
        SERVER_ERROR = "5xx", "HTTP 503"
        RATE_LIMITED = "429", "HTTP 429 with Retry-After"
        DROP = "drop", "Dropped connection"
        # A write is carried out and committed, then the connection drops before the answer is whole:
        # the client cannot tell whether it happened. Reads drawn for it are answered normally.
        LOST = "lost", "Answer lost after a write was made"

    latency_ms = models.PositiveIntegerField(default=0)
    error_rate = models.FloatField(default=0.0, help_text="0 to 1: the share of requests that fail")
    faults = models.JSONField(
        default=list, blank=True, help_text='Which failures to inject, e.g. ["5xx", "429"]'
    )
    retry_after = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "fault settings"

    def __str__(self) -> str:
        return f"{self.latency_ms} ms, {self.error_rate:.0%} of {', '.join(self.faults) or 'nothing'}"

    @classmethod
    def current(cls) -> FaultSettings | None:
        return cls.objects.filter(pk=1).first()


# Brickworks keeps its models in its own module; importing them here registers them with the app.
from apps.sandbox.brickworks.models import (  # noqa: E402, F401
    ContentSchema,
    ExternalSource,
    Profile,
    Record,
    RecordVersion,
)

# Canvas (ConnectMyApps) keeps its models in its own module too.
from apps.sandbox.canvas.models import (  # noqa: E402, F401
    CanvasAccount,
    CanvasApplication,
    CanvasRegApplication,
    CanvasTemplate,
    CanvasWorkflow,
)
from apps.sandbox.catalogs.models import Catalog, CatalogItem, CatalogMapping  # noqa: E402, F401
from apps.sandbox.workflows.models import Workflow, WorkflowRun  # noqa: E402, F401
