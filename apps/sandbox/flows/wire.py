"""The flows API's wire (flows.md §3-§6): its bodies, as FastAPI's pydantic models would validate them,
its answers, and its cursor pages."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from ninja.errors import ValidationError
from pydantic import BaseModel, ConfigDict, field_validator

from apps.sandbox.flows.models import Flow, Suggestion

FlowType = Literal["automation", "selfServiceAction", "scorecard", "reference"]  # §3.3


class Condition(BaseModel):
    # §8: at least the fields shown; others are kept (ninja's Schema would drop them)
    model_config = ConfigDict(extra="allow")

    field: str | None = None
    expression: Any = None
    operator: str | None = None
    value: Any = None  # NOT IN DOC: the compared value, as the dashboard writes it


class Event(BaseModel):
    # §8: at least the fields shown; others are kept (ninja's Schema would drop them)
    model_config = ConfigDict(extra="allow")

    resource: str | None = None
    action: list[str] = []


class Trigger(BaseModel):
    # §8: at least the fields shown; others are kept (ninja's Schema would drop them)
    model_config = ConfigDict(extra="allow")

    # §8: unknown trigger and action types are accepted, only one of each is documented.
    type: str | None = None
    conditions: list[Condition] = []
    event: Event | None = None


class Action(BaseModel):
    # §8: at least the fields shown; others are kept (ninja's Schema would drop them)
    model_config = ConfigDict(extra="allow")

    type: str | None = None
    id: str | None = None
    title: str | None = None
    description: str | None = None
    conditions: list[Condition] = []


class Tag(Schema):
    key: str | None = None
    value: str | None = None


class FlowIn(Schema):
    """§3.1, the body of Create and Upsert Flow: `id`, `title` and `type` are required."""

    id: str = Field(..., min_length=1, max_length=200)
    title: str = Field(..., min_length=1, max_length=500)
    description: str | None = None
    icon: str | None = None
    isActive: bool = True
    needsApproval: bool = False
    order: int | None = Field(None, ge=-(2**31), lt=2**31)
    type: FlowType
    arguments: Any = None
    secrets: Any = None
    triggers: list[Trigger] | None = None
    actions: list[Action] | None = None
    outputs: Any = None
    tags: list[Tag] | None = None


class FlowOut(FlowIn):
    """§3.2: the input fields, then who made and last changed it, and when."""

    createdAt: str
    createdBy: str | None = None
    updatedAt: str
    updatedBy: str | None = None


OriginType = Literal["automation"]  # §4.3: the only values the doc lists
EntityType = Literal["entity"]


class SuggestionIn(Schema):
    """§4.1: `id` is optional (generated when missing); seven fields are required."""

    id: str | None = Field(None, min_length=1, max_length=200)
    title: str = Field(..., min_length=1, max_length=500)
    description: str | None = None
    originType: OriginType
    originId: str
    sourceType: EntityType
    sourceId: str
    sourceContext: Any = None
    targetType: EntityType
    targetId: str = Field(..., min_length=1, max_length=200)
    targetContext: Any = None
    targetIdOverride: str | None = Field(None, max_length=200)
    data: Any = None
    ignored: bool = False
    autoApply: bool = False
    # Kept as sent; left out, the stored one stays. A string checked here, not a datetime annotation:
    # ninja builds its body model where that name would not resolve.
    lastAppliedAt: str | None = None

    @field_validator("lastAppliedAt")
    @classmethod
    def _aware(cls, value: str | None) -> str | None:
        if value is not None and aware(value) is None:
            raise ValueError("Input should be an ISO 8601 date-time with a time zone")
        return value


class SuggestionOut(SuggestionIn):
    """§4.2: the stamps are the server's; `additionalInfo` is response only."""

    lastAppliedAt: str | None = None
    createdAt: str
    createdBy: str | None = None
    updatedAt: str
    updatedBy: str | None = None
    additionalInfo: Any = None


class ApplyIn(Schema):
    targetIdOverride: str | None = Field(None, min_length=1, max_length=200)


class ApplyResult(Schema):
    """§5.2."""

    dryRun: bool = False
    ignored: bool = False
    previousState: Any = None
    newState: Any = None


