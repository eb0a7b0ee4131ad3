"""Planning a launch: its steps (from any area, through the kinds of `apps.jobs.steps`), their pre-flight,
the approval that seals them, and the start at its time. Every change is audited."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core import audit
from apps.core.http import ApiError
from apps.jobs import scheduling, steps
from apps.launches.models import Launch, LaunchAction, Policy, Step


class NotEditable(Exception):
    """The launch is running or over: its steps stay as they ran."""


def in_workspace(user: Any) -> QuerySet[Launch]:
    """The launches of the Synerise workspace the person works in."""
    connection = connections.current_workspace(user)
    return Launch.objects.filter(connection=connection).select_related("owner", "approved_by")


def needs_approval(connection: Connection) -> bool:
    """The workspace's rule (read only: a page that shows it writes nothing)."""
    return Policy.objects.filter(connection=connection, needs_approval=True).exists()


def set_policy(user: User, connection: Connection, *, needs_approval: bool) -> None:
    with audit.action(user, "launch.policy", connection, needs_approval=needs_approval):
        Policy.objects.update_or_create(connection=connection, defaults={"needs_approval": needs_approval})


def create_launch(user: User, *, name: str, description: str, go_at: datetime | None) -> Launch:
    connection = connections.connection_for(user, Connection.Kind.SYNERISE)
    with transaction.atomic():
        launch = Launch.objects.create(
            connection=connection, name=name, description=description, owner=user, go_at=go_at
        )
        audit.record(user, "launch.create", ref(launch), go_at=_iso(go_at))
        _arm(user, launch)
    return launch


def change_launch(user: User, launch: Launch, *, name: str, description: str, go_at: datetime | None) -> None:
    _editable(launch)
    with transaction.atomic():
        Launch.objects.filter(pk=launch.pk).update(
            name=name,
            description=description,
            go_at=go_at,
            state=Launch.State.PLANNED,
            updated_at=timezone.now(),
        )
        launch.refresh_from_db()
        audit.record(user, "launch.update", ref(launch), go_at=_iso(go_at))
        _arm(user, launch)


def kinds_for(user: User) -> list[steps.StepKind]:
    """The kinds of step the person may add: those their role may take."""
    return [kind for kind in steps.KINDS.values() if user.has_perm(kind.permission)]


def add_step(
    user: User, launch: Launch, *, kind: str, target: dict[str, Any], connection: Connection, stage: int
) -> Step:
    """Add a step at the end of `stage`, checked at once (its verdict shows on the launch page)."""
    (step,) = add_steps(user, launch, kind=kind, targets=[target], connection=connection, stage=stage)
    return step


def add_steps(
    user: User,
    launch: Launch,
    *,
    kind: str,
    targets: list[dict[str, Any]],
    connection: Connection,
    stage: int,
) -> list[Step]:
    """A step of `kind` for each target, at the end of `stage` in their order, each checked at once."""
    _editable(launch)
    found = steps.kind(kind)
    if not user.has_perm(found.permission):
        raise PermissionDenied(f"Your role may not {found.label.lower()}.")
    with transaction.atomic():
        last = launch.steps.filter(stage=stage).aggregate(last=Max("position"))["last"] or 0
        added = Step.objects.bulk_create(
            Step(
                launch=launch,
                stage=stage,
                position=last + number,
                kind=kind,
                target=target,
                connection=connection,
                added_by=user,
            )
            for number, target in enumerate(targets, start=1)
        )
        for target in targets:
            audit.record(user, "launch.add_step", ref(launch), step=found.describe(target), stage=stage)
        _arm(user, launch)
    for step in added:
        check_step(user, step)
    return added


def remove_step(user: User, step: Step) -> None:
    _editable(step.launch)
    with transaction.atomic():
        step.delete()
        audit.record(user, "launch.remove_step", ref(step.launch), step=describe(step))
        _arm(user, step.launch)


def renew_step(user: User, step: Step, target: dict[str, Any]) -> None:
    """Point a step at its target as it is now (a draft saved again since it was chosen)."""
    _editable(step.launch)
    old = describe(step)
    with transaction.atomic():
        Step.objects.filter(pk=step.pk).update(target=target)
        step.target = target
        audit.record(user, "launch.renew_step", ref(step.launch), was=old, now=describe(step))
        _arm(user, step.launch)
    check_step(user, step)


