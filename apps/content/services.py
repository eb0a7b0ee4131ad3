"""Use cases of the content screens: every call to Brickworks made on someone's behalf goes through here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient, Record, RecordVersion, Schema
from apps.content.models import DeletedRecord
from apps.core import audit
from apps.core.http import ApiError, ApiNotFound

User = AbstractBaseUser


class NoWorkspace(ApiError):
    """There is no Synerise connection to work in (shown like a remote error, with its own title)."""

    @property
    def title(self) -> str:
        return "No workspace to work in"


def workspace_for(user: User) -> Connection:
    connection = connections.current_workspace(user)
    if connection is None:
        raise NoWorkspace("Add a Synerise workspace under Settings → Connections first.")
    return connection


def client_for(user: User) -> BrickworksClient:
    return BrickworksClient(connections.synerise_http(workspace_for(user)))


def record_ref(schema: Schema, record: Record | None, record_id: str = "") -> audit.Ref:
    name = record.name if record else ""
    return audit.Ref(
        "brickworks.record", record.id if record else record_id, f"{schema.app_id}/{name or record_id}"
    )


def create_record(
    user: User, schema: Schema, *, values: dict[str, Any], status: str, **fields: Any
) -> Record:
    ref = audit.Ref("brickworks.schema", schema.id, schema.app_id)
    with audit.action(user, "record.create", ref, status=status) as detail, client_for(user) as api:
        record = api.create_record(schema.id, values=values, status=status, **fields)  # type: ignore[arg-type]
        detail["record"] = record.id
    return record


def update_record(user: User, schema: Schema, record: Record, **changes: Any) -> Record:
    """Save changes; `changes["last_updated_at"]` guards against overwriting someone else's edit."""
    action = {"PUBLISHED": "record.publish", "UNPUBLISHED": "record.unpublish"}.get(
        changes.get("status") or "", "record.update"
    )
    with audit.action(user, action, record_ref(schema, record)), client_for(user) as api:
        return api.update_record(schema.id, record.id, **changes)


def delete_record(user: User, schema: Schema, record: Record) -> DeletedRecord:
    """Snapshot the record with its versions, then delete it; the snapshot is what Undo re-creates."""
    with audit.action(user, "record.delete", record_ref(schema, record)), client_for(user) as api:
        return delete_with_snapshot(api, user, workspace_for(user), schema, record.id)


def delete_with_snapshot(
    api: BrickworksClient, user: User | None, connection: Connection, schema: Schema, record_id: str
) -> DeletedRecord:
    content = snapshot_of(api, schema.id, record_id)
    snapshot = DeletedRecord.objects.create(
        connection=connection,
        schema_id=schema.id,
        app_id=schema.app_id,
        record_id=record_id,
        name=content["record"].get("name") or "",
        snapshot=content,
        deleted_by=user if user is not None and user.is_authenticated else None,
    )
    try:
        api.delete_record(schema.id, record_id)
    except ApiError:
        snapshot.delete()
        raise
    from apps.content import schedule  # schedule imports this module

    schedule.forget(connection, record_id)
    return snapshot


def snapshot_of(api: BrickworksClient, schema_id: str, record_id: str) -> dict[str, Any]:
    """The record as GET shows it and all its versions: what Undo re-creates."""
    record = api.get_record(schema_id, record_id)
    versions = api.list_versions(schema_id, record_id, limit=100).data
    return {
        "record": record.model_dump(mode="json", by_alias=True),
        "versions": [v.model_dump(mode="json", by_alias=True) for v in versions],
    }


class UndoExpired(Exception):
    """The snapshot is older than seven days or was restored already."""


def undo_delete(user: User, deleted: DeletedRecord) -> Record:
    """Re-create a deleted record: its live version published again, its newer draft as a draft on top."""
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
    with audit.action(user, "record.undo_delete", ref) as detail, client_for(user) as api:
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


def _content(schema: Schema, version: Record) -> dict[str, Any]:
    return {
        "values": version.values,
        "slug": version.slug or None,
        "name": name_initial(schema, version.name, version.values) or None,
    }


def duplicate_record(user: User, schema: Schema, record: Record) -> Record:
    with (
        audit.action(user, "record.duplicate", record_ref(schema, record)) as detail,
        client_for(user) as api,
    ):
        copy = api.duplicate_record(schema.id, record.id)
        detail["copy"] = copy.id
    return copy


def name_initial(schema: Schema, name: str | None, values: dict[str, Any]) -> str:
    """The explicit name, or "" when the record takes its name from a field (or is Unnamed)."""
    for field, definition in schema.fields.items():
        if definition.get("useAsRecordName") and values.get(field) == name:
            return ""
    return "" if name in (None, "Unnamed") else str(name)


def missing_required(schema: Schema, values: dict[str, Any]) -> list[str]:
    """Labels of the required fields without a value: what stops a draft from being published."""
    return [
        definition.get("label") or name
        for name, definition in schema.fields.items()
        if definition.get("required") and values.get(name) in (None, "", [])
    ]


def preview(
    api: BrickworksClient,
    schema: Schema,
    record: Record,
    identifier_type: str | None,
    identifier_value: str | None,
) -> dict[str, Any]:
    """One preview column: who, the generated fields (defaulted ones marked), the JSON."""
    kind = {"email": "Email", "id": "Profile ID", "uuid": "UUID", "custom_identify": "Custom ID"}.get(
        identifier_type or "", identifier_type
    )
    who = f"{kind} {identifier_value}" if identifier_value else "Any visitor (no profile)"
    try:
        generated = api.preview(
            schema.app_id,
            record.id,
            values=record.values,
            identifier_type=identifier_type if identifier_value else None,  # type: ignore[arg-type]
            identifier_value=identifier_value or None,
        )
    except ApiNotFound as exc:
        return {"who": who, "error": exc.message, "fields": [], "json": ""}
    fields = [
        {
            "name": name,
            "label": schema.fields.get(name, {}).get("label") or name,
            "value": value,
            "defaulted": name not in record.values,
        }
        for name, value in generated.items()
        if not name.startswith("__")
    ]
    return {
        "who": who,
        "error": "",
        "fields": fields,
        "json": json.dumps(generated, indent=2, ensure_ascii=False),
    }


