"""A launch: a campaign's changes across every area, in stages of steps, checked, approved, run at its time
and taken back as one (docs/architecture.md, "Launches")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.core.audit import Ref
from apps.jobs import steps
from apps.jobs.models import ScheduledBase, ScheduleEventBase


class Launch(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped at a failed step"
        HELD = "held", "Did not start"
        DONE = "done", "Done"
        ROLLING_BACK = "rolling_back", "Rolling back"
        ROLLED_BACK = "rolled_back", "Rolled back"

    EDITABLE = (State.PLANNED, State.HELD)

    # The Synerise workspace it was planned in: the launches list is the workspace's.
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    go_at = models.DateTimeField(null=True, blank=True, help_text="Empty: it goes once approved.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    why = models.TextField(blank=True, help_text="Why it stopped or did not start, in words.")
    # The approval seals the steps as they were (`digest`); `approved_steps` keeps their descriptions, to
    # show what changed since.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_digest = models.CharField(max_length=64, blank=True)
    approved_steps = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_launches", "Can see launches"),
            (
                "plan_launches",
                "Can plan launches with the steps their role may take, start and roll them back",
            ),
            ("approve_launches", "Can approve launches planned by others"),
        ]
        default_permissions = ()

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("launches:detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.state in self.EDITABLE


class Policy(models.Model):
    """A workspace's rule for its launches."""

    connection = models.OneToOneField("connections.Connection", on_delete=models.CASCADE)
    needs_approval = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.connection}: {'approval needed' if self.needs_approval else 'no approval needed'}"


class Step(models.Model):
    """One thing a launch does: a kind of `apps.jobs.steps` and its target, fixed when it was added."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"
        UNDONE = "undone", "Taken back"
        LEFT_ALONE = "left_alone", "Left alone"
        UNDO_FAILED = "undo_failed", "Could not be taken back"

    launch = models.ForeignKey(Launch, related_name="steps", on_delete=models.CASCADE)
    stage = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=60)
    target = models.JSONField()
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # The last pre-flight: None before the first.
    ready = models.BooleanField(null=True)
    verdict = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # The run: what the target was before (read before acting, kept on a retry), what the step left.
    state = models.CharField(max_length=20, choices=State.choices, default=State.WAITING)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    said = models.TextField(blank=True)
    undo_said = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.launch} · {self.kind}"


class LaunchAction(ScheduledBase):
    """Starting a launch at its time, carrying on after a failed step, or rolling it back: run by the shared
    sweep (`apps.jobs.scheduling`), so a worker that dies hands it to the next sweep."""

    class Action(models.TextChoices):
        CHECK = "check", "Pre-flight"
        START = "start", "Start"
        RETRY = "retry", "Retry the failed step"
        CONTINUE = "continue", "Continue past the failed step"
        ROLL_BACK = "roll_back", "Roll back"

    audit_noun = "launch"

    launch = models.ForeignKey(Launch, related_name="actions", on_delete=models.CASCADE)
    action = models.CharField(max_length=10, choices=Action.choices)

    class Meta(ScheduledBase.Meta):
        indexes = [models.Index(fields=["state", "run_at"], name="launch_action_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["launch", "action"],
                condition=models.Q(state__in=["pending", "running"]),
                name="one_open_launch_action_of_a_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.launch}"

    @property
    def target_name(self) -> str:
        return self.launch.name

    @property
    def target_detail(self) -> str:
        return "launch"

    @property
    def target_url(self) -> str:
        return self.launch.get_absolute_url()

    def audit_ref(self) -> Ref:
        return Ref("launch", str(self.launch_id), self.launch.name)

    @property
    def touched(self) -> set[str]:
        """What its steps change; a pre-flight changes nothing."""
        if self.action == self.Action.CHECK:
            return set()
        return {
            steps.kind(step.kind).touches(step.target)
            for step in self.launch.steps.all()
            if step.kind in steps.KINDS
        }


class LaunchEvent(ScheduleEventBase):
    action = models.ForeignKey(LaunchAction, related_name="events", on_delete=models.CASCADE)
