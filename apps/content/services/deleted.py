"""Delete with Undo: a snapshot of the record and all its versions, re-created on request for 7 days."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils import timezone

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, Record, RecordVersion, Schema
from apps.content.models import DeletedRecord
from apps.content.services import schedule
from apps.content.services.records import name_initial, record_ref
from apps.core import audit
from apps.core.http import ApiError
from apps.core.paging import REMOTE_PAGE_MAX

VERSIONS_PAGE = REMOTE_PAGE_MAX


class UndoExpired(Exception):
    """The snapshot is older than seven days or was restored already."""


def recently_deleted(workspace: Workspace[BrickworksClient]) -> Any:
    """What can still be restored in this workspace, newest first."""
    since = timezone.now() - DeletedRecord.KEEP
    return DeletedRecord.objects.filter(connection=workspace.connection, deleted_at__gte=since)


def delete_record(workspace: Workspace[BrickworksClient], *, schema: Schema, record: Record) -> DeletedRecord:
    """Snapshot the record with its versions, then delete it; the snapshot is what Undo re-creates."""
    with (
        audit.action(workspace.person, "record.delete", record_ref(schema, record)),
        workspace.client() as api,
    ):
        snapshot = _keep_snapshot(api, workspace, schema, record.id)
        try:
            api.delete_record(schema.id, record.id)
        except ApiError:
            snapshot.delete()
            raise
        schedule.forget(workspace, record.id)
        return snapshot


def brought_back(versions: list[RecordVersion]) -> tuple[RecordVersion, RecordVersion | None]:
    """What Undo re-creates of these versions (any order): the live one, else the newest; and the newest
    as a draft on top of the live one, when it is a newer draft."""
    newest = max(versions, key=lambda v: v.record_version)
    published = [v for v in versions if v.status == "PUBLISHED"]
    live = max(published, key=lambda v: v.record_version) if published else None
    on_top = live is not None and newest is not live and newest.status in ("DRAFT", "SCHEDULED")
    return live or newest, newest if on_top else None


def undo_leaves(versions: list[RecordVersion], total: int) -> int:
    """How many of a record's `total` versions (`versions` the newest of them) Undo does not bring back."""
    _, on_top = brought_back(versions)
    return max(0, total - (2 if on_top else 1))


def _keep_snapshot(
    api: BrickworksClient, workspace: Workspace[BrickworksClient], schema: Schema, record_id: str
) -> DeletedRecord:
    content = snapshot_of(api, schema.id, record_id)
    user = workspace.person
    return DeletedRecord.objects.create(
        connection=workspace.connection,
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


def undo_delete(workspace: Workspace[BrickworksClient], *, deleted: DeletedRecord) -> Record:
    """Re-create a deleted record in the workspace it was deleted from, whichever the person works in
    now: its live version published again, its newer draft as a draft on top."""
    if not deleted.can_undo:
        raise UndoExpired(
            f"{deleted} can no longer be restored (restored already, or deleted over 7 days ago)."
        )
    versions = [RecordVersion.model_validate(v) for v in deleted.snapshot["versions"]] or [
        RecordVersion.model_validate({**deleted.snapshot["record"], "versionId": ""})
    ]
    first, on_top = brought_back(versions)
    ref = audit.Ref("brickworks.record", deleted.record_id, f"{deleted.app_id}/{deleted}")
    where = replace(workspace, connection=deleted.connection)
    with audit.action(workspace.person, "record.undo_delete", ref) as detail, where.client() as api:
        schema = api.get_schema(deleted.schema_id)
        live = first.status == "PUBLISHED"
        status = first.status if schema.is_simple else ("PUBLISHED" if live else "DRAFT")
        record = api.create_record(schema.id, status=status, **_content(schema, first))
        if on_top is not None:
            record = api.update_record(
                schema.id,
                record.id,
                status="DRAFT",
                last_updated_at=record.updated_at,
                **_content(schema, on_top),
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
