"""Brickworks preview and content generation (spec §2.4, §2.5): a record's values as a profile sees them."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

import httpx
from django.core.cache import cache
from django.http import HttpRequest
from ninja import Router

from apps.sandbox.brickworks import egress, errors, generate, records, wire
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.models import ContentSchema, ExternalSource, Profile, RecordVersion, Status
from apps.sandbox.brickworks.routes.common import find_schema, workspace
from apps.sandbox.models import Workspace

router = Router()

IdentifierType = Literal["id", "uuid", "email", "custom_identify"]
EXTERNAL_TIMEOUT = 5.0


@router.post("/schemas/{app_id}/records/{record_key}/generate/by/{identifier_type}", tags=["generation"])
def generate_as_workspace(
    request: HttpRequest,
    app_id: str,
    record_key: str,
    identifier_type: IdentifierType,
    payload: wire.GenerateBody,
) -> dict[str, Any]:
    """G1/G2: the latest published version, for the profile named in the request."""
    profile = find_profile(workspace(request), identifier_type, payload.identifierValue)
    return _generate(request, app_id, record_key, payload, profile=profile)


@router.post("/schemas/{app_id}/records/{record_key}/generate", tags=["generation"])
def generate_as_consumer(
    request: HttpRequest, app_id: str, record_key: str, payload: wire.GenerateBody
) -> dict[str, Any]:
    """G3/G4: the profile would come from a profile token; with a workspace token there is none."""
    return _generate(request, app_id, record_key, payload, profile={})


@router.post("/schemas/{app_id}/records/{record_key}/preview/by/{identifier_type}", tags=["generation"])
def preview_as_workspace(
    request: HttpRequest,
    app_id: str,
    record_key: str,
    identifier_type: IdentifierType,
    payload: wire.PreviewBody,
) -> dict[str, Any]:
    """P1/P2: the sent values (not the stored ones) and the defaults, for the named profile."""
    profile = find_profile(workspace(request), identifier_type, payload.identifierValue)
    return _preview(request, app_id, record_key, payload, profile=profile)


@router.post("/schemas/{app_id}/records/{record_key}/preview", tags=["generation"])
def preview_as_consumer(
    request: HttpRequest, app_id: str, record_key: str, payload: wire.PreviewBody
) -> dict[str, Any]:
    return _preview(request, app_id, record_key, payload, profile={})


def find_profile(space: Workspace, identifier_type: str, value: str | None) -> dict[str, Any]:
    if not value:
        raise errors.invalid("identifierValue is required", field="identifierValue")
    profiles = Profile.objects.filter(workspace=space)
    lookup = {"id": "pk", "uuid": "uuid", "email": "email__iexact", "custom_identify": "custom_id"}[
        identifier_type
    ]
    if (
        identifier_type == "id"
        and not value.isdigit()
        or identifier_type == "uuid"
        and not records.is_uuid(value)
    ):
        profile = None
    else:
        profile = profiles.filter(**{lookup: value}).first()
    if profile is None:
        raise BkwError(404, errors.PROFILE_NOT_FOUND, f"No profile with {identifier_type} {value}")
    return {"id": profile.pk, "uuid": str(profile.uuid), "email": profile.email, **profile.attributes}


def _generate(
    request: HttpRequest, app_id: str, record_key: str, payload: wire.GenerateBody, *, profile: dict[str, Any]
) -> dict[str, Any]:
    schema = find_schema(request, app_id)
    record = records.find_record(schema, record_key)
    version = (
        RecordVersion.objects.filter(record=record, status=Status.PUBLISHED).select_related("record").first()
    )
    if version is None:
        raise BkwError(404, errors.NOT_PUBLISHED, f"Record {record_key} has no published version")
    return _render(schema, version, version.values, payload, profile=profile)


def _preview(
    request: HttpRequest, app_id: str, record_key: str, payload: wire.PreviewBody, *, profile: dict[str, Any]
) -> dict[str, Any]:
    schema = find_schema(request, app_id)
    version = records.find_version(schema, record_key)
    return _render(schema, version, payload.values, payload, profile=profile)


def _render(
    schema: ContentSchema,
    version: RecordVersion,
    values: dict[str, Any],
    payload: wire.GenerateBody,
    *,
    profile: dict[str, Any],
    depth: int = 0,
) -> dict[str, Any]:
    try:
        generated = generate.generate(
            schema.fields,
            values,
            field_context=payload.fieldContext,
            profile=profile,
            context=payload.context,
            resolve_relation=_relations(schema.workspace, payload, profile, depth),
            fetch_external=_external_fetcher(schema.workspace),
        )
    except generate.GenerationError as exc:
        raise BkwError(
            400, errors.GENERATION_FAILED, f"Could not generate {exc.field}: {exc.message}", field=exc.field
        ) from exc
    return {**metadata(version), **generated}


def metadata(version: RecordVersion) -> dict[str, Any]:
    return {
        "__slug": version.slug,
        "__recordVersion": version.number,
        "__publishedAt": records.iso(version.published_at),
        "__updatedAt": records.iso(version.updated_at),
        "__schemaId": str(version.schema_id),
        "__id": str(version.record_id),
        "__schemaVersion": version.schema_version,
        "__createdAt": records.iso(version.record.created_at),
    }


def _relations(space: Workspace, payload: wire.GenerateBody, profile: dict[str, Any], depth: int) -> Any:
    """Related records come as their own generated objects, one level deep (relations can form cycles)."""

    def resolve(app_id: str, record_id: str) -> dict[str, Any] | None:
        if not records.is_uuid(str(record_id)):
            return None
        version = (
            RecordVersion.objects.filter(
                schema__workspace=space, schema__app_id=app_id, record_id=record_id, status=Status.PUBLISHED
            )
            .select_related("schema", "record")
            .first()
        )
        if version is None:
            return None
        if depth >= 1:
            return metadata(version)
        empty = wire.GenerateBody(context=payload.context)
        return _render(version.schema, version, version.values, empty, profile=profile, depth=depth + 1)

    return resolve


def _external_fetcher(space: Workspace) -> Any:
    """Calls the source's URL, caching its answer for the source's ttl (spec §5 rule 13)."""

    def fetch(source_id: str, params: dict[str, Any], profile: dict[str, Any]) -> Any:
        source = (
            ExternalSource.objects.filter(workspace=space, id=source_id).first()
            if records.is_uuid(str(source_id))
            else None
        )
        if source is None:
            raise generate.GenerationError(str(source_id), "the external source does not exist")
        key = (
            "sandbox-external:"
            + hashlib.sha256(
                json.dumps(
                    [str(source.id), source.updated_at.isoformat(), params], sort_keys=True, default=str
                ).encode()
            ).hexdigest()
        )
        cached = cache.get(key)
        if cached is not None:
            return cached["data"]
        data = _call(source, params)
        if source.ttl:
            cache.set(key, {"data": data}, timeout=source.ttl)
        return data

    return fetch


def _call(source: ExternalSource, params: dict[str, Any]) -> Any:
    properties = source.properties
    headers = properties.get("headers") or {}
    try:
        if source.method == "post":
            body = {**(properties.get("body") or {}), **params}
            response = egress.request(
                "POST", properties["url"], json=body, headers=headers, timeout=EXTERNAL_TIMEOUT
            )
        else:
            response = egress.request(
                "GET", properties["url"], params=params, headers=headers, timeout=EXTERNAL_TIMEOUT
            )
        response.raise_for_status()
        return response.json()
    except egress.Refused as exc:
        raise generate.GenerationError(source.name, f"the external source was refused: {exc}") from exc
    except (httpx.HTTPError, ValueError) as exc:
        raise generate.GenerationError(source.name, f"the external source failed: {exc}") from exc
