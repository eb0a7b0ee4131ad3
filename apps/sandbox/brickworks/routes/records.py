"""Brickworks records, their versions and the async upserts (spec §2.2, §2.3, §2.6)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from ninja import Query, Router, Status

from apps.sandbox.brickworks import errors, records, rsql, wire
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.models import ContentSchema, RecordVersion
from apps.sandbox.brickworks.routes.common import actor, csv, find_schema, order_by, paginate

router = Router()

STATUSES = ("PUBLISHED", "DRAFT", "UNPUBLISHED", "SCHEDULED")
SYSTEM_SORT = {
    "id": "record_id",
    "createdAt": "record__created_at",
    "updatedAt": "updated_at",
    "schemaId": "schema_id",
    "slug": "slug",
    "title": "title",
    "name": "title",
    "publishedAt": "published_at",
    "schemaVersion": "schema_version",
    "recordVersion": "number",
}
SYSTEM_SELECTORS = {
    "id": rsql.Selector("record_id", "uuid"),
    "schemaId": rsql.Selector("schema_id", "uuid"),
    "slug": rsql.Selector("slug"),
    "title": rsql.Selector("title"),
    "name": rsql.Selector("title"),
    "status": rsql.Selector("status"),
    "createdAt": rsql.Selector("record__created_at", "datetime"),
    "updatedAt": rsql.Selector("updated_at", "datetime"),
    "publishedAt": rsql.Selector("published_at", "datetime"),
    "schemaVersion": rsql.Selector("schema_version", "number"),
    "recordVersion": rsql.Selector("number", "number"),
}
RSQL_KINDS: dict[str, rsql.Kind] = {"number": "number", "boolean": "boolean", "date": "date"}


def searchable(schema: ContentSchema) -> list[str]:
    return [name for name, definition in schema.fields.items() if definition.get("searchable")]


def selectors(schema: ContentSchema) -> dict[str, rsql.Selector]:
    """System fields, and each searchable field by its name and as `values.<name>`."""
    found = dict(SYSTEM_SELECTORS)
    for name in searchable(schema):
        kind = RSQL_KINDS.get(schema.fields[name]["type"], "text")
        selector = rsql.Selector(f"values__{name}", kind, json=True)
        found[f"values.{name}"] = selector
        found.setdefault(name, selector)
    return found


@router.get("/schemas/{key}/records", tags=["records"], summary="Get records by schema ID or appId")
def list_records(request: HttpRequest, key: str, params: Query[wire.RecordQuery]) -> dict[str, Any]:
    schema = find_schema(request, key)
    versions = RecordVersion.objects.filter(schema=schema).heads(csv(params.statuses, STATUSES, "statuses"))
    if params.ids:
        ids = [item.strip() for item in params.ids.split(",") if item.strip()]
        if not all(records.is_uuid(item) for item in ids):
            raise BkwError(400, errors.BAD_QUERY, "ids takes comma-separated UUIDs", field="ids")
        versions = versions.filter(record_id__in=ids)
    if params.search:
        versions = versions.filter(search_text__contains=params.search.lower())
    if params.filters:
        try:
            versions = versions.filter(rsql.to_q(params.filters, selectors(schema)))
        except rsql.RsqlError as exc:
            raise BkwError(
                400, errors.BAD_FILTER, str(exc), field="filters", details={"position": exc.position}
            ) from exc
    sort_keys = {**SYSTEM_SORT, **{name: f"values__{name}" for name in searchable(schema)}}
    default = ["list_rank", F("updated_at").desc(), "pk"]
    versions = versions.select_related("record").order_by(*order_by(params, sort_keys, default))
    return paginate(versions, params, wire.record_json, counted=records.listing(schema.pk))


@router.post("/schemas/{key}/records", response={201: dict}, tags=["records"], summary="Add record to schema")
def add_record(request: HttpRequest, key: str, payload: wire.RecordCreate) -> Status[Any]:
    schema = find_schema(request, key)
    version = records.create_record(schema, payload.dict(), by=actor(request))
    return Status(201, wire.record_json(version))


# The upserts come before /records/{record_key}: their paths would otherwise read as a slug.
@router.put(
    "/schemas/{key}/records/upsert", response={202: dict}, tags=["async"], summary="Create or update record"
)
def upsert(request: HttpRequest, key: str, payload: wire.UpsertItem) -> Status[Any]:
    return Status(202, _upsert(request, key, payload, partial=False))


@router.patch(
    "/schemas/{key}/records/upsert",
    response={202: dict},
    tags=["async"],
    summary="Create or partially update",
)
def upsert_partial(request: HttpRequest, key: str, payload: wire.UpsertItem) -> Status[Any]:
    return Status(202, _upsert(request, key, payload, partial=True))


# A record whose slug is "upsert" is still read and deleted at its own path, as any other.
@router.get("/schemas/{key}/records/upsert", include_in_schema=False)
def get_upsert_slug(request: HttpRequest, key: str, params: Query[wire.RecordGetQuery]) -> dict[str, Any]:
    return get_record(request, key, "upsert", params)


@router.delete("/schemas/{key}/records/upsert", response={204: None}, include_in_schema=False)
def delete_upsert_slug(request: HttpRequest, key: str) -> Status[Any]:
    return delete_record(request, key, "upsert")


@router.put(
    "/schemas/{key}/records/upsert/batch", response={202: list}, tags=["async"], summary="Batch upsert"
)
def upsert_batch(request: HttpRequest, key: str, payload: list[wire.UpsertItem]) -> Status[Any]:
    return Status(202, _upsert_batch(request, key, payload, partial=False))


@router.patch(
    "/schemas/{key}/records/upsert/batch", response={202: list}, tags=["async"], summary="Batch partial"
)
def upsert_batch_partial(request: HttpRequest, key: str, payload: list[wire.UpsertItem]) -> Status[Any]:
    return Status(202, _upsert_batch(request, key, payload, partial=True))


def _upsert(request: HttpRequest, key: str, item: wire.UpsertItem, *, partial: bool) -> dict[str, Any]:
    schema = find_schema(request, key)
    version = records.upsert(schema, item.dict(), partial=partial, by=actor(request))
    return {"id": str(version.record_id), "status": "ACCEPTED"}


def _upsert_batch(
    request: HttpRequest, key: str, items: list[wire.UpsertItem], *, partial: bool
) -> list[Any]:
    """One result per item, in order: accepted with the record id, or rejected with the errors."""
    schema = find_schema(request, key)
    if not schema.is_simple:
        raise BkwError(400, errors.SIMPLE_SCHEMAS_ONLY, "Upserts are for simple schemas only")
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            version = records.upsert(schema, item.dict(), partial=partial, by=actor(request))
        except BkwError as exc:
            results.append(
                {
                    "index": index,
                    "status": "REJECTED",
                    "errorCode": exc.code,
                    "message": exc.message,
                    "errors": exc.errors,
                }
            )
        else:
            results.append({"index": index, "status": "ACCEPTED", "id": str(version.record_id)})
    return results


@router.get("/schemas/{key}/records/{record_key}", tags=["records"], summary="Get record by ID or slug")
def get_record(
    request: HttpRequest, key: str, record_key: str, params: Query[wire.RecordGetQuery]
) -> dict[str, Any]:
    version = records.find_version(
        find_schema(request, key), record_key, csv(params.statuses, STATUSES, "statuses")
    )
    only = [item.strip() for item in params.fields.split(",") if item.strip()] if params.fields else None
    return wire.record_json(version, only=only)


@router.put("/schemas/{key}/records/{record_key}", tags=["records"], summary="Update record")
def update_record(
    request: HttpRequest, key: str, record_key: str, payload: wire.RecordUpdate
) -> dict[str, Any]:
    version = records.update_record(
        find_schema(request, key), _uuid(record_key), payload.dict(), by=actor(request)
    )
    return wire.record_json(version)


@router.delete(
    "/schemas/{key}/records/{record_key}", response={204: None}, tags=["records"], summary="Delete record"
)
def delete_record(request: HttpRequest, key: str, record_key: str) -> Status[Any]:
    record = records.find_record(find_schema(request, key), _uuid(record_key))
    record.delete()
    records.records_changed({record.schema_id})
    return Status(204, None)


@router.post(
    "/schemas/{key}/records/{record_key}/duplicate",
    response={201: dict},
    tags=["records"],
    summary="Duplicate",
)
def duplicate_record(request: HttpRequest, key: str, record_key: str) -> Status[Any]:
    record = records.find_record(find_schema(request, key), _uuid(record_key))
    return Status(201, wire.record_json(records.duplicate_record(record, by=actor(request))))


@router.get("/schemas/{key}/records/{record_key}/versions", tags=["versions"], summary="Get record versions")
def list_versions(
    request: HttpRequest, key: str, record_key: str, params: Query[wire.VersionQuery]
) -> dict[str, Any]:
    record = records.find_record(find_schema(request, key), record_key)
    versions = RecordVersion.objects.filter(record=record).select_related("record")
    statuses = csv(params.statuses, STATUSES, "statuses")
    if statuses:
        versions = versions.filter(status__in=statuses)
    versions = versions.order_by(*order_by(params, SYSTEM_SORT, ["-number"]))
    return paginate(versions, params, wire.version_json)


@router.get(
    "/schemas/{key}/records/{record_key}/versions/{version_key}", tags=["versions"], summary="Get version"
)
def get_version(request: HttpRequest, key: str, record_key: str, version_key: str) -> dict[str, Any]:
    """By version id (a UUID) or by version number."""
    record = records.find_record(find_schema(request, key), record_key)
    versions = RecordVersion.objects.filter(record=record).select_related("record")
    if records.is_uuid(version_key):
        version = versions.filter(version_id=version_key).first()
    elif version_key.isdigit():
        version = versions.filter(number=int(version_key)).first()
    else:
        version = None
    if version is None:
        raise BkwError(
            404, errors.VERSION_NOT_FOUND, f"Version {version_key} of record {record.id} not found"
        )
    return wire.version_json(version)


def _uuid(value: str) -> str:
    if not records.is_uuid(value):
        raise BkwError(
            404, errors.RECORD_NOT_FOUND, f"Record {value} not found; records are addressed by id here"
        )
    return value
