"""Publishing at a time: a record's publish or unpublish, run by the shared sweep (`apps.jobs.scheduling`).

Publishing is idempotent on the remote side too: an action first checks whether the record is already in
the wanted state, so a run that died after the remote call does not publish twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, Record
from apps.content.models import ScheduledAction
from apps.content.services.records import bring_to, working_version
from apps.content.services.workspace import workspace_for
from apps.core import audit
from apps.jobs import scheduling

# The shared parts, named here too: the views and the tests reach them through this module.
from apps.jobs.scheduling import EARLY, LEASE, MAX_ATTEMPTS, backoff, cancel, note, reschedule, retry  # noqa: F401

State = ScheduledAction.State


class AlreadyScheduled(Exception):
    """The record already has an open action of this kind; reschedule that one instead."""


def version_acted_on(api: BrickworksClient, schema: Any, record_id: str, action: str) -> Record:
    """The version a scheduled action will act on, whose name the schedule shows: a publish takes the
    draft (or scheduled, unpublished) version live, an unpublish takes down the live one."""
    if action == "publish":
        return working_version(api, schema, record_id)
    return api.get_record(schema.id, record_id)


def schedule(
    workspace: Workspace[BrickworksClient], *, schema: Any, record: Record, action: str, at: datetime
) -> ScheduledAction:
    """Schedule an action on a record; `record` is the version it acts on (`version_acted_on`),
    whose name the schedule keeps."""
    connection, user = workspace.connection, workspace.user
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
        scheduling.created(user, item)
    return item


def sweep(send: Any, now: datetime | None = None) -> int:
    """Hand the publishes due within a minute to workers: `send(pk, eta)`."""
    return scheduling.sweep(ScheduledAction, send, now)


def run(pk: int, now: datetime | None = None) -> str | None:
    """Carry out one due publish or unpublish; its new state, or None when it was not this run's to do."""
    return scheduling.run(ScheduledAction, pk, _perform, now, related=["connection"])


def renew_lease(pk: int) -> None:
    scheduling.renew_lease(ScheduledAction, pk)


def _perform(item: ScheduledAction) -> str:
    with workspace_for(item.created_by, connection=item.connection).client(retries=0) as api:
        return bring_to(api, api.get_schema(item.schema_id), item.record_id, item.action)


def forget(workspace: Workspace[BrickworksClient], record_id: str) -> int:
    """Cancel what was scheduled for a record that has just been deleted (Undo gives it a new id)."""
    pending = ScheduledAction.objects.filter(connection=workspace.connection, state=State.PENDING)
    items = list(pending.filter(record_id=record_id))
    for item in items:
        if ScheduledAction.objects.filter(pk=item.pk, state=State.PENDING).update(
            state=State.CANCELLED, finished_at=timezone.now(), lease_until=None
        ):
            note(item, "Cancelled: the record was deleted", level="warning")
    return len(items)


def _ref(schema: Any, record: Record) -> audit.Ref:
    return audit.Ref("brickworks.record", record.id, f"{schema.app_id}/{record.name or record.id}")


def _iso(at: datetime) -> str:
    return scheduling.iso(at)


def in_workspace(workspace: Workspace[BrickworksClient]) -> Any:
    """The scheduled actions of the workspace."""
    return ScheduledAction.objects.filter(connection=workspace.connection)
