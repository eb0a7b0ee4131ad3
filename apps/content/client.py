"""The Brickworks API: schemas, records, versions, generation, external sources.

Reference: shared/spec/brickworks.md; the paths the doc leaves open are in docs/api-decisions.md.
Build it on a signed client: `BrickworksClient(connections.services.http_for(connection))`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter

from apps.connections.wire import SyneriseBase
from apps.core.http import present

PREFIX = "brickworks/v1"
Status = Literal["DRAFT", "SCHEDULED", "PUBLISHED", "UNPUBLISHED"]
IdentifierType = Literal["id", "uuid", "email", "custom_identify"]
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# The doc collapses these objects (§7.4); a null is read as an empty one so templates can `.get()` them.
Object = Annotated[dict[str, Any], BeforeValidator(lambda value: {} if value is None else value)]
Text = Annotated[str, BeforeValidator(lambda value: "" if value is None else value)]


class Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class Schema(Wire):
    """Spec §4.1 and §8.1."""

    id: str
    app_id: str = Field(alias="appId")
    display_name: str = Field(alias="displayName")
    description: Text = ""
    fields: Object = Field(default_factory=dict)
    display_configuration: Object = Field(default_factory=dict, alias="displayConfiguration")
    audience: Object = Field(default_factory=dict)
    schema_type: Literal["SIMPLE", "VERSIONED"] = Field(alias="schemaType")
    version: int = 0
    created_by: Object = Field(default_factory=dict, alias="createdBy")
    updated_by: Object = Field(default_factory=dict, alias="updatedBy")
    published_by: int | None = Field(default=None, alias="publishedBy")
    deleted_by: int | None = Field(default=None, alias="deletedBy")
    created_at: datetime | None = Field(default=None, alias="createdAt")
    updated_at: datetime | None = Field(default=None, alias="updatedAt")
    published_at: datetime | None = Field(default=None, alias="publishedAt")
    deleted_at: datetime | None = Field(default=None, alias="deletedAt")

    @property
    def is_simple(self) -> bool:
        return self.schema_type == "SIMPLE"


class Record(Wire):
    """Spec §4.3 and §8.2; `actionOnSchedule` is ours (docs/api-decisions.md)."""

    id: str
    schema_id: str = Field(alias="schemaId")
    name: str | None = None
    slug: str | None = None
    status: Status
    values: Object = Field(default_factory=dict)
    record_version: int = Field(0, alias="recordVersion")
    schema_version: int = Field(0, alias="schemaVersion")
    created_by: Object = Field(default_factory=dict, alias="createdBy")
    updated_by: Object = Field(default_factory=dict, alias="updatedBy")
    published_by: int | None = Field(default=None, alias="publishedBy")
    deleted_by: int | None = Field(default=None, alias="deletedBy")
    created_at: datetime | None = Field(default=None, alias="createdAt")
    updated_at: datetime | None = Field(default=None, alias="updatedAt")
    published_at: datetime | None = Field(default=None, alias="publishedAt")
    deleted_at: datetime | None = Field(default=None, alias="deletedAt")
    action_on_schedule: str | None = Field(default=None, alias="actionOnSchedule")
    schedule: Object = Field(default_factory=dict)


class RecordVersion(Record):
    """Spec §4.6 and §8.3: a Record plus its `versionId`."""

    version_id: str = Field(alias="versionId")


class ExternalSource(Wire):
    """Spec §4.10 and §8.7."""

    id: str
    name: str
    description: Text = ""
    properties: Object = Field(default_factory=dict)
    ttl: int | None = None
    created_by: Object = Field(default_factory=dict, alias="createdBy")
    updated_by: Object = Field(default_factory=dict, alias="updatedBy")
    created_at: datetime | None = Field(default=None, alias="createdAt")
    updated_at: datetime | None = Field(default=None, alias="updatedAt")


class Meta(Wire):
    """The doc leaves `meta` empty (§4.9); the keys are ours, and a missing one reads as an empty list's."""

    page: int = 1
    limit: int = 50
    total: int = 0
    pages: int = 0


class Page(Wire, Generic[T]):
    meta: Meta = Field(default_factory=Meta)
    data: list[T] = Field(default_factory=list)


class UpsertResult(Wire):
    """One answer of A1–A4; the doc shows none (§2.3), the shape is ours (docs/api-decisions.md)."""

    status: Literal["ACCEPTED", "REJECTED"]
    id: str | None = None
    index: int | None = None
    error_code: str | None = Field(default=None, alias="errorCode")
    message: str = ""
    errors: list[dict[str, Any]] = Field(default_factory=list)


# Spec §4.7: a flat object, the field values plus `__`-prefixed metadata.
Generated = TypeAdapter(dict[str, Any])
_upsert_results = TypeAdapter(list[UpsertResult])


def _query(**params: Any) -> dict[str, Any]:
    """Query parameters without the unset ones; lists become comma-separated (spec §3)."""
    return {
        key: ",".join(value) if isinstance(value, list | tuple) else value
        for key, value in params.items()
        if value not in (None, "", [], ())
    }


