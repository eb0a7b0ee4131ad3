"""Publishing at a time: rows with an indexed `run_at`, swept by one beat task every 10 seconds.

The sweep hands each action due within the next minute to a worker with a lease and an ETA of its
`run_at`. The worker claims the row (pending → running) in one UPDATE, so a second delivery does
nothing; a lease that runs out (a worker or beat that died) makes the row due again at the next
sweep. Publishing is idempotent on the remote side too: an action first checks whether the record
is already in the wanted state, so a run that died after the remote call does not publish twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient, Record
from apps.content.models import ScheduledAction, ScheduleEvent
from apps.content.services.records import bring_to, working_version
from apps.content.services.workspace import workspace_for
from apps.core import audit, heartbeat
from apps.core.http import RETRYABLE, ApiError

logger = logging.getLogger(__name__)

LOOKAHEAD = timedelta(seconds=60)
# A claimed action's lease is renewed every RENEW_EVERY while its worker runs it; one that died lets it
# run out, and the next sweep (every 10 s) hands the action out again: at most about 40 s late.
LEASE = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=5)
# This is the one retry layer of a scheduled action: its calls go without transport retries, so no
# request is sent more than MAX_ATTEMPTS times (docs/architecture.md, "Retries").
MAX_ATTEMPTS = 4
EARLY = timedelta(seconds=5)  # an ETA may fire a little early
State = ScheduledAction.State


class AlreadyScheduled(Exception):
    """The record already has an open action of this kind; reschedule that one instead."""


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... between attempts."""
    return timedelta(seconds=30 * 2 ** max(0, attempts - 1))


def note(action: ScheduledAction, message: str, *, level: str = "info") -> None:
    ScheduleEvent.objects.create(action=action, message=message, level=level)


def version_acted_on(api: BrickworksClient, schema: Any, record_id: str, action: str) -> Record:
    """The version a scheduled action will act on, whose name the schedule shows: a publish takes the
    draft (or scheduled, unpublished) version live, an unpublish takes down the live one."""
    if action == "publish":
        return working_version(api, schema, record_id)
    return api.get_record(schema.id, record_id)


def schedule(
    user: AbstractBaseUser, *, schema: Any, record: Record, action: str, at: datetime
) -> ScheduledAction:
    """Schedule an action on a record; `record` is the version it acts on (`version_acted_on`),
    whose name the schedule keeps."""
    connection = workspace_for(user)
    if ScheduledAction.objects.filter(
        connection=connection, record_id=record.id, action=action, state__in=ScheduledAction.OPEN
    ).exists():
        raise AlreadyScheduled(f"{record.name} already has a scheduled {action}; reschedule or cancel it.")
    with (
        transaction.atomic(),
        audit.action(user, f"record.schedule_{action}", _ref(schema, record), at=_iso(at)),
    ):
        item = ScheduledAction.objects.create(
            connection=connection,
            schema_id=schema.id,
            app_id=schema.app_id,
            record_id=record.id,
            record_name=record.name or record.id,
            action=action,
            due_at=at,
            run_at=at,
            created_by=user,
        )
        note(item, f"Scheduled by {user.get_username()} for {_iso(at)}")
    return item


def reschedule(user: AbstractBaseUser, item: ScheduledAction, at: datetime) -> bool:
    """Move a pending action to another time; False when it already ran or is running."""
    with transaction.atomic(), audit.action(user, "record.reschedule", item, at=_iso(at)):
        moved = ScheduledAction.objects.filter(pk=item.pk, state=State.PENDING).update(
            due_at=at, run_at=at, lease_until=None, attempts=0, error=""
        )
        if moved:
            note(item, f"Moved to {_iso(at)} by {user.get_username()}")
    return moved == 1


def cancel(user: AbstractBaseUser, item: ScheduledAction) -> bool:
    with transaction.atomic(), audit.action(user, "record.schedule_cancel", item):
        cancelled = ScheduledAction.objects.filter(pk=item.pk, state=State.PENDING).update(
            state=State.CANCELLED, finished_at=timezone.now(), lease_until=None
        )
        if cancelled:
            note(item, f"Cancelled by {user.get_username()}", level="warning")
    return cancelled == 1


def forget(connection: Connection, record_id: str) -> int:
    """Cancel what was scheduled for a record that has just been deleted (Undo gives it a new id)."""
    items = list(
        ScheduledAction.objects.filter(connection=connection, record_id=record_id, state=State.PENDING)
    )
    for item in items:
        if ScheduledAction.objects.filter(pk=item.pk, state=State.PENDING).update(
            state=State.CANCELLED, finished_at=timezone.now(), lease_until=None
        ):
            note(item, "Cancelled: the record was deleted", level="warning")
    return len(items)


