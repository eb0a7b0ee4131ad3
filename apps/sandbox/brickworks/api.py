"""The Brickworks API of the sandbox, mounted at /sandbox/synerise/brickworks/v1/.

Reference: shared/spec/brickworks.md. Paths and codes the doc leaves open are in docs/api-decisions.md.
"""

from __future__ import annotations

import math
import re
from http import HTTPStatus
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from apps.sandbox import synerise
from apps.sandbox.brickworks import errors, fields, wire
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.models import ContentSchema, ExternalSource, now_ms
from apps.sandbox.brickworks.records import is_uuid
from apps.sandbox.models import Workspace

api = NinjaAPI(
    title="Brickworks (synadmin sandbox)",
    version="1",
    urls_namespace="sandbox-brickworks",
    docs_url=None,
    auth=synerise.workspace_token,
)


def error_body(request: HttpRequest, exc: BkwError) -> HttpResponse:
    body = {
        "timestamp": timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "errorCode": exc.code,
        "httpStatus": exc.status,
        "message": exc.message,
        "traceId": request.headers.get("X-Request-Id", ""),
        "errors": exc.errors,
        "source": {},
        "details": exc.details,
        "field": exc.field,
    }
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(BkwError)
def on_bkw_error(request: HttpRequest, exc: BkwError) -> HttpResponse:
    return error_body(request, exc)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items = [
        {
            "field": ".".join(str(p) for p in e["loc"][1:] if p not in ("payload", "params")),
            "message": e["msg"],
        }
        for e in exc.errors
    ]
    first = items[0] if items else {"field": None, "message": "Validation failed"}
    return error_body(
        request, errors.invalid(f"{first['field']}: {first['message']}", field=first["field"], errors=items)
    )


@api.exception_handler(AuthenticationError)
def on_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Token problems are answered by Synerise's gateway, in its own body (as the auth endpoints do).
    return synerise.error_response(request, 401, exc.message)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code in (401, 403):
        return synerise.error_response(request, exc.status_code, exc.message)
    return error_body(
        request, BkwError(exc.status_code, f"BKW-{exc.status_code}", HTTPStatus(exc.status_code).phrase)
    )


def workspace(request: HttpRequest) -> Workspace:
    return request.auth.workspace  # type: ignore[attr-defined]


def actor(request: HttpRequest) -> dict[str, Any]:
    """createdBy / updatedBy: who made the change (the doc leaves the object's content open)."""
    principal = request.auth  # type: ignore[attr-defined]
    if principal.user is not None:
        return {"type": "USER", "id": principal.user.pk, "name": principal.user.name}
    return {"type": "WORKSPACE", "id": principal.workspace.pk, "name": principal.workspace.name}


def paginate(queryset: QuerySet[Any], params: wire.Page, render: Any) -> dict[str, Any]:
    """The list envelope `{meta, data}`; the keys of `meta` are ours (spec §4.9 leaves them open)."""
    total = queryset.count()
    start = (params.page - 1) * params.limit
    # The page's keys first (an index scan, however deep the page), then those rows with their joins.
    keys = list(queryset.values_list("pk", flat=True)[start : start + params.limit])
    rows = {item.pk: item for item in queryset.filter(pk__in=keys)}
    items = [rows[key] for key in keys]
    return {
        "meta": {
            "page": params.page,
            "limit": params.limit,
            "total": total,
            "pages": math.ceil(total / params.limit) if total else 0,
        },
        "data": [render(item) for item in items],
    }


def order_by(params: wire.Page, keys: dict[str, str], default: list[Any]) -> list[Any]:
    """`sortBy=<key>:<asc|desc>` as an ORM ordering; an unknown key or direction answers 400."""
    if not params.sortBy:
        return default
    key, _, direction = params.sortBy.partition(":")
    direction = direction or "asc"
    if key not in keys or direction not in ("asc", "desc"):
        raise BkwError(
            400,
            errors.BAD_QUERY,
            f"Can't sort by {params.sortBy!r}; use one of {', '.join(sorted(keys))} with :asc or :desc",
            field="sortBy",
        )
    lookup = keys[key]
    return [f"-{lookup}" if direction == "desc" else lookup, "pk"]


def csv(value: str | None, allowed: tuple[str, ...], name: str) -> list[str] | None:
    if not value:
        return None
    items = [item.strip() for item in value.split(",") if item.strip()]
    wrong = [item for item in items if item not in allowed]
    if wrong:
        raise BkwError(400, errors.BAD_QUERY, f"Unknown {name}: {', '.join(wrong)}", field=name)
    return items


def find_schema(request: HttpRequest, key: str) -> ContentSchema:
    """By id when `key` is a UUID, by appId otherwise (appIds can't be UUIDs: docs/api-decisions.md)."""
    schemas = ContentSchema.objects.filter(workspace=workspace(request))
    schema = schemas.filter(id=key).first() if is_uuid(key) else schemas.filter(app_id=key).first()
    if schema is None:
        raise BkwError(404, errors.SCHEMA_NOT_FOUND, f"Schema {key} not found")
    return schema


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


@api.get("/schemas", tags=["schemas"], summary="Get schemas")
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


@api.post("/schemas", response={201: dict}, tags=["schemas"], summary="Create schema")
def create_schema(request: HttpRequest, payload: wire.SchemaCreate) -> Status:
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


@api.get("/schemas/{key}", tags=["schemas"], summary="Get schema by ID or appId")
def get_schema(request: HttpRequest, key: str) -> dict[str, Any]:
    return wire.schema_json(find_schema(request, key))


@api.put("/schemas/{key}", tags=["schemas"], summary="Update schema")
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


@api.delete("/schemas/{key}", response={204: None}, tags=["schemas"], summary="Delete schema")
def delete_schema(request: HttpRequest, key: str) -> Status:
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


@api.get("/external-sources", tags=["external sources"], summary="List external sources")
def list_sources(request: HttpRequest, params: Query[wire.SourceQuery]) -> dict[str, Any]:
    sources = ExternalSource.objects.filter(workspace=workspace(request))
    if params.method:
        sources = sources.filter(method=params.method)
    sources = sources.order_by(*order_by(params, SOURCE_SORT, ["-created_at", "pk"]))
    return paginate(sources, params, wire.source_json)


@api.post(
    "/external-sources", response={201: dict}, tags=["external sources"], summary="Create external source"
)
def create_source(request: HttpRequest, payload: wire.SourceCreate) -> Status:
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


@api.get("/external-sources/{source_id}", tags=["external sources"], summary="Get external source")
def get_source(request: HttpRequest, source_id: str) -> dict[str, Any]:
    return wire.source_json(_find_source(request, source_id))


@api.put("/external-sources/{source_id}", tags=["external sources"], summary="Update external source")
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


@api.delete("/external-sources/{source_id}", response={204: None}, tags=["external sources"])
def delete_source(request: HttpRequest, source_id: str) -> Status:
    _find_source(request, source_id).delete()
    return Status(204, None)


# Records, versions, upserts, preview and generation add their routes to `api`.
from apps.sandbox.brickworks import generation_routes, record_routes  # noqa: E402, F401
