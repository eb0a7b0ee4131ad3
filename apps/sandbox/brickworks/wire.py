"""Brickworks request bodies and query parameters (spec §2, §3, §8), and the JSON of each resource."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from apps.sandbox.brickworks.models import ContentSchema, ExternalSource, RecordVersion
from apps.sandbox.brickworks.records import iso

StatusName = Literal["DRAFT", "SCHEDULED", "PUBLISHED", "UNPUBLISHED"]
# The largest Java int: the bound of every number we read into an integer column or an offset.
INT_MAX = 2_147_483_647


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class SchemaCreate(Body):
    appId: str = Field(min_length=1, max_length=100)
    displayName: str = Field(min_length=1, max_length=255)
    description: str = ""
    fields: dict[str, Any] = Field(default_factory=dict)
    displayConfiguration: dict[str, Any] = Field(default_factory=dict)
    audience: dict[str, Any] = Field(default_factory=dict)
    isSimpleSchema: bool = False


class SchemaUpdate(Body):
    displayName: str = Field(min_length=1, max_length=255)
    description: str | None = None
    fields: dict[str, Any] | None = None
    displayConfiguration: dict[str, Any] | None = None
    audience: dict[str, Any] | None = None


class RecordCreate(Body):
    slug: str | None = None
    values: dict[str, Any]
    status: StatusName
    actionOnSchedule: Literal["PUBLISH"] | None = None
    schedule: dict[str, Any] | None = None
    name: str | None = None


class RecordUpdate(Body):
    status: StatusName | None = None
    values: dict[str, Any] | None = None
    actionOnSchedule: Literal["PUBLISH"] | None = None
    schedule: dict[str, Any] | None = None
    slug: str | None = None
    lastUpdatedAt: datetime | None = None
    name: str | None = None
    fromState: StatusName | None = None


class Identifier(Body):
    type: Literal["ID", "SLUG", "FIELD"]
    value: Any
    field: str | None = None


class UpsertItem(Body):
    identifier: Identifier
    values: dict[str, Any]
    slug: str | None = None
    name: str | None = None


class GenerateBody(Body):
    identifierValue: str | None = None
    context: list[str] = Field(default_factory=list)
    fieldContext: dict[str, Any] = Field(default_factory=dict)


class PreviewBody(GenerateBody):
    values: dict[str, Any]


class SourceCreate(Body):
    name: str = Field(min_length=1, max_length=255)
    description: str = Field("", max_length=255)
    properties: dict[str, Any]
    ttl: int | None = Field(None, ge=0, le=INT_MAX)


class SourceUpdate(Body):
    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=255)
    properties: dict[str, Any] | None = None
    ttl: int | None = Field(None, ge=0, le=INT_MAX)


class Page(Schema):
    limit: int = Field(50, ge=1, le=1000)
    page: int = Field(1, ge=1, le=INT_MAX)
    sortBy: str | None = None


class SchemaQuery(Page):
    search: str | None = None
    schemaTypes: str | None = None


class RecordQuery(Page):
    filters: str | None = None
    search: str | None = None
    ids: str | None = None
    statuses: str | None = None


class VersionQuery(Page):
    statuses: str | None = None


class RecordGetQuery(Schema):
    fields: str | None = None
    statuses: str | None = None


class SourceQuery(Page):
    method: Literal["get", "post"] | None = None


def schema_json(schema: ContentSchema) -> dict[str, Any]:
    return {
        "id": str(schema.id),
        "appId": schema.app_id,
        "displayName": schema.display_name,
        "description": schema.description,
        "fields": schema.fields,
        "displayConfiguration": schema.display_configuration,
        "createdBy": schema.created_by,
        "updatedBy": schema.updated_by,
        "publishedBy": 0,
        "deletedBy": 0,
        "createdAt": iso(schema.created_at),
        "updatedAt": iso(schema.updated_at),
        "publishedAt": None,
        "deletedAt": None,
        "version": schema.version,
        "audience": schema.audience,
        "schemaType": "SIMPLE" if schema.is_simple else "VERSIONED",
    }


def record_json(version: RecordVersion, *, only: list[str] | None = None) -> dict[str, Any]:
    """A record as GET shows it; `only` narrows `values` to the named fields (the `fields` parameter)."""
    values = version.values if only is None else {k: v for k, v in version.values.items() if k in only}
    record = version.record
    return {
        "values": values,
        "id": str(record.id),
        "name": version.title,
        "schemaId": str(version.schema_id),
        "createdBy": record.created_by,
        "updatedBy": version.updated_by,
        "publishedBy": 0,
        "deletedBy": 0,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(version.updated_at),
        "publishedAt": iso(version.published_at),
        "deletedAt": None,
        "slug": version.slug,
        "status": version.status,
        "schemaVersion": version.schema_version,
        "recordVersion": version.number,
        "actionOnSchedule": version.action_on_schedule,
        "schedule": version.schedule or {},
    }


def version_json(version: RecordVersion) -> dict[str, Any]:
    return {"versionId": str(version.version_id), **record_json(version)}


def source_json(source: ExternalSource) -> dict[str, Any]:
    return {
        "id": str(source.id),
        "name": source.name,
        "description": source.description,
        "properties": source.properties,
        "createdBy": source.created_by,
        "createdAt": iso(source.created_at),
        "updatedBy": source.updated_by,
        "updatedAt": iso(source.updated_at),
        "ttl": source.ttl,
    }
