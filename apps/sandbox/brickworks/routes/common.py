"""What the Brickworks route modules share: who is asking, paging, sorting, and finding a schema."""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.sandbox.brickworks import errors, wire
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.models import ContentSchema
from apps.sandbox.brickworks.records import is_uuid
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


def count(queryset: QuerySet[Any], token: str) -> int:
    sql, values = queryset.order_by().query.sql_with_params()
    key = "sandbox:count:" + hashlib.sha256(f"{token}|{sql}|{values!r}".encode()).hexdigest()
    if (total := cache.get(key)) is None:
        total = queryset.count()
        cache.set(key, total, 3600)
    return int(total)


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
