"""The sandbox's shared state: workspaces and users, the keys each API checks, and the injected faults.

What each API holds is in its own package's models.py, registered below. The dashboard never imports this.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TypeVar, cast

from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import models, transaction

ONE_WEEK = 7 * 24 * 3600
M = TypeVar("M", bound=models.Model)


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
    # One API or one call only (a Canvas scheduler's writes: "/WorkflowScheduler"); empty: every request.
    path_contains = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name_plural = "fault settings"

    def __str__(self) -> str:
        where = f" (only requests to {self.path_contains})" if self.path_contains else ""
        return f"{self.latency_ms} ms, {self.error_rate:.0%} of {', '.join(self.faults) or 'nothing'}{where}"

    @classmethod
    def current(cls) -> FaultSettings | None:
        """The settings, read by every sandbox request: kept until they change (`kept`)."""
        return kept(cls, 1)


# The rows every sandbox request reads (the fault settings, a token's workspace and user) are kept in Django's
# cache and forgotten whenever one is saved or deleted (apps.sandbox.apps): the sandbox's server, the
# dashboard's processes and the `sandbox_faults` command share the cache as they share the database.
KEPT_SECONDS = 60  # a bound on a change made behind the ORM's back


def _kept_key(model: type[models.Model], pk: object) -> str:
    return f"sandbox:{model._meta.label_lower}:{pk}"


def kept(model: type[M], pk: object) -> M | None:
    """The row of `model` with `pk` (None when there is none), from the cache when it is there."""
    found = cache.get_or_set(
        _kept_key(model, pk), lambda: model._default_manager.filter(pk=pk).first(), KEPT_SECONDS
    )
    return cast("M | None", found)


def forget(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    forget_keys([_kept_key(sender, instance.pk)])


def forget_keys(keys: list[str]) -> None:
    """Drop `keys` from the cache now, and again once the write under way commits: a request in between
    may have kept what it read before the write."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# Each API keeps its data in its own package's models.py; importing them here registers them with the app
# (label "sandbox", so their tables and migrations are those of one app).
from apps.sandbox.brickworks.models import (  # noqa: E402, F401
    ContentSchema,
    ExternalSource,
    Profile,
    Record,
    RecordVersion,
)
from apps.sandbox.canvas.models import (  # noqa: E402, F401
    CanvasAccount,
    CanvasApplication,
    CanvasRegApplication,
    CanvasTemplate,
    CanvasWorkflow,
)
from apps.sandbox.catalogs.models import Catalog, CatalogItem, CatalogMapping  # noqa: E402, F401
from apps.sandbox.flows.models import Flow, FlowEntity, Suggestion  # noqa: E402, F401
from apps.sandbox.workflows.models import Workflow, WorkflowRun  # noqa: E402, F401
