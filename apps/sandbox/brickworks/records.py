"""The rules of Brickworks records: statuses, versions, slugs, optimistic locking, schedules, upserts.

Reference: shared/spec/brickworks.md §2.2, §2.3, §4.4 and §5; our decisions in docs/api-decisions.md.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime

from apps.sandbox.brickworks import errors, fields
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.models import ContentSchema, Record, RecordVersion, Status, now_ms
from apps.sandbox.models import forget_keys

SLUG = re.compile(r"(?!__)[\w\-]+")
DATA_KEYS = ("values", "slug", "name", "schedule", "actionOnSchedule")


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z") if value else None


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def find_record(schema: ContentSchema, key: str) -> Record:
    """By id (a UUID) or by the slug of one of its current versions (slugs can't be UUIDs)."""
    if is_uuid(key):
        record = schema.records.filter(id=key).first()
    else:
        version = (
            RecordVersion.objects.current().filter(schema=schema, slug=key).select_related("record").first()
        )
        record = version.record if version else None
    if record is None:
        raise BkwError(404, errors.RECORD_NOT_FOUND, f"Record {key} not found in schema {schema.app_id}")
    return record


def lookup(record: Record, statuses: list[str] | None = None) -> RecordVersion:
    """The version a GET returns: the first current one by PUBLISHED, DRAFT, SCHEDULED, UNPUBLISHED."""
    version = RecordVersion.objects.filter(record=record).heads(statuses).first()
    if version is None:
        raise BkwError(404, errors.RECORD_NOT_FOUND, f"Record {record.id} has no version in {statuses}")
    version.record = record  # its answer reads the record: not again from the database
    return version


def find_version(schema: ContentSchema, key: str, statuses: list[str] | None = None) -> RecordVersion:
    """What a GET of record `key` returns (`lookup` of `find_record`): in one query when it is found by id."""
    if is_uuid(key):
        versions = RecordVersion.objects.filter(schema=schema, record_id=key).heads(statuses)
        if version := versions.select_related("record").first():
            return version
    return lookup(find_record(schema, key), statuses)  # by slug, or the 404 that says what is missing


@transaction.atomic
def create_record(schema: ContentSchema, data: dict[str, Any], *, by: dict[str, Any]) -> RecordVersion:
    status = data["status"]
    _check_status_allowed(schema, status)
    record = Record.objects.create(schema=schema, created_by=by)
    version = RecordVersion(record=record, schema=schema, number=1, status=status, updated_by=by)
    _apply_data(version, data, replace=True)
    if status == Status.PUBLISHED:
        version.published_at = version.updated_at
    _validate(version)
    version.save()
    refresh_heads(schema.pk, [record.pk])
    return version


@transaction.atomic
def update_record(
    schema: ContentSchema, record_id: Any, data: dict[str, Any], *, by: dict[str, Any]
) -> RecordVersion:
    """Update record `record_id` of `schema`, its row locked until the new state is written."""
    record = schema.records.select_for_update().filter(id=record_id).first()
    if record is None:
        raise BkwError(
            404, errors.RECORD_NOT_FOUND, f"Record {record_id} not found in schema {schema.app_id}"
        )
    record.schema = schema
    version = _update_record(record, data, by=by)
    refresh_heads(schema.pk, [record.pk])
    return version


def listing(schema_id: Any) -> str:
    """What a count of the schema's records is good for: a token that changes with every record write."""
    key = f"sandbox:records-listing:{schema_id}"
    if (token := cache.get(key)) is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key) or uuid.uuid4().hex  # a cache that keeps nothing: every list counts
    return str(token)


def records_changed(schema_ids: set[Any]) -> None:
    """The schemas' lists changed: forget their counts (a list counted meanwhile keeps the old count)."""
    forget_keys([f"sandbox:records-listing:{schema_id}" for schema_id in schema_ids])


def refresh_heads(schema_id: Any, record_ids: list[Any]) -> None:
    """Set each version's is_latest and is_listed (the published version, else the latest) from its record,
    for records of one schema, in one UPDATE."""
    latest = Subquery(Record.objects.filter(pk=OuterRef("record_id")).values("latest_version")[:1])
    published = RecordVersion.objects.filter(record_id=OuterRef("record_id"), status=Status.PUBLISHED)
    listed = Coalesce(Subquery(published.order_by("-number").values("number")[:1]), latest)
    RecordVersion.objects.filter(record_id__in=record_ids).update(
        is_latest=Case(When(number=latest, then=Value(True)), default=Value(False)),
        is_listed=Case(When(number=listed, then=Value(True)), default=Value(False)),
    )
    records_changed({schema_id})


