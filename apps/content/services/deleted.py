"""Delete with Undo: a snapshot of the record and all its versions, re-created on request for 7 days."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.connections.models import Connection
from apps.content.client import BrickworksClient, Record, RecordVersion, Schema
from apps.content.models import DeletedRecord
from apps.content.services import schedule
from apps.content.services.records import name_initial
from apps.content.services.workspace import User, client_of, record_ref, workspace_for
from apps.core import audit
from apps.core.http import ApiError
from apps.core.paging import REMOTE_PAGE_MAX

VERSIONS_PAGE = REMOTE_PAGE_MAX


class UndoExpired(Exception):
    """The snapshot is older than seven days or was restored already."""


def recently_deleted(connection: Connection) -> Any:
    """What can still be restored in this workspace, newest first."""
    since = timezone.now() - DeletedRecord.KEEP
    return DeletedRecord.objects.filter(connection=connection, deleted_at__gte=since)


def delete_record(user: User, schema: Schema, record: Record) -> DeletedRecord:
    """Snapshot the record with its versions, then delete it; the snapshot is what Undo re-creates."""
    connection = workspace_for(user)
    with audit.action(user, "record.delete", record_ref(schema, record)), client_of(connection) as api:
        return delete_with_snapshot(api, user, connection, schema, record.id)


def delete_with_snapshot(
    api: BrickworksClient, user: User | None, connection: Connection, schema: Schema, record_id: str
) -> DeletedRecord:
    snapshot = keep_snapshot(api, user, connection, schema, record_id)
    try:
        api.delete_record(schema.id, record_id)
    except ApiError:
        snapshot.delete()
        raise
    schedule.forget(connection, record_id)
    return snapshot


def keep_snapshot(
    api: BrickworksClient, user: User | None, connection: Connection, schema: Schema, record_id: str
) -> DeletedRecord:
    content = snapshot_of(api, schema.id, record_id)
    return DeletedRecord.objects.create(
        connection=connection,
        schema_id=schema.id,
        app_id=schema.app_id,
        record_id=record_id,
        name=content["record"].get("name") or "",
        snapshot=content,
        deleted_by=user if user is not None and user.is_authenticated else None,
    )


def snapshot_of(api: BrickworksClient, schema_id: str, record_id: str) -> dict[str, Any]:
    """The record as GET shows it and every one of its versions, page by page: what Undo re-creates."""
    record = api.get_record(schema_id, record_id)
    versions: list[RecordVersion] = []
    page = 1
    while True:
        result = api.list_versions(schema_id, record_id, page=page, limit=VERSIONS_PAGE)
        versions += result.data
        if not result.data or len(versions) >= result.meta.total:
            break
        page += 1
    return {
        "record": record.model_dump(mode="json", by_alias=True),
        "versions": [v.model_dump(mode="json", by_alias=True) for v in versions],
    }


def undo_delete(user: User, deleted: DeletedRecord) -> Record:
    """Re-create a deleted record in the workspace it was deleted from: its live version published
    again, its newer draft as a draft on top."""
    if not deleted.can_undo:
        raise UndoExpired(
            f"{deleted} can no longer be restored (restored already, or deleted over 7 days ago)."
        )
    versions = sorted(
        (RecordVersion.model_validate(v) for v in deleted.snapshot["versions"]),
        key=lambda v: v.record_version,
    ) or [RecordVersion.model_validate({**deleted.snapshot["record"], "versionId": ""})]
    live = next((v for v in reversed(versions) if v.status == "PUBLISHED"), None)
    newest = versions[-1]
    ref = audit.Ref("brickworks.record", deleted.record_id, f"{deleted.app_id}/{deleted}")
    with audit.action(user, "record.undo_delete", ref) as detail, client_of(deleted.connection) as api:
        schema = api.get_schema(deleted.schema_id)
        first = live or newest
        status = first.status if schema.is_simple else ("PUBLISHED" if live else "DRAFT")
        record = api.create_record(schema.id, status=status, **_content(schema, first))
        if live is not None and newest is not live and newest.status in ("DRAFT", "SCHEDULED"):
            record = api.update_record(
                schema.id,
                record.id,
                status="DRAFT",
                last_updated_at=record.updated_at,
                **_content(schema, newest),
            )
        detail["restored_as"] = record.id
    deleted.restored_at, deleted.restored_as = timezone.now(), record.id
    deleted.save(update_fields=["restored_at", "restored_as"])
    return record


def purge_deleted() -> int:
    """Drop the snapshots past their 7 days of Undo; returns how many."""
    old = DeletedRecord.objects.filter(deleted_at__lt=timezone.now() - DeletedRecord.KEEP)
    return old.delete()[0]


def _content(schema: Schema, version: Record) -> dict[str, Any]:
    return {
        "values": version.values,
        "slug": version.slug or None,
        "name": name_initial(schema, version.name, version.values) or None,
    }