class DraftInTheWay(Exception):
    """Restoring would overwrite a draft that someone is working on."""


def restore_version(user: User, schema: Schema, version: RecordVersion, latest: RecordVersion) -> Record:
    """Make a past version's content the new draft; never publishes, never overwrites a draft."""
    if latest.status in ("DRAFT", "SCHEDULED") and latest.record_version != version.record_version:
        raise DraftInTheWay(
            f"Version {latest.record_version} is a {latest.status.lower()} in progress; publish or unpublish "
            "it before restoring another version, so that its changes are not lost."
        )
    ref = record_ref(schema, latest)
    with audit.action(user, "record.restore", ref, version=version.record_version), client_for(user) as api:
        return api.update_record(
            schema.id,
            latest.id,
            status="DRAFT",
            values=version.values,
            slug=version.slug,
            last_updated_at=latest.updated_at,
        )


def diff_versions(schema: Schema, a: RecordVersion, b: RecordVersion) -> list[dict[str, Any]]:
    """One row per field (the schema's, then any left from older schemas): both values, changed or not."""
    names = list(schema.fields) + [n for n in {**a.values, **b.values} if n not in schema.fields]
    rows = [
        {
            "label": schema.fields.get(name, {}).get("label") or name,
            "a": a.values.get(name),
            "b": b.values.get(name),
            "changed": a.values.get(name) != b.values.get(name),
        }
        for name in names
    ]
    for label, attribute in (("Slug", "slug"), ("Status", "status")):
        left, right = getattr(a, attribute), getattr(b, attribute)
        rows.append({"label": label, "a": left, "b": right, "changed": left != right})
    return rows


def bring_to(api: BrickworksClient, schema_id: str, record_id: str, action: str) -> str:
    """Publish or unpublish, reading the record first so that repeating it changes nothing.

    Returns what was done, for traces and per-item results. Used by the schedule and bulk jobs,
    where a retry after a lost answer must not publish twice.
    """
    if action == "unpublish":
        try:
            live = api.get_record(schema_id, record_id, statuses=["PUBLISHED"])
        except ApiNotFound:
            return "Nothing to do: the record was not live"
        done = api.update_record(schema_id, live.id, status="UNPUBLISHED", from_state="PUBLISHED")
        return f"Unpublished: version {done.record_version} is no longer live"
    try:
        latest = api.get_record(schema_id, record_id, statuses=["DRAFT", "SCHEDULED"])
    except ApiNotFound:
        latest = api.get_record(schema_id, record_id)  # the live version if any, else the unpublished one
    if latest.status == "PUBLISHED":
        return f"Nothing to do: version {latest.record_version} was already live"
    if latest.status == "UNPUBLISHED" and not api.get_schema(schema_id).is_simple:
        # A versioned record goes back to draft before it can be published again.
        latest = api.update_record(schema_id, latest.id, status="DRAFT", last_updated_at=latest.updated_at)
    done = api.update_record(schema_id, latest.id, status="PUBLISHED", last_updated_at=latest.updated_at)
    return f"Published: version {done.record_version} is live"


@dataclass
class MergeRow:
    """One field that differs between the base, my save and theirs."""

    key: str  # a field name, or "name" / "slug" prefixed with "meta:"
    label: str
    base: Any
    mine: Any
    theirs: Any

    @property
    def outcome(self) -> str:
        """`conflict` when both changed it differently, else whose change stands: `mine` or `theirs`."""
        if self.mine == self.theirs or self.theirs == self.base:
            return "mine"
        return "theirs" if self.mine == self.base else "conflict"


def content_of(schema: Schema, record: Record) -> dict[str, Any]:
    """What an editor edits, for a three-way merge: values, explicit name, slug."""
    return {
        "values": record.values,
        "name": name_initial(schema, record.name, record.values) or None,
        "slug": record.slug or None,
    }


def three_way(
    schema: Schema, base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> list[MergeRow]:
    """The fields where my save and theirs differ, each with the value both started from."""
    rows = []
    sides = [side.get("values") or {} for side in (base, mine, theirs)]
    names = list(schema.fields) + [n for n in {**sides[1], **sides[2]} if n not in schema.fields]
    for name in names:
        row = MergeRow(
            name, schema.fields.get(name, {}).get("label") or name, *(side.get(name) for side in sides)
        )
        if row.mine != row.theirs:
            rows.append(row)
    for key, label in (("name", "Name"), ("slug", "Slug")):
        row = MergeRow(f"meta:{key}", label, base.get(key), mine.get(key), theirs.get(key))
        if row.mine != row.theirs:
            rows.append(row)
    return rows


def merge(mine: dict[str, Any], theirs: dict[str, Any], take_theirs: set[str]) -> dict[str, Any]:
    """My content with theirs in the fields named in `take_theirs`."""
    merged = {**mine, "values": dict(mine.get("values") or {})}
    for key in take_theirs:
        if key.startswith("meta:"):
            merged[key[5:]] = theirs.get(key[5:])
        elif key in (theirs.get("values") or {}):
            merged["values"][key] = theirs["values"][key]
        else:
            merged["values"].pop(key, None)
    return merged