def _update_record(record: Record, data: dict[str, Any], *, by: dict[str, Any]) -> RecordVersion:
    schema = record.schema
    target = _target(record, data.get("fromState"))
    target.record, target.schema = record, schema  # read by the checks and the answer: not read again
    sent_at = data.get("lastUpdatedAt")
    if sent_at is not None and sent_at != target.updated_at:
        raise BkwError(
            409,
            errors.CONFLICT,
            "The record was updated since you fetched it; your update is ignored",
            field="lastUpdatedAt",
            details={"updatedAt": iso(target.updated_at)},
        )
    new_status = data.get("status") or target.status
    changes_data = any(data.get(key) is not None for key in DATA_KEYS)
    _check_status_allowed(schema, new_status)
    if new_status == Status.UNPUBLISHED and changes_data:
        raise BkwError(400, errors.UNPUBLISH_WITH_DATA, "When unpublishing a record, you can't edit any data")
    if not schema.is_simple:
        if target.status == Status.PUBLISHED and new_status == Status.DRAFT:
            return _new_draft(record, target, data, by=by)
        if target.status == Status.PUBLISHED and new_status != Status.UNPUBLISHED and changes_data:
            raise BkwError(
                400,
                errors.PUBLISHED_NOT_EDITABLE,
                "A published record can't be edited directly; "
                "change its status to DRAFT to start a new version",
            )
        if target.status == Status.PUBLISHED and new_status == Status.SCHEDULED:
            raise BkwError(
                400, errors.TRANSITION_REFUSED, "Change the published record to DRAFT before scheduling"
            )
        if target.status == Status.UNPUBLISHED and new_status in (Status.PUBLISHED, Status.SCHEDULED):
            raise BkwError(
                400,
                errors.TRANSITION_REFUSED,
                "An unpublished record can't be published immediately; change its status to DRAFT first",
            )
    old_status = target.status
    _apply_data(target, data, replace=False)
    target.status = new_status
    target.updated_by = by
    _validate(target)
    if new_status == Status.PUBLISHED and old_status != Status.PUBLISHED:
        _publish(target)
    target.save()
    return target


def _target(record: Record, from_state: str | None) -> RecordVersion:
    versions = RecordVersion.objects.filter(record=record).current()
    if from_state:
        version = versions.filter(status=from_state).order_by("-number").first()
        if version is None:
            raise BkwError(
                404, errors.VERSION_NOT_FOUND, f"The record has no current version in {from_state}"
            )
        return version
    return versions.get(number=record.latest_version)


def _new_draft(
    record: Record, published: RecordVersion, data: dict[str, Any], *, by: dict[str, Any]
) -> RecordVersion:
    if record.latest_version != published.number:
        raise BkwError(
            409,
            errors.TRANSITION_REFUSED,
            f"The record already has a newer version ({record.latest_version}); update that one",
        )
    draft = RecordVersion(
        record=record,
        schema=record.schema,
        number=published.number + 1,
        status=Status.DRAFT,
        slug=published.slug,
        name=published.name,
        values=dict(published.values),
        updated_by=by,
    )
    _apply_data(draft, data, replace=False)
    _validate(draft)
    draft.save()
    record.latest_version = draft.number
    record.save(update_fields=["latest_version"])
    return draft


def _publish(version: RecordVersion, at: datetime | None = None) -> None:
    """Make `version` the published one; the version it replaces is unpublished."""
    RecordVersion.objects.filter(record_id=version.record_id, status=Status.PUBLISHED).exclude(
        pk=version.pk
    ).update(status=Status.UNPUBLISHED)
    version.status = Status.PUBLISHED
    version.published_at = at or now_ms()


def _check_status_allowed(schema: ContentSchema, status: str) -> None:
    if schema.is_simple and status not in (Status.PUBLISHED, Status.UNPUBLISHED):
        raise BkwError(
            400,
            errors.TRANSITION_REFUSED,
            f"Records of the simple schema {schema.app_id} are PUBLISHED or UNPUBLISHED, not {status}",
            field="status",
        )


