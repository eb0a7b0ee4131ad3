"""Schemas and external sources: created, changed and deleted by admins, each write audited."""

from __future__ import annotations

from typing import Any

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, ExternalSource, Schema
from apps.core import audit
from apps.core.paging import REMOTE_PAGE_MAX
from apps.core.threads import at_once


def record_counts(api: BrickworksClient, key: str) -> dict[str, int]:
    """All records of the schema (by its id or appId), and how many of them are live, asked at once."""
    total, published = at_once(
        lambda: api.list_records(key, limit=1), lambda: api.list_records(key, statuses=["PUBLISHED"], limit=1)
    )
    return {"total": total.meta.total, "published": published.meta.total}


def create_schema(workspace: Workspace[BrickworksClient], *, app_id: str, **fields: Any) -> Schema:
    ref = audit.Ref("brickworks.schema", "", app_id)
    with audit.action(workspace.person, "schema.create", ref) as detail:
        with workspace.client() as api:
            schema = api.create_schema(app_id=app_id, **fields)
        detail["id"] = schema.id
    return schema


def update_schema(workspace: Workspace[BrickworksClient], *, schema: Schema, **fields: Any) -> Schema:
    """Save a schema's name, description and fields; the audit entry names the fields removed."""
    removed = [name for name in schema.fields if name not in (fields.get("fields") or schema.fields)]
    ref = audit.Ref("brickworks.schema", schema.id, schema.app_id)
    with audit.action(workspace.person, "schema.update", ref, removed=removed), workspace.client() as api:
        return api.update_schema(schema.id, **fields)


def delete_schema(workspace: Workspace[BrickworksClient], *, schema: Schema, records: int) -> None:
    ref = audit.Ref("brickworks.schema", schema.id, schema.app_id)
    with audit.action(workspace.person, "schema.delete", ref, records=records), workspace.client() as api:
        api.delete_schema(schema.id)


def save_source(
    workspace: Workspace[BrickworksClient], *, source: ExternalSource | None, **fields: Any
) -> ExternalSource:
    """Create a source (None) or change one."""
    ref = audit.Ref("brickworks.external_source", source.id if source else "", fields["name"])
    action = "source.update" if source else "source.create"
    with audit.action(workspace.person, action, ref), workspace.client() as api:
        if source:
            return api.update_external_source(source.id, **fields)
        return api.create_external_source(**fields)


def delete_source(workspace: Workspace[BrickworksClient], *, source: ExternalSource) -> None:
    ref = audit.Ref("brickworks.external_source", source.id, source.name)
    with audit.action(workspace.person, "source.delete", ref), workspace.client() as api:
        api.delete_external_source(source.id)


def fields_using(api: BrickworksClient, source_id: str) -> list[dict[str, str]]:
    """The schema fields that take their data from this source (what breaks when it goes)."""
    schemas = api.list_schemas(limit=REMOTE_PAGE_MAX).data
    return [
        {"schema": schema.display_name, "app_id": schema.app_id, "field": definition.get("label") or name}
        for schema in schemas
        for name, definition in schema.fields.items()
        if definition.get("type") == "external" and definition.get("source") == source_id
    ]
