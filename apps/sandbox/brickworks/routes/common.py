"""What the Brickworks route modules share: who is asking, paging, sorting, and finding a schema."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from typing import Any

from django.core.cache import cache
from django.db.models import F, OuterRef, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest

from apps.sandbox.brickworks import errors, records, wire
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.models import ContentSchema
from apps.sandbox.models import Workspace


def workspace(request: HttpRequest) -> Workspace:
    found: Workspace = request.auth.workspace  # type: ignore[attr-defined]  # set by the API's auth
    return found


def actor(request: HttpRequest) -> dict[str, Any]:
    """createdBy / updatedBy: who made the change (the doc leaves the object's content open)."""
    principal = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    if principal.user is not None:
        return {"type": "USER", "id": principal.user.pk, "name": principal.user.name}
    return {"type": "WORKSPACE", "id": principal.workspace.pk, "name": principal.workspace.name}


def paginate(
    queryset: QuerySet[Any], params: wire.Page, render: Any, *, counted: str | None = None
) -> dict[str, Any]:
    """The list envelope `{meta, data}`; the keys of `meta` are ours (spec §4.9 leaves them open).

    `counted`: a token that changes with every write to the listed rows (`records.listing`); the
    count of the same query under the same token is kept, as COUNT(*) grows with the rows.
    """
    total = count(queryset, counted) if counted else queryset.count()
    start = (params.page - 1) * params.limit
    # The page's keys first (an index scan), then those rows with their joins.
    keys = page_keys(queryset, start, params.limit, counted)
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


def count(queryset: QuerySet[Any], token: str) -> int:
    sql, values = queryset.order_by().query.sql_with_params()
    key = "sandbox:count:" + hashlib.sha256(f"{token}|{sql}|{values!r}".encode()).hexdigest()
    if (total := cache.get(key)) is None:
        total = queryset.count()
        cache.set(key, total, 3600)
    return int(total)


# A page deeper than this starts from the row at the last multiple of it before the page (an anchor), not
# from the first row: OFFSET walks every row it skips (50 ms at row 500,000 of a list, 3 ms at row 50,000).
ANCHOR_STEP = 1000
# The columns an anchored page can start from: never null, on the listed table itself.
ANCHORABLE = {"pk", "list_rank", "updated_at", "title", "record_id", "number"}


def page_keys(queryset: QuerySet[Any], start: int, limit: int, token: str | None) -> list[Any]:
    """The primary keys of the rows from `start`, at most `limit`, in the queryset's order.

    A deep page of a list with a `token` (`records.listing`, which changes with every write to it) starts
    from its anchor: the sort values of the row at the last multiple of ANCHOR_STEP before `start`, read
    once for the token in one pass and kept; the rows at or after the anchor are index ranges.
    """
    fields = _sort_fields(queryset)
    if token is None or fields is None or start < ANCHOR_STEP:
        return list(queryset.values_list("pk", flat=True)[start : start + limit])
    anchors = _anchors(queryset, fields, token)
    if not anchors:
        return []
    step = min(start // ANCHOR_STEP, len(anchors) - 1)
    skip, keys = start - step * ANCHOR_STEP, list[Any]()
    for part in _from(queryset, fields, anchors[step]):
        keys += part.values_list("pk", flat=True)[: skip + limit - len(keys)]
        if len(keys) >= skip + limit:
            break
    return keys[skip : skip + limit]


def _sort_fields(queryset: QuerySet[Any]) -> list[tuple[str, bool]] | None:
    """The queryset's order as (field, descending) pairs, or None when a page cannot start from an
    anchor (a nullable or joined field, or no primary key last to break ties)."""
    fields = []
    for item in queryset.query.order_by:
        if isinstance(item, str):
            name, descending = item.lstrip("-"), item.startswith("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
        else:
            return None
        if name not in ANCHORABLE:
            return None
        fields.append((name, descending))
    return fields if fields and fields[-1][0] == "pk" else None


def _anchors(queryset: QuerySet[Any], fields: list[tuple[str, bool]], token: str) -> list[tuple[Any, ...]]:
    sql, values = queryset.query.sql_with_params()
    key = "sandbox:anchors:" + hashlib.sha256(f"{token}|{sql}|{values!r}|{ANCHOR_STEP}".encode()).hexdigest()
    if (anchors := cache.get(key)) is None:
        rows = queryset.values_list(*(name for name, _ in fields)).iterator(chunk_size=10_000)
        anchors = [row for place, row in enumerate(rows) if place % ANCHOR_STEP == 0]
        cache.set(key, anchors, 3600)
    return list(anchors)


def _from(
    queryset: QuerySet[Any], fields: list[tuple[str, bool]], anchor: tuple[Any, ...]
) -> Iterator[QuerySet[Any]]:
    """The rows at or after `anchor` in the queryset's order, as consecutive ranges an index serves: those
    equal to it on every field but the last and at or past it on that one, then those equal on every
    field but the last two and past it on the one before, and so on."""
    for depth in range(len(fields), 0, -1):
        same = {name: value for (name, _), value in zip(fields[: depth - 1], anchor, strict=False)}
        name, descending = fields[depth - 1]
        op = ("lte" if descending else "gte") if depth == len(fields) else ("lt" if descending else "gt")
        yield queryset.filter(**same, **{f"{name}__{op}": anchor[depth - 1]})


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
    """By id when `key` is a UUID, by appId otherwise (appIds can't be UUIDs: docs/api-decisions.md).

    Its scheduled versions are brought up to date first, so what a client reads of it is true now; whether
    any is due is asked in the same query.
    """
    schemas = ContentSchema.objects.filter(workspace=workspace(request))
    schemas = schemas.annotate(schedules_due=records.schedules_due(OuterRef("pk")))
    schema = schemas.filter(id=key).first() if records.is_uuid(key) else schemas.filter(app_id=key).first()
    if schema is None:
        raise BkwError(404, errors.SCHEMA_NOT_FOUND, f"Schema {key} not found")
    if schema.schedules_due:
        records.apply_schedules(schema)
    return schema