def describe(step: Step) -> str:
    return steps.kind(step.kind).describe(step.target)


def check_step(user: User | None, step: Step) -> steps.Verdict:
    kind = steps.kind(step.kind)
    try:
        verdict = kind.check(kind.workspace(user or step.added_by, step.connection, step.target), step.target)
    except ApiError as exc:
        verdict = steps.Verdict(False, f"{exc.title}: {exc.message}")
    Step.objects.filter(pk=step.pk).update(
        ready=verdict.ok, verdict=verdict.reason, checked_at=timezone.now()
    )
    step.ready, step.verdict = verdict.ok, verdict.reason
    return verdict


def check(user: User | None, launch: Launch) -> list[Step]:
    """Pre-flight: every step's verdict now."""
    checked = list(launch.steps.select_related("connection", "added_by"))
    for step in checked:
        check_step(user, step)
    return checked


# Conflicts

WINDOW = timedelta(hours=1)


def conflicts(user: Any, launch: Launch) -> list[str]:
    """What else changes the things this launch changes within an hour of its go time, in words: another
    planned launch's step, or an action scheduled on the Scheduled screens."""
    if launch.go_at is None:
        return []
    mine: dict[str, str] = {}
    for step in launch.steps.all():
        mine.setdefault(steps.kind(step.kind).touches(step.target), describe(step))
    low, high = launch.go_at - WINDOW, launch.go_at + WINDOW
    nearby = (
        in_workspace(user).filter(state=Launch.State.PLANNED, go_at__range=(low, high)).exclude(pk=launch.pk)
    )
    said = []
    for other in (
        Step.objects.filter(launch__in=nearby).select_related("launch").order_by("launch__go_at", "pk")
    ):
        what = mine.get(steps.kind(other.kind).touches(other.target))
        if what and other.launch.go_at:
            also = f"the launch {other.launch.name} also does “{describe(other)}”"
            said.append(f"{what}: {also}, {_near(other.launch.go_at)}.")
    sources = [source for source in scheduling.visible(user) if source.model is not LaunchAction]
    pending = scheduling.items_for(
        user, sources, lambda rows: rows.filter(state=LaunchAction.State.PENDING, due_at__range=(low, high))
    )
    for item in sorted(pending, key=lambda item: item.due_at):
        what = mine.get(item.touches)
        if what:
            said.append(f"{what}: “{item}” is scheduled {_near(item.due_at)}.")
    return said


def _near(at: datetime) -> str:
    return f"at {timezone.localtime(at):%-d %b %H:%M} ({scheduling.iso(at)})"


# Approval


