"""Doing things at a time: rows with an indexed `run_at`, swept by one beat task every 10 seconds.

Every domain's scheduled table (a `ScheduledBase`) is registered here as a `Source`. The sweep hands each
action due within the next minute to a worker with a lease and an ETA of its `run_at`. The worker claims
the row (pending → running) in one UPDATE, so a second delivery does nothing; a lease that runs out (a
worker or beat that died) makes the row due again at the next sweep. The domain's `perform` first checks
whether the target is already in the wanted state, so a run that died after the remote call does not act
twice. This is the one retry layer of a scheduled action: its calls go without transport retries, so no
request is sent more than MAX_ATTEMPTS times (docs/architecture.md, "Retries").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from apps.core import audit, heartbeat
from apps.core.http import RETRYABLE, ApiError
from apps.jobs.models import ScheduledBase

LOOKAHEAD = timedelta(seconds=60)
# A claimed action's lease is renewed every RENEW_EVERY while its worker runs it; one that died lets it
# run out, and the next sweep (every 10 s) hands the action out again: at most about 40 s late.
LEASE = timedelta(seconds=30)
RENEW_EVERY = timedelta(seconds=5)
MAX_ATTEMPTS = 4
EARLY = timedelta(seconds=5)  # an ETA may fire a little early
State = ScheduledBase.State


@dataclass(frozen=True)
class Source:
    """A domain's scheduled table, as the sweep and the Scheduled screens see it."""

    key: str  # in URLs: /operations/scheduled/<key>/<pk>/
    model: type[ScheduledBase]
    task: str  # the Celery task that runs one action: `task(pk)`
    view_permission: str
    act_permission: str  # reschedule, cancel, try again
    # The person's rows: the domain scopes them to the workspace the person works in.
    scope: Callable[[Any], QuerySet[Any]]
    # Told when a person moves an action (its new time) or cancels it (None) from the shared screens, for a
    # table whose time is also kept elsewhere (a launch's go time).
    moved: Callable[[Any, datetime | None], None] | None = None
    system: str = ""  # the area a person knows it by, for the calendar's filter: "Content"


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Called from the domain's AppConfig.ready()."""
    SOURCES[source.key] = source


def source_of(item: ScheduledBase) -> Source:
    return next(source for source in SOURCES.values() if isinstance(item, source.model))


def visible(user: audit.Person) -> list[Source]:
    return [source for source in SOURCES.values() if user.has_perm(source.view_permission)]