class BrickworksClient(SyneriseBase):
    def _call(self, target: type[M], method: str, path: str, *segments: str | int, **kwargs: Any) -> M:
        """One request under the Brickworks prefix, its answer read as `target` (see ApiClient.parse)."""
        return self.parse(target, self.request(method, f"{PREFIX}/{path}", *segments, **kwargs))

    # Schemas (spec §2.1)

    def list_schemas(
        self,
        *,
        page: int = 1,
        limit: int = 50,
        search: str | None = None,
        sort_by: str | None = None,
        schema_types: list[str] | None = None,
    ) -> Page[Schema]:
        # Reference: brickworks.md S5.
        params = _query(page=page, limit=limit, search=search, sortBy=sort_by, schemaTypes=schema_types)
        return self._call(Page[Schema], "GET", "schemas", params=params)

    def get_schema(self, key: str) -> Schema:
        # Reference: brickworks.md S1 (appId) and S2 (id).
        return self._call(Schema, "GET", "schemas/{}", key)

    def create_schema(
        self,
        *,
        app_id: str,
        display_name: str,
        fields: dict[str, Any],
        description: str = "",
        is_simple: bool = False,
        display_configuration: dict[str, Any] | None = None,
        audience: dict[str, Any] | None = None,
    ) -> Schema:
        # Reference: brickworks.md S6.
        body = present(
            appId=app_id,
            displayName=display_name,
            description=description,
            fields=fields,
            isSimpleSchema=is_simple,
            displayConfiguration=display_configuration,
            audience=audience,
        )
        return self._call(Schema, "POST", "schemas", json=body)

    def update_schema(
        self,
        schema_id: str,
        *,
        display_name: str,
        description: str | None = None,
        fields: dict[str, Any] | None = None,
        display_configuration: dict[str, Any] | None = None,
        audience: dict[str, Any] | None = None,
    ) -> Schema:
        # Reference: brickworks.md S3; omitted properties are kept.
        body = present(
            displayName=display_name,
            description=description,
            fields=fields,
            displayConfiguration=display_configuration,
            audience=audience,
        )
        return self._call(Schema, "PUT", "schemas/{}", schema_id, json=body)

    def delete_schema(self, schema_id: str) -> None:
        # Reference: brickworks.md S4.
        self.request("DELETE", f"{PREFIX}/schemas/{{}}", schema_id)

    # Records (spec §2.2)

    def list_records(
        self,
        schema: str,
        *,
        page: int = 1,
        limit: int = 50,
        filters: str | None = None,
        search: str | None = None,
        sort_by: str | None = None,
        ids: list[str] | None = None,
        statuses: list[str] | None = None,
    ) -> Page[Record]:
        # Reference: brickworks.md R1 / R2.
        params = _query(
            page=page, limit=limit, filters=filters, search=search, sortBy=sort_by, ids=ids, statuses=statuses
        )
        return self._call(Page[Record], "GET", "schemas/{}/records", schema, params=params)

    def get_record(
        self, schema: str, record: str, *, fields: list[str] | None = None, statuses: list[str] | None = None
    ) -> Record:
        # Reference: brickworks.md R5 / R6 (by id) and R7 (by slug).
        params = _query(fields=fields, statuses=statuses)
        return self._call(Record, "GET", "schemas/{}/records/{}", schema, record, params=params)

    def create_record(
        self,
        schema: str,
        *,
        values: dict[str, Any],
        status: Status = "DRAFT",
        slug: str | None = None,
        name: str | None = None,
        schedule: dict[str, Any] | None = None,
        action_on_schedule: Literal["PUBLISH"] | None = None,
    ) -> Record:
        # Reference: brickworks.md R3 / R4; a schedule's action is PUBLISH (its only value) unless given.
        body = present(
            values=values,
            status=status,
            slug=slug,
            name=name,
            schedule=schedule,
            actionOnSchedule=action_on_schedule or ("PUBLISH" if schedule else None),
        )
        return self._call(Record, "POST", "schemas/{}/records", schema, json=body)

    def update_record(
        self,
        schema: str,
        record_id: str,
        *,
        status: Status | None = None,
        values: dict[str, Any] | None = None,
        slug: str | None = None,
        name: str | None = None,
        schedule: dict[str, Any] | None = None,
        last_updated_at: datetime | str | None = None,
        from_state: Status | None = None,
        action_on_schedule: Literal["PUBLISH"] | None = None,
    ) -> Record:
        # Reference: brickworks.md R8 / R9; a stale `last_updated_at` raises ApiConflict (BKW-029).
        if isinstance(last_updated_at, datetime):
            last_updated_at = last_updated_at.isoformat().replace("+00:00", "Z")
        body = present(
            status=status,
            values=values,
            slug=slug,
            name=name,
            schedule=schedule,
            actionOnSchedule=action_on_schedule or ("PUBLISH" if schedule else None),
            lastUpdatedAt=last_updated_at,
            fromState=from_state,
        )
        return self._call(Record, "PUT", "schemas/{}/records/{}", schema, record_id, json=body)

    def delete_record(self, schema: str, record_id: str) -> None:
        # Reference: brickworks.md R10 / R11.
        self.request("DELETE", f"{PREFIX}/schemas/{{}}/records/{{}}", schema, record_id)

    def duplicate_record(self, schema: str, record_id: str) -> Record:
        # Reference: brickworks.md R12 / R13.
        return self._call(Record, "POST", "schemas/{}/records/{}/duplicate", schema, record_id)

    # Async upserts (spec §2.3): simple schemas only

    def upsert_record(
        self, schema_id: str, item: dict[str, Any], *, partial: bool = False
    ) -> UpsertResult | None:
        # Reference: brickworks.md A1 (PUT) / A2 (PATCH). The doc shows no success body: an empty one is None.
        method = "PATCH" if partial else "PUT"
        response = self.request(method, f"{PREFIX}/schemas/{{}}/records/upsert", schema_id, json=item)
        return self.parse(UpsertResult, response) if response.content else None

    def upsert_records(
        self, schema_id: str, items: list[dict[str, Any]], *, partial: bool = False
    ) -> list[UpsertResult]:
        # Reference: brickworks.md A3 (PUT) / A4 (PATCH): one result per item, in order.
        method = "PATCH" if partial else "PUT"
        response = self.request(method, f"{PREFIX}/schemas/{{}}/records/upsert/batch", schema_id, json=items)
        return self.parse(_upsert_results, response)

    # Preview and generation (spec §2.4, §2.5)

    def preview(
        self,
        app_id: str,
        record: str,
        *,
        values: dict[str, Any],
        identifier_type: IdentifierType | None = None,
        identifier_value: str | None = None,
        context: list[str] | None = None,
        field_context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        # Reference: brickworks.md P1 / P2 (as a profile) and P3 / P4 (as any consumer).
        path, segments = "schemas/{}/records/{}/preview", [app_id, record]
        if identifier_type:
            path, segments = path + "/by/{}", [*segments, identifier_type]
        body = present(
            values=values, identifierValue=identifier_value, context=context, fieldContext=field_context
        )
        return self.parse(Generated, self.request("POST", f"{PREFIX}/{path}", *segments, json=body))

    def generate(
        self,
        app_id: str,
        record: str,
        *,
        identifier_type: IdentifierType | None = None,
        identifier_value: str | None = None,
        context: list[str] | None = None,
        field_context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        # Reference: brickworks.md G1 / G2 (as a profile) and G3 / G4 (as any consumer).
        path, segments = "schemas/{}/records/{}/generate", [app_id, record]
        if identifier_type:
            path, segments = path + "/by/{}", [*segments, identifier_type]
        body = present(identifierValue=identifier_value, context=context, fieldContext=field_context)
        return self.parse(Generated, self.request("POST", f"{PREFIX}/{path}", *segments, json=body))

    # Versions (spec §2.6)

    def list_versions(
        self,
        schema_id: str,
        record: str,
        *,
        page: int = 1,
        limit: int = 50,
        sort_by: str | None = None,
        statuses: list[str] | None = None,
    ) -> Page[RecordVersion]:
        # Reference: brickworks.md V3 / V4 (newest first unless `sort_by` says otherwise).
        params = _query(page=page, limit=limit, sortBy=sort_by, statuses=statuses)
        path = "schemas/{}/records/{}/versions"
        return self._call(Page[RecordVersion], "GET", path, schema_id, record, params=params)

    def get_version(self, schema_id: str, record_id: str, version: str | int) -> RecordVersion:
        # Reference: brickworks.md V1 (version id) / V2 (version number).
        path = "schemas/{}/records/{}/versions/{}"
        return self._call(RecordVersion, "GET", path, schema_id, record_id, version)

    # External sources (spec §2.7)

    def list_external_sources(
        self, *, page: int = 1, limit: int = 50, sort_by: str | None = None, method: str | None = None
    ) -> Page[ExternalSource]:
        # Reference: brickworks.md X1.
        params = _query(page=page, limit=limit, sortBy=sort_by, method=method)
        return self._call(Page[ExternalSource], "GET", "external-sources", params=params)

    def get_external_source(self, source_id: str) -> ExternalSource:
        # Reference: brickworks.md X3.
        return self._call(ExternalSource, "GET", "external-sources/{}", source_id)

    def create_external_source(
        self, *, name: str, properties: dict[str, Any], description: str = "", ttl: int | None = None
    ) -> ExternalSource:
        # Reference: brickworks.md X2.
        body = present(name=name, properties=properties, description=description, ttl=ttl)
        return self._call(ExternalSource, "POST", "external-sources", json=body)

    def update_external_source(
        self,
        source_id: str,
        *,
        name: str | None = None,
        properties: dict[str, Any] | None = None,
        description: str | None = None,
        ttl: int | None = None,
    ) -> ExternalSource:
        # Reference: brickworks.md X4.
        body = present(name=name, properties=properties, description=description, ttl=ttl)
        return self._call(ExternalSource, "PUT", "external-sources/{}", source_id, json=body)

    def delete_external_source(self, source_id: str) -> None:
        # Reference: brickworks.md X5.
        self.request("DELETE", f"{PREFIX}/external-sources/{{}}", source_id)
