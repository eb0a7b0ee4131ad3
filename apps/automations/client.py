"""The flows API (automations and self-service actions). Reference: shared/spec/flows.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apps.core.http import ApiClient


class Condition(BaseModel):
    """flows.md §3.6, known only from the example; `expression` is a boolean there."""

    field: str | None = None
    expression: Any = None
    operator: str | None = None


class Event(BaseModel):
    """flows.md §3.5."""

    resource: str | None = None
    action: list[str] = []


class Trigger(BaseModel):
    """flows.md §3.4: only `onEvent` is shown, and no field is marked required."""

    type: str | None = None
    conditions: list[Condition] = []
    event: Event | None = None


class Action(BaseModel):
    """flows.md §3.7: only `upsertResource` is shown, and no field is marked required."""

    type: str | None = None
    id: str | None = None
    title: str | None = None
    description: str | None = None
    conditions: list[Condition] = []


class Tag(BaseModel):
    """flows.md §3.8."""

    key: str | None = None
    value: str | None = None


class Flow(BaseModel):
    """flows.md §3.2. `createdAt`/`updatedAt` are marked required, but the sandbox leaves them out."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    title: str
    type: str
    description: str | None = None
    icon: str | None = None
    is_active: bool | None = Field(default=None, alias="isActive")
    needs_approval: bool | None = Field(default=None, alias="needsApproval")
    order: int | None = None
    # §3.9: documented by name only, so any JSON is kept as it came.
    arguments: Any = None
    secrets: Any = None
    outputs: Any = None
    triggers: list[Trigger] | None = None
    actions: list[Action] | None = None
    tags: list[Tag] | None = None
    created_at: datetime | None = Field(default=None, alias="createdAt")
    created_by: Any = Field(default=None, alias="createdBy")  # type not shown (§3.2)
    updated_at: datetime | None = Field(default=None, alias="updatedAt")
    updated_by: Any = Field(default=None, alias="updatedBy")


class FlowPage(BaseModel):
    """flows.md §6, `CursorPage<Flow>`: the cursors are snake_case and null where there is no such page."""

    items: list[Flow]
    total: int | None = None
    current_page: str | None = None
    current_page_backwards: str | None = None
    previous_page: str | None = None
    next_page: str | None = None


class FlowsClient(ApiClient):
    """Build it on a signed client: `FlowsClient(connections.services.http_for(connection))`."""

    def list_flows(self, *, size: int = 50, cursor: str | None = None) -> FlowPage:
        # Reference: flows.md §2 #1 and §6 (CursorPage with `cursor` and `size`).
        params: dict[str, str | int] = {"size": size}
        if cursor:
            params["cursor"] = cursor
        return self.parse(FlowPage, self.request("GET", "flows", params=params))