def items_for(user: Any, sources: Iterable[Source], narrow: Callable[[QuerySet[Any]], Any]) -> list[Any]:
    """Each source's rows in the person's workspace, narrowed, tagged with their source (`source_key`)
    and whether the person may act on them (`can_act`)."""
    items = []
    for source in sources:
        can_act = user.has_perm(source.act_permission)
        try:
            rows = source.scope(user)
        except ApiError:  # no workspace to look in: nothing of this source to show
            continue
        for item in narrow(rows):
            item.source_key, item.can_act = source.key, can_act
            items.append(item)
    return items


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... between attempts."""
    return timedelta(seconds=30 * 2 ** max(0, attempts - 1))


def note(item: ScheduledBase, message: str, *, level: str = "info") -> None:
    item.events.create(message=message, level=level)  # type: ignore[attr-defined]  # each table's trace


def created(user: audit.Person, item: ScheduledBase) -> None:
    note(item, f"Scheduled by {user.get_username()} for {iso(item.due_at)}")


def reschedule(user: audit.Person, item: ScheduledBase, at: datetime) -> bool:
    """Move a pending action to another time; False when it already ran or is running."""
    with transaction.atomic(), audit.action(user, f"{item.audit_noun}.reschedule", item, at=iso(at)):
        moved = (
            _row(item)
            .filter(state=State.PENDING)
            .update(due_at=at, run_at=at, lease_until=None, attempts=0, error="")
        )
        if moved:
            note(item, f"Moved to {iso(at)} by {user.get_username()}")
            _tell_moved(item, at)
    return moved == 1


def cancel(user: audit.Person, item: ScheduledBase, *, why: str = "") -> bool:
    """Cancel a pending action; `why` instead of a person for a cancel the dashboard decides."""
    with transaction.atomic(), audit.action(user, f"{item.audit_noun}.schedule_cancel", item):
        cancelled = (
            _row(item)
            .filter(state=State.PENDING)
            .update(state=State.CANCELLED, finished_at=timezone.now(), lease_until=None)
        )
        if cancelled:
            note(item, why or f"Cancelled by {user.get_username()}", level="warning")
            _tell_moved(item, None)
    return cancelled == 1


def retry(user: audit.Person, item: ScheduledBase) -> bool:
    """Run a failed action again at the next sweep."""
    with transaction.atomic(), audit.action(user, f"{item.audit_noun}.schedule_retry", item):
        again = (
            _row(item)
            .filter(state=State.FAILED)
            .update(
                state=State.PENDING,
                run_at=timezone.now(),
                lease_until=None,
                attempts=0,
                error="",
                finished_at=None,
            )
        )
        if again:
            note(item, f"Retried by {user.get_username()}")
    return again == 1


def sweep_all(send: Callable[[Source, int, datetime | None], None], now: datetime | None = None) -> int:
    """The beat task: sweep every registered table."""
    sent = 0
    for source in SOURCES.values():
        sent += sweep(source.model, partial(send, source), now)
    return sent


def sweep(
    model: type[ScheduledBase], send: Callable[[int, datetime | None], None], now: datetime | None = None
) -> int:
    """Hand the actions due within LOOKAHEAD to workers: `send(pk, eta)`. Returns how many were sent."""
    now = now or timezone.now()
    rows = model.objects
    for item in rows.filter(state=State.RUNNING, lease_until__lt=now):
        if rows.filter(pk=item.pk, state=State.RUNNING, lease_until__lt=now).update(
            state=State.PENDING, lease_until=None
        ):
            note(
                item,
                "The worker running it stopped before answering; checking and running again",
                level="warning",
            )
    due = rows.filter(state=State.PENDING, run_at__lte=now + LOOKAHEAD).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    sent = 0
    for pk, run_at, lease in due.values_list("pk", "run_at", "lease_until"):
        lease_until = max(run_at, now) + LEASE
        # Only the sweep that moves the lease sends the task: two beats cannot double it.
        if rows.filter(pk=pk, state=State.PENDING, lease_until=lease).update(lease_until=lease_until):
            if lease is not None:
                again = model(pk=pk)  # type: ignore[misc]  # a concrete table; the plugin sees the base
                note(again, "Handed out again: the previous hand-out was not picked up in time")
            send(pk, run_at if run_at > now else None)
            sent += 1
    return sent


def run(
    model: type[ScheduledBase],
    pk: int,
    perform: Callable[[Any], str],
    now: datetime | None = None,
    *,
    related: Iterable[str] = (),
) -> str | None:
    """Carry out one due action with `perform(item)`, which answers what it did in words; returns the new
    state, or None when it was not this run's to do."""
    now = now or timezone.now()
    rows = model.objects
    claimed = rows.filter(pk=pk, state=State.PENDING, run_at__lte=now + EARLY)
    if not claimed.update(
        state=State.RUNNING, picked_up_at=now, attempts=F("attempts") + 1, lease_until=now + LEASE
    ):
        return None
    item = rows.select_related("created_by", *related).get(pk=pk)
    late = (now - item.run_at).total_seconds()
    note(item, f"Picked up (attempt {item.attempts}, {max(0.0, late):.1f} s after it was due)")
    try:
        with heartbeat.every(RENEW_EVERY.total_seconds(), lambda: renew_lease(model, pk)):
            answer = perform(item)
    except RETRYABLE as exc:
        return _retry_later(item, f"{exc.title}: {exc.message}")
    except ApiError as exc:
        return _fail(item, f"{exc.title}: {exc.message}")
    except Exception as exc:
        # A bug, not a remote answer: the action fails where people see it, and the task fails too.
        _fail(item, f"Internal error: {type(exc).__name__}")
        raise
    rows.filter(pk=pk, state=State.RUNNING).update(
        state=State.DONE, finished_at=timezone.now(), lease_until=None
    )
    note(item, answer)
    audit.record(
        item.created_by,
        f"{item.audit_noun}.{item.action}",  # type: ignore[attr-defined]  # each table has its own
        item.audit_ref(),
        scheduled=True,
        due=iso(item.due_at),
    )
    return State.DONE


def renew_lease(model: type[ScheduledBase], pk: int) -> None:
    """The worker running the action is alive: its lease runs LEASE from now."""
    model.objects.filter(pk=pk, state=State.RUNNING).update(lease_until=timezone.now() + LEASE)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _tell_moved(item: ScheduledBase, at: datetime | None) -> None:
    source = source_of(item)
    if source.moved is not None:
        source.moved(item, at)


def _row(item: ScheduledBase) -> QuerySet[Any]:
    return type(item).objects.filter(pk=item.pk)


def _retry_later(item: Any, error: str) -> str:
    if item.attempts >= MAX_ATTEMPTS:
        return _fail(item, f"{error} (gave up after {item.attempts} attempts)")
    at = timezone.now() + backoff(item.attempts)
    _row(item).update(state=State.PENDING, run_at=at, lease_until=None, error=error)
    note(item, f"Remote answered {error}; trying again at {iso(at)}", level="warning")
    return State.PENDING


def _fail(item: Any, error: str) -> str:
    _row(item).update(state=State.FAILED, error=error, finished_at=timezone.now(), lease_until=None)
    note(item, f"Failed: {error}", level="error")
    audit.record(
        item.created_by,
        f"{item.audit_noun}.{item.action}",
        item.audit_ref(),
        outcome="failed",
        error=error,
        scheduled=True,
    )
    return State.FAILED