class FlowPage(Schema):
    """§6 CursorPage<Flow>: snake_case cursors, null where there is no such page."""

    items: list[FlowOut]
    total: int | None = None
    current_page: str | None = None
    current_page_backwards: str | None = None
    previous_page: str | None = None
    next_page: str | None = None


class SuggestionPage(Schema):
    items: list[SuggestionOut]
    total: int | None = None
    current_page: str | None = None
    current_page_backwards: str | None = None
    previous_page: str | None = None
    next_page: str | None = None


class PageParams(Schema):
    cursor: str | None = Field(None, description="Cursor for the next page")
    size: int = Field(50, ge=0, le=100, description="Page size")


class FlowFilters(PageParams):
    # Not in the doc (§2): the dashboard's filters; a server without them would ignore them.
    type: FlowType | None = None
    isActive: bool | None = None


class SuggestionFilters(PageParams):
    originId: str | None = None


# Answers


def flow_out(flow: Flow) -> dict[str, Any]:
    return {
        **flow.data,
        "id": flow.id,
        "title": flow.title,
        "type": flow.type,
        "isActive": flow.is_active,
        "createdAt": stamp(flow.created_at),
        "createdBy": flow.created_by or None,
        "updatedAt": stamp(flow.updated_at),
        "updatedBy": flow.updated_by or None,
    }


def suggestion_out(suggestion: Suggestion) -> dict[str, Any]:
    return {
        **suggestion.data,
        "id": suggestion.id,
        "title": suggestion.title,
        "lastAppliedAt": stamp(suggestion.last_applied_at),
        "createdAt": stamp(suggestion.created_at),
        "createdBy": suggestion.created_by or None,
        "updatedAt": stamp(suggestion.updated_at),
        "updatedBy": suggestion.updated_by or None,
    }


def invalid(where: str, field: str, message: str, kind: str = "value_error") -> ValidationError:
    return ValidationError([{"loc": (where, field), "msg": message, "type": kind}])


def stamp(moment: datetime | None) -> str | None:
    """§1: ISO 8601 UTC with milliseconds and Z."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# Cursors (§6, inferred): a direction and the id it starts from, base64 of JSON, opaque to clients.
AFTER, BEFORE, FROM, UNTIL = "after", "before", "from", "until"


def cursor(direction: str, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([direction, key]).encode()).decode()


def read_cursor(text: str) -> tuple[str, str]:
    try:
        direction, key = json.loads(base64.urlsafe_b64decode(text.encode()).decode())
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        raise invalid("query", "cursor", "Invalid cursor value") from None
    if direction not in (AFTER, BEFORE, FROM, UNTIL) or not isinstance(key, str) or "\x00" in key:
        raise invalid("query", "cursor", "Invalid cursor value")
    return direction, key


def cursor_page(
    rows: QuerySet[Any], *, at: str | None, size: int, out: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `rows` in id order, with the four cursors of §6 (null where there is no such page)."""
    direction, key = read_cursor(at) if at else (AFTER, None)
    if direction in (BEFORE, UNTIL):
        lookup = "id__lt" if direction == BEFORE else "id__lte"
        page: list[Model] = list(rows.filter(**{lookup: key}).order_by("-id")[:size])[::-1]
    else:
        ahead = (
            rows.filter(**{"id__gt" if direction == AFTER else "id__gte": key}) if key is not None else rows
        )
        page = list(ahead.order_by("id")[:size])
    if not page:
        return {"items": [], "total": rows.count(), "current_page": at}
    first, last = page[0].pk, page[-1].pk
    return {
        "items": [out(row) for row in page],
        "total": rows.count(),
        "current_page": cursor(FROM, first),
        "current_page_backwards": cursor(UNTIL, last),
        "previous_page": cursor(BEFORE, first) if rows.filter(id__lt=first).exists() else None,
        "next_page": cursor(AFTER, last) if rows.filter(id__gt=last).exists() else None,
    }


def aware(value: str) -> datetime | None:
    """An ISO 8601 date-time with its zone (`Z` or an offset), or None."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
