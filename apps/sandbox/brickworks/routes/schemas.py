"""Brickworks schemas and external sources (spec §2.1, §2.7)."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from apps.sandbox.brickworks import errors, fields, wire
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.models import ContentSchema, ExternalSource, now_ms
from apps.sandbox.brickworks.records import is_uuid
from apps.sandbox.brickworks.routes.common import actor, csv, find_schema, order_by, paginate, workspace

router = Router()


# Schemas (spec §2.1)

APP_ID = re.compile(r"[A-Za-z][\w\-]{0,99}")

SCHEMA_SORT = {
    "id": "id",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "name": "display_name",
    "displayName": "display_name",
    "appId": "app_id",
}


@router.get("/schemas", tags=["schemas"], summary="Get schemas")
def list_schemas(request: HttpRequest, params: Query[wire.SchemaQuery]) -> dict[str, Any]:
    schemas = ContentSchema.objects.filter(workspace=workspace(request))
    if params.search:
        schemas = schemas.filter(display_name__icontains=params.search) | schemas.filter(
            app_id__icontains=params.search
        )
    types = csv(params.schemaTypes, ("SIMPLE", "VERSIONED"), "schemaTypes")
    if types and len(types) == 1:
        schemas = schemas.filter(is_simple=types == ["SIMPLE"])
    schemas = schemas.order_by(*order_by(params, SCHEMA_SORT, ["-updated_at", "pk"]))
    return paginate(schemas, params, wire.schema_json)


@router.post("/schemas", response={201: dict}, tags=["schemas"], summary="Create schema")
def create_schema(request: HttpRequest, payload: wire.SchemaCreate) -> Status[Any]:
    if is_uuid(payload.appId) or not APP_ID.fullmatch(payload.appId):
        raise errors.invalid(
            "The appId starts with a letter and holds letters, digits, _ and - (and is not a UUID)",
            field="appId",
        )
    schema = ContentSchema(
        workspace=workspace(request),
        app_id=payload.appId,
        display_name=payload.displayName,
        description=payload.description,
        display_configuration=payload.displayConfiguration,
        audience=payload.audience,
        is_simple=payload.isSimpleSchema,
        created_by=actor(request),
        updated_by=actor(request),
    )
    schema.fields = _definitions(payload.fields)
    try:
        with transaction.atomic():
            schema.save()
    except IntegrityError:
        raise BkwError(
            409, errors.APP_ID_TAKEN, f"A schema with appId {payload.appId} exists", field="appId"
        ) from None
    return Status(201, wire.schema_json(schema))


@router.get("/schemas/{key}", tags=["schemas"], summary="Get schema by ID or appId")
def get_schema(request: HttpRequest, key: str) -> dict[str, Any]:
    return wire.schema_json(find_schema(request, key))


@router.put("/schemas/{key}", tags=["schemas"], summary="Update schema")
def update_schema(request: HttpRequest, key: str, payload: wire.SchemaUpdate) -> dict[str, Any]:
    schema = find_schema(request, key)
    schema.display_name = payload.displayName
    # Omitted optional properties keep their value (docs/api-decisions.md).
    if payload.description is not None:
        schema.description = payload.description
    if payload.displayConfiguration is not None:
        schema.display_configuration = payload.displayConfiguration
    if payload.audience is not None:
        schema.audience = payload.audience
    if payload.fields is not None:
        definitions = _definitions(payload.fields)
        if definitions != schema.fields:
            schema.fields = definitions
            schema.version += 1
    schema.updated_at = now_ms()
    schema.updated_by = actor(request)
    schema.save()
    return wire.schema_json(schema)


@router.delete("/schemas/{key}", response={204: None}, tags=["schemas"], summary="Delete schema")
def delete_schema(request: HttpRequest, key: str) -> Status[Any]:
    find_schema(request, key).delete()  # its records and versions go with it
    return Status(204, None)


def _definitions(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    try:
        return fields.validate_definitions(raw)
    except fields.FieldErrors as exc:
        raise errors.from_field_errors(exc.errors, "") from exc


# External sources (spec §2.7)

SOURCE_SORT = {"createdAt": "created_at", "updatedAt": "updated_at", "name": "name"}


def _find_source(request: HttpRequest, source_id: str) -> ExternalSource:
    source = (
        ExternalSource.objects.filter(workspace=workspace(request), id=source_id).first()
        if is_uuid(source_id)
        else None
    )
    if source is None:
        raise BkwError(404, errors.SOURCE_NOT_FOUND, f"External source {source_id} not found")
    return source


def _check_properties(properties: dict[str, Any]) -> str:
    """`properties` is `{url, method, headers?, body?}` (ours: the doc leaves it open); returns the method."""
    url = properties.get("url")
    method = str(properties.get("method", "get")).lower()
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise errors.invalid("properties.url must be an http(s) URL", field="properties.url")
    if method not in ("get", "post"):
        raise errors.invalid("properties.method is get or post", field="properties.method")
    unknown = set(properties) - {"url", "method", "headers", "body"}
    if unknown:
        raise errors.invalid(f"Unknown properties: {', '.join(sorted(unknown))}", field="properties")
    return method


@router.get("/external-sources", tags=["external sources"], summary="List external sources")
def list_sources(request: HttpRequest, params: Query[wire.SourceQuery]) -> dict[str, Any]:
    sources = ExternalSource.objects.filter(workspace=workspace(request))
    if params.method:
        sources = sources.filter(method=params.method)
    sources = sources.order_by(*order_by(params, SOURCE_SORT, ["-created_at", "pk"]))
    return paginate(sources, params, wire.source_json)


@router.post(
    "/external-sources", response={201: dict}, tags=["external sources"], summary="Create external source"
)
def create_source(request: HttpRequest, payload: wire.SourceCreate) -> Status[Any]:
    source = ExternalSource.objects.create(
        workspace=workspace(request),
        name=payload.name,
        description=payload.description,
        properties=payload.properties,
        method=_check_properties(payload.properties),
        ttl=payload.ttl,
        created_by=actor(request),
        updated_by=actor(request),
    )
    return Status(201, wire.source_json(source))


@router.get("/external-sources/{source_id}", tags=["external sources"], summary="Get external source")
def get_source(request: HttpRequest, source_id: str) -> dict[str, Any]:
    return wire.source_json(_find_source(request, source_id))


@router.put("/external-sources/{source_id}", tags=["external sources"], summary="Update external source")
def update_source(request: HttpRequest, source_id: str, payload: wire.SourceUpdate) -> dict[str, Any]:
    source = _find_source(request, source_id)
    if payload.properties is not None:
        source.method = _check_properties(payload.properties)
        source.properties = payload.properties
    for attribute in ("name", "description", "ttl"):
        if getattr(payload, attribute) is not None:
            setattr(source, attribute, getattr(payload, attribute))
    source.updated_at = now_ms()
    source.updated_by = actor(request)
    source.save()
    return wire.source_json(source)


@router.delete("/external-sources/{source_id}", response={204: None}, tags=["external sources"])
def delete_source(request: HttpRequest, source_id: str) -> Status[Any]:
    _find_source(request, source_id).delete()
    return Status(204, None)
