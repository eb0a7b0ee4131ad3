from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from apps.core.audit import Ref


class JobQuerySet(models.QuerySet["Job"]):
    def active(self) -> JobQuerySet:
        return self.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])

    def failed(self) -> JobQuerySet:
        return self.filter(state=Job.State.FAILED)

    def for_object(self, obj: models.Model) -> JobQuerySet:
        return self.filter(target_type=obj._meta.label, target_id=str(obj.pk))

    def claim(self, pk: int) -> Job | None:
        """Move a queued job to running and return it; None if another worker has it or it is done.

        A job requeued after its worker died keeps its first `started_at`: its duration spans the restart.
        """
        now = timezone.now()
        claimed = self.filter(pk=pk, state=Job.State.QUEUED).update(
            state=Job.State.RUNNING,
            started_at=Coalesce("started_at", Value(now, output_field=models.DateTimeField())),
            heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
        return self.get(pk=pk) if claimed == 1 else None


class Job(models.Model):
    """One long operation run by Celery, followed by the person who started it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (State.SUCCEEDED, State.FAILED, State.CANCELLED)

    kind = models.CharField(max_length=80, db_index=True)
    label = models.CharField(max_length=200)
    task_name = models.CharField(max_length=200)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=200, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    # Where the person follows the outcome (a domain's results page); empty: the job's own page.
    result_url = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Whom the job's work is done for: the creator, then whoever retried it last. Its audit entries name them.
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What cancelling or retrying takes, written by the domain that created the job (a bulk publish
    # takes the publish permission); empty: the generic jobs.cancel_job and jobs.retry_job.
    permission = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # A running job's task writes this at every progress report; a stale one means its worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "operation"
        # What cancelling and retrying take for a job that names no permission of its domain (Job.permission).
        permissions = [
            ("cancel_job", "Can cancel connection tests and workflow runs"),
            ("retry_job", "Can retry connection tests and workflow runs"),
        ]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"

    def get_absolute_url(self) -> str:
        return self.result_url or reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def can_cancel(self) -> bool:
        return not self.is_finished and not self.cancel_requested

    @property
    def can_retry(self) -> bool:
        return self.state in (self.State.FAILED, self.State.CANCELLED)

    @property
    def cancel_permission(self) -> str:
        return self.permission or "jobs.cancel_job"

    @property
    def retry_permission(self) -> str:
        return self.permission or "jobs.retry_job"

    @property
    def duration(self) -> float | None:
        if self.started_at is None:
            return None
        return ((self.finished_at or timezone.now()) - self.started_at).total_seconds()


class JobItem(models.Model):
    """One unit of a batch job (a record to publish, a row to import): done, failed or waiting."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(Job, related_name="items", on_delete=models.CASCADE)
    key = models.CharField(max_length=200, help_text="What the job's steps act on, e.g. a record id.")
    name = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="The item's own page, if it has one.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="one_item_per_key")]
        indexes = [models.Index(fields=["job", "state"], name="job_item_state")]

    def __str__(self) -> str:
        return self.name or self.key


class JobLog(models.Model):
    job = models.ForeignKey(Job, related_name="logs", on_delete=models.CASCADE)
    at = models.DateTimeField(default=timezone.now)
    level = models.CharField(max_length=10, default="info")
    message = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.message


class Heartbeat(models.Model):
    """When a periodic process (Celery beat) last showed it is alive."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at}"


class ScheduledBase(models.Model):
    """One thing to do at a time (publish a record, pause a workflow): a domain's table extends this, and
    `apps.jobs.scheduling` sweeps, claims, retries and traces every such table the same way."""

    class State(models.TextChoices):
        PENDING = "pending", "Scheduled"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = (State.PENDING, State.RUNNING)
    # What the audit log calls the target ("record", "workflow"): `<noun>.schedule_cancel` and so on.
    audit_noun = ""

    due_at = models.DateTimeField(help_text="When the person asked for it.")
    run_at = models.DateTimeField(help_text="When the next attempt is due: due_at, later after a failure.")
    lease_until = models.DateTimeField(null=True, blank=True, help_text="Handed to a worker until then.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # Each concrete table has Django's default manager; said here for the type checker, which gives an
    # abstract model none.
    objects: ClassVar[models.Manager[Self]]

    class Meta:
        abstract = True
        ordering = ["due_at", "pk"]

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    @property
    def touches(self) -> str:
        """The thing it acts on, as a launch step names it (`apps.jobs.steps.StepKind.touches`)."""
        ref = self.audit_ref()
        return f"{ref.type}:{ref.id}"

    @property
    def touched(self) -> set[str]:
        """Everything it changes (a launch changes several things), for the calendar's conflicts."""
        return {self.touches}

    # A domain's table names its target for people and the audit log.
    @property
    def target_name(self) -> str:
        raise NotImplementedError

    @property
    def target_url(self) -> str:
        raise NotImplementedError

    def audit_ref(self) -> Ref:
        raise NotImplementedError


class ScheduleEventBase(models.Model):
    """One line of an action's trace: what happened when, so "why didn't it run" has an answer. A domain's
    event table adds `action = ForeignKey(<its table>, related_name="events")`."""

    at = models.DateTimeField(default=timezone.now)
    message = models.TextField()
    level = models.CharField(max_length=10, default="info")

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.message


class RemoteCall(models.Model):
    """A remote call that must not take effect twice (a workflow run, a create): its intent is committed
    before the request leaves and its confirmation after the remote answered. An intent without a
    confirmation means the worker died in between; `apps.jobs.intents.send_once` then reads the remote
    before it decides to send again."""

    key = models.CharField(max_length=200, unique=True)
    # What the remote showed just before the first send (a workflow's last run), to tell our effect apart.
    before = models.JSONField(default=dict, blank=True)
    intended_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The remote's answer (a run id), or what the read found when the remote showed the call took effect.
    answer = models.JSONField(default=dict, blank=True)
    found = models.BooleanField(default=False)  # confirmed by reading the remote, not by its answer

    def __str__(self) -> str:
        return self.key
