"""The bodies of the flows API (flows.md §3-§6), as FastAPI's pydantic models would validate them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator

FlowType = Literal["automation", "selfServiceAction", "scorecard", "reference"]  # §3.3


class Condition(BaseModel):
    # §8: at least the fields shown; others are kept (ninja's Schema would drop them)
    model_config = ConfigDict(extra="allow")

    field: str | None = None
    expression: Any = None
    operator: str | None = None


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


def aware(value: str) -> datetime | None:
    """An ISO 8601 date-time with its zone (`Z` or an offset), or None."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