def retry(user: AbstractBaseUser, item: ScheduledAction) -> bool:
    """Run a failed action again at the next sweep."""
    with transaction.atomic(), audit.action(user, "record.schedule_retry", item):
        now = timezone.now()
        again = ScheduledAction.objects.filter(pk=item.pk, state=State.FAILED).update(
            state=State.PENDING, run_at=now, lease_until=None, attempts=0, error="", finished_at=None
        )
        if again:
            note(item, f"Retried by {user.get_username()}")
    return again == 1


def sweep(send: Any, now: datetime | None = None) -> int:
    """Hand the actions due within LOOKAHEAD to workers: `send(pk, eta)`. Returns how many were sent."""
    now = now or timezone.now()
    for item in ScheduledAction.objects.filter(state=State.RUNNING, lease_until__lt=now):
        if ScheduledAction.objects.filter(pk=item.pk, state=State.RUNNING, lease_until__lt=now).update(
            state=State.PENDING, lease_until=None
        ):
            note(
                item,
                "The worker running it stopped before answering; checking and running again",
                level="warning",
            )
    due = ScheduledAction.objects.filter(state=State.PENDING, run_at__lte=now + LOOKAHEAD).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    sent = 0
    for pk, run_at, lease in due.values_list("pk", "run_at", "lease_until"):
        lease_until = max(run_at, now) + LEASE
        # Only the sweep that moves the lease sends the task: two beats cannot double it.
        if ScheduledAction.objects.filter(pk=pk, state=State.PENDING, lease_until=lease).update(
            lease_until=lease_until
        ):
            if lease is not None:
                note(
                    ScheduledAction(pk=pk),
                    "Handed out again: the previous hand-out was not picked up in time",
                )
            send(pk, run_at if run_at > now else None)
            sent += 1
    return sent


def run(pk: int, now: datetime | None = None) -> str | None:
    """Carry out one due action; returns its new state, or None when it was not this run's to do."""
    now = now or timezone.now()
    claimed = ScheduledAction.objects.filter(pk=pk, state=State.PENDING, run_at__lte=now + EARLY)
    if not claimed.update(
        state=State.RUNNING, picked_up_at=now, attempts=F("attempts") + 1, lease_until=now + LEASE
    ):
        return None
    item = ScheduledAction.objects.select_related("connection", "created_by").get(pk=pk)
    late = (now - item.run_at).total_seconds()
    note(item, f"Picked up (attempt {item.attempts}, {max(0.0, late):.1f} s after it was due)")
    try:
        with (
            heartbeat.every(RENEW_EVERY.total_seconds(), lambda: renew_lease(pk)),
            BrickworksClient(connections.http_for(item.connection, retries=0)) as api,
        ):
            answer = bring_to(api, api.get_schema(item.schema_id), item.record_id, item.action)
    except RETRYABLE as exc:
        return _retry_later(item, f"{exc.title}: {exc.message}")
    except ApiError as exc:
        return _fail(item, f"{exc.title}: {exc.message}")
    except Exception as exc:
        # A bug, not a remote answer: the action fails where people see it, and the task fails too.
        _fail(item, f"Internal error: {type(exc).__name__}")
        raise
    ScheduledAction.objects.filter(pk=pk, state=State.RUNNING).update(
        state=State.DONE, finished_at=timezone.now(), lease_until=None
    )
    note(item, answer)
    audit.record(
        item.created_by, f"record.{item.action}", _item_ref(item), scheduled=True, due=_iso(item.due_at)
    )
    return State.DONE


def renew_lease(pk: int) -> None:
    """The worker running the action is alive: its lease runs LEASE from now."""
    ScheduledAction.objects.filter(pk=pk, state=State.RUNNING).update(lease_until=timezone.now() + LEASE)


def _retry_later(item: ScheduledAction, error: str) -> str:
    if item.attempts >= MAX_ATTEMPTS:
        return _fail(item, f"{error} (gave up after {item.attempts} attempts)")
    at = timezone.now() + backoff(item.attempts)
    ScheduledAction.objects.filter(pk=item.pk).update(
        state=State.PENDING, run_at=at, lease_until=None, error=error
    )
    note(item, f"Remote answered {error}; trying again at {_iso(at)}", level="warning")
    return State.PENDING


def _fail(item: ScheduledAction, error: str) -> str:
    ScheduledAction.objects.filter(pk=item.pk).update(
        state=State.FAILED, error=error, finished_at=timezone.now(), lease_until=None
    )
    note(item, f"Failed: {error}", level="error")
    audit.record(
        item.created_by,
        f"record.{item.action}",
        _item_ref(item),
        outcome="failed",
        error=error,
        scheduled=True,
    )
    return State.FAILED


def _ref(schema: Any, record: Record) -> audit.Ref:
    return audit.Ref("brickworks.record", record.id, f"{schema.app_id}/{record.name or record.id}")


def _item_ref(item: ScheduledAction) -> audit.Ref:
    return audit.Ref("brickworks.record", item.record_id, f"{item.app_id}/{item.record_name}")


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def in_workspace(user: AbstractBaseUser) -> Any:
    """The scheduled actions of the person's current workspace."""
    return ScheduledAction.objects.filter(connection=workspace_for(user))