def _apply_data(version: RecordVersion, data: dict[str, Any], *, replace: bool) -> None:
    """Copy the sent values, slug, name and schedule onto `version` (all of them when `replace`)."""
    for key, attribute in (("values", "values"), ("slug", "slug"), ("name", "name")):
        if replace or data.get(key) is not None:
            setattr(version, attribute, data.get(key) if key != "values" else dict(data.get(key) or {}))
    if replace or data.get("schedule") is not None:
        version.schedule = normalize_schedule(data.get("schedule"))
    if replace or data.get("actionOnSchedule") is not None:
        version.action_on_schedule = data.get("actionOnSchedule")
    version.updated_at = now_ms()


def _validate(version: RecordVersion) -> None:
    schema = version.schema
    if version.slug is not None:
        check_slug(schema, version.slug, version.record_id)
    if version.name is not None and not 1 <= len(version.name) <= 255:
        raise errors.invalid("The name takes 1 to 255 characters", field="name")
    if version.status == Status.SCHEDULED and not (
        version.action_on_schedule == "PUBLISH" and version.schedule and version.schedule.get("startAt")
    ):
        raise errors.invalid(
            "A SCHEDULED record needs actionOnSchedule PUBLISH and a schedule with startAt", field="schedule"
        )
    definitions = schema.fields
    require = version.status in (Status.PUBLISHED, Status.SCHEDULED)
    try:
        version.values = fields.validate_values(
            definitions, version.values, require=require, relation_exists=relation_checker(schema)
        )
    except fields.FieldErrors as exc:
        raise errors.from_field_errors(exc.errors, "values") from exc
    version.schema_version = schema.version
    _index(version)


def _index(version: RecordVersion) -> None:
    definitions = version.schema.fields
    version.title = fields.record_name(definitions, version.values, version.name)[:255]
    version.search_text = fields.search_text(definitions, version.values)


def relation_checker(schema: ContentSchema) -> Any:
    def exists(app_id: str, record_id: str) -> bool:
        return (
            is_uuid(record_id)
            and Record.objects.filter(
                schema__workspace_id=schema.workspace_id, schema__app_id=app_id, id=record_id
            ).exists()
        )

    return exists


def check_slug(schema: ContentSchema, slug: str, record_id: Any) -> None:
    if not 6 <= len(slug) <= 40:
        raise errors.invalid("The slug takes 6 to 40 characters", field="slug")
    if not SLUG.fullmatch(slug):
        raise errors.invalid(
            "The slug may hold letters, digits, _ and -, and may not start with __", field="slug"
        )
    if is_uuid(slug):
        raise errors.invalid("The slug can't be a UUID", field="slug")
    taken = RecordVersion.objects.current().filter(schema=schema, slug=slug).exclude(record_id=record_id)
    if taken.exists():
        raise BkwError(409, errors.SLUG_TAKEN, f"The slug {slug} is used by another record", field="slug")


def normalize_schedule(schedule: Any) -> dict[str, str] | None:
    """`{"startAt": …, "endAt": …}` in one format, so the database compares them as strings."""
    if schedule is None:
        return None
    if not isinstance(schedule, dict) or set(schedule) - {"startAt", "endAt"}:
        raise errors.invalid("A schedule is {startAt, endAt} with ISO 8601 date-times", field="schedule")
    out: dict[str, str] = {}
    for key in ("startAt", "endAt"):
        if schedule.get(key) is None:
            continue
        value = parse_datetime(str(schedule[key]))
        if value is None or value.tzinfo is None:
            raise errors.invalid(
                f"{key} must be an ISO 8601 date-time with a time zone", field=f"schedule.{key}"
            )
        out[key] = iso(value.astimezone(now_ms().tzinfo))  # type: ignore[assignment]  # only iso(None) is None
    if "startAt" in out and "endAt" in out and out["endAt"] <= out["startAt"]:
        raise errors.invalid("endAt must be after startAt", field="schedule.endAt")
    return out


def _windows() -> tuple[Q, Q]:
    """The scheduled versions whose window has opened, and the published ones whose window has closed."""
    now = iso(now_ms())
    opened = Q(status=Status.SCHEDULED, action_on_schedule="PUBLISH", schedule__startAt__lte=now)
    closed = Q(status=Status.PUBLISHED, schedule__endAt__lte=now)
    return opened, closed