def digest(launch: Launch) -> str:
    """What an approval seals: the go time and every step with the content it carries."""
    sealed = {
        "go_at": _iso(launch.go_at),
        "steps": [
            [s.stage, s.position, s.kind, s.target] for s in launch.steps.order_by("stage", "position")
        ],
    }
    return hashlib.sha256(json.dumps(sealed, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Approval:
    needed: bool
    approved: bool  # approved, and nothing changed since
    changes: list[str]  # what changed since the approval, in words

    @property
    def stale(self) -> bool:
        return bool(self.changes)


def approval(launch: Launch) -> Approval:
    needed = needs_approval(launch.connection) or bool(unvouched(launch))
    if not launch.approved_digest:
        return Approval(needed, False, [])
    if launch.approved_digest == digest(launch):
        return Approval(needed, True, [])
    return Approval(needed, False, changes(launch))


def changes(launch: Launch) -> list[str]:
    """What differs from the approved launch, step by step and in its go time."""
    was, now = list(launch.approved_steps), _sealed_lines(launch)
    said = [f"Removed: {line}" for line in was if line not in now]
    said += [f"Added: {line}" for line in now if line not in was]
    if not said:
        said = ["The go time or the order of the steps changed."]
    return said


def unvouched(launch: Launch) -> list[steps.StepKind]:
    """The kinds of step that the person who added them may not do themselves (an editor's publish):
    someone who may must approve them. Each adder's permissions are read once, whatever their steps."""
    pairs = set(launch.steps.values_list("added_by", "kind"))
    adders = User.objects.in_bulk({adder for adder, _kind in pairs if adder is not None})
    found: dict[str, steps.StepKind] = {}
    for adder, key in pairs:
        kind = steps.kind(key)
        person = adders.get(adder) if adder is not None else None
        if person is None or not person.has_perm(kind.performs):
            found[kind.key] = kind
    return sorted(found.values(), key=lambda kind: kind.key)


def may_approve(user: User, launch: Launch) -> str | None:
    """Why this person may not approve the launch, or None."""
    if not user.has_perm("launches.approve_launches"):
        return "Approving launches takes a publisher or an admin."
    if launch.owner_id == user.pk:
        return "The person who planned a launch cannot approve it: ask a publisher or an admin."
    if not launch.steps.exists():
        return "A launch without steps has nothing to approve."
    lacking = sorted(kind.label.lower() for kind in unvouched(launch) if not user.has_perm(kind.performs))
    if lacking:
        return f"Approving it takes someone who may also {' and '.join(lacking)}."
    return None


def approve(user: User, launch: Launch) -> None:
    refused = may_approve(user, launch)
    if refused:
        raise PermissionDenied(refused)
    _editable(launch)
    with transaction.atomic():
        Launch.objects.filter(pk=launch.pk).update(
            state=Launch.State.PLANNED,
            why="",
            approved_by=user,
            approved_at=timezone.now(),
            approved_digest=digest(launch),
            approved_steps=_sealed_lines(launch),
        )
        launch.refresh_from_db()
        audit.record(user, "launch.approve", ref(launch), digest=launch.approved_digest)
        _arm(user, launch)


def _sealed_lines(launch: Launch) -> list[str]:
    lines = [f"Goes at {_iso(launch.go_at)}" if launch.go_at else "Goes once approved"]
    return lines + [
        f"Stage {step.stage}: {describe(step)}" for step in launch.steps.order_by("stage", "position")
    ]


# The start


PRE_FLIGHT = timedelta(
    minutes=15
)  # before the go time, the steps check themselves and tell if they cannot run


def _arm(user: User, launch: Launch) -> None:
    """Keep one pending start for a planned launch: at its go time, or now for one that goes once approved
    and is; and a pre-flight 15 minutes before a go time still that far off. The start itself checks the
    approval and every step again (apps.launches.services.running)."""
    at = launch.go_at
    if at is None and launch.approved_digest and launch.approved_digest == digest(launch):
        at = timezone.now()
    if launch.state != Launch.State.PLANNED:
        at = None
    _keep(user, launch, LaunchAction.Action.START, at)
    early = launch.go_at - PRE_FLIGHT if at is not None and launch.go_at is not None else None
    _keep(user, launch, LaunchAction.Action.CHECK, early if early and early > timezone.now() else None)


def _keep(user: User, launch: Launch, action: str, at: datetime | None) -> None:
    """One pending `action` of the launch at `at`, or none when `at` is None."""
    pending = launch.actions.filter(action=action, state=LaunchAction.State.PENDING)
    if at is None:
        pending.update(state=LaunchAction.State.CANCELLED, finished_at=timezone.now())
        return
    moved = pending.update(due_at=at, run_at=at, lease_until=None, attempts=0, error="")
    if not moved and not launch.actions.filter(action=action, state__in=LaunchAction.OPEN).exists():
        item = LaunchAction.objects.create(
            launch=launch, action=action, due_at=at, run_at=at, created_by=user
        )
        scheduling.created(user, item)


def start_moved(item: LaunchAction, at: datetime | None) -> None:
    """A launch's start moved or cancelled on the Scheduled screens: its go time follows (and so a sealed
    approval turns stale: the go time is part of what was approved)."""
    if item.action == LaunchAction.Action.START:
        Launch.objects.filter(pk=item.launch_id).update(go_at=at, updated_at=timezone.now())


def _editable(launch: Launch) -> None:
    if not launch.editable:
        raise NotEditable(
            f"{launch.name} is {launch.get_state_display().lower()}: its steps stay as they are."
        )


def ref(launch: Launch) -> audit.Ref:
    return audit.Ref("launch", str(launch.pk), launch.name)


def _iso(at: datetime | None) -> str:
    return scheduling.iso(at) if at else ""