def schedules_due(schema: Any) -> Exists:
    """Whether `schema` (a row, or OuterRef("pk") while reading it) has versions apply_schedules moves."""
    opened, closed = _windows()
    return Exists(RecordVersion.objects.filter(schema=schema, schedule__isnull=False).filter(opened | closed))


def apply_schedules(schema: ContentSchema) -> None:
    """Publish the SCHEDULED versions whose window has opened; unpublish those whose window closed.

    Run whenever a schema is found (routes.common.find_schema), so what a client reads is up to date.
    """
    opened, closed = _windows()
    scheduled = RecordVersion.objects.filter(schema=schema, schedule__isnull=False)
    for version in scheduled.filter(opened):
        with transaction.atomic():
            schedule = cast(dict[str, Any], version.schedule)  # not null: filtered above
            _publish(version, at=parse_datetime(schedule["startAt"]))
            version.save(update_fields=["status", "published_at"])
            refresh_heads(schema.pk, [version.record_id])
    ended = scheduled.filter(closed)
    ids = list(ended.values_list("record_id", flat=True))
    if ids:
        ended.update(status=Status.UNPUBLISHED)
        refresh_heads(schema.pk, ids)


@transaction.atomic
def duplicate_record(record: Record, *, by: dict[str, Any]) -> RecordVersion:
    source = lookup(record)
    schema = record.schema
    copy = Record.objects.create(schema=schema, created_by=by)
    slug = f"{source.slug}-copy" if source.slug and len(source.slug) <= 35 else None
    if slug and RecordVersion.objects.current().filter(schema=schema, slug=slug).exists():
        slug = None
    version = RecordVersion(
        record=copy,
        schema=schema,
        number=1,
        # A copy never goes live by itself.
        status=Status.UNPUBLISHED if schema.is_simple else Status.DRAFT,
        slug=slug,
        name=f"{source.title} - copy"[:255],
        values=dict(source.values),
        updated_by=by,
    )
    _index(version)
    version.save()
    refresh_heads(schema.pk, [copy.pk])
    return version


IDENTIFIER_TYPES = ("ID", "SLUG", "FIELD")


def upsert(
    schema: ContentSchema, item: dict[str, Any], *, partial: bool, by: dict[str, Any]
) -> RecordVersion:
    """Create or update one record of a simple schema by its identifier (A1–A4)."""
    if not schema.is_simple:
        raise BkwError(400, errors.SIMPLE_SCHEMAS_ONLY, "Upserts are for simple schemas only")
    with transaction.atomic():
        record = _find_by_identifier(schema, item["identifier"])
        if record is None:
            record_id = item["identifier"]["value"] if item["identifier"]["type"] == "ID" else None
            record = Record.objects.create(id=record_id or uuid.uuid4(), schema=schema, created_by=by)
            version = RecordVersion(record=record, schema=schema, number=1, status=Status.PUBLISHED)
            version.published_at = now_ms()
        else:
            version = RecordVersion.objects.get(record=record, number=record.latest_version)
        if partial:
            merged = {**version.values, **item["values"]}
            _apply_data(version, {**item, "values": merged}, replace=False)
        else:
            _apply_data(version, {**item, "status": version.status}, replace=True)
        version.updated_by = by
        if version.slug is not None:
            check_slug(schema, version.slug, record.id)
        try:
            version.values = fields.validate_values(
                schema.fields,
                version.values,
                require=not partial,
                check_limits=not partial,
                relation_exists=relation_checker(schema),
            )
        except fields.FieldErrors as exc:
            raise errors.from_field_errors(exc.errors, "values") from exc
        version.schema_version = schema.version
        _index(version)
        version.save()
        refresh_heads(schema.pk, [record.pk])
        return version


def _find_by_identifier(schema: ContentSchema, identifier: dict[str, Any]) -> Record | None:
    kind, value = identifier["type"], identifier["value"]
    versions = RecordVersion.objects.current().filter(schema=schema)
    if kind == "ID":
        if not is_uuid(str(value)):
            raise errors.invalid("An ID identifier's value is a UUID", field="identifier.value")
        return schema.records.filter(id=value).first()
    if kind == "SLUG":
        version = versions.filter(slug=value).first()
    else:
        name = identifier.get("field") or ""
        if name not in schema.fields:
            raise errors.invalid(f"The schema has no field {name!r}", field="identifier.field")
        version = versions.filter(**{f"values__{name}": value}).first()
    return version.record if version else None
