"""The flows API (automations and self-service actions). Reference: shared/spec/flows.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from apps.connections.wire import FlowsBase
from apps.core.http import present

T = TypeVar("T")


class Condition(BaseModel):
    """flows.md §3.6, known only from the example; `expression` is a boolean there.

    The nested objects keep keys the doc does not show (extra="allow"), so a flow replaced whole (an
    upsert) sends them back instead of dropping them.
    """

    model_config = ConfigDict(extra="allow")

    field: str | None = None
    expression: Any = None
    operator: str | None = None
    value: Any = None  # NOT IN DOC: what `field` is compared with (docs/api-decisions.md, "Flows")


class Event(BaseModel):
    """flows.md §3.5."""

    model_config = ConfigDict(extra="allow")

    resource: str | None = None
    action: list[str] = []


class Trigger(BaseModel):
    """flows.md §3.4: only `onEvent` is shown, and no field is marked required."""

    model_config = ConfigDict(extra="allow")

    type: str | None = None
    conditions: list[Condition] = []
    event: Event | None = None


class Action(BaseModel):
    """flows.md §3.7: only `upsertResource` is shown, and no field is marked required."""

    model_config = ConfigDict(extra="allow")

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


class FlowInput(BaseModel):
    """flows.md §3.1, the body of Create and Upsert Flow; an upsert replaces the whole flow."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    title: str
    type: str
    description: str | None = None
    icon: str | None = None
    is_active: bool | None = Field(default=None, alias="isActive")
    needs_approval: bool | None = Field(default=None, alias="needsApproval")
    order: int | None = None
    arguments: Any = None
    secrets: Any = None
    triggers: list[Trigger] | None = None
    actions: list[Action] | None = None
    outputs: Any = None
    tags: list[Tag] | None = None


class CursorPage(BaseModel, Generic[T]):
    """flows.md §6: the cursors are snake_case and null where there is no such page."""

    items: list[T]
    total: int | None = None
    current_page: str | None = None
    current_page_backwards: str | None = None
    previous_page: str | None = None
    next_page: str | None = None


FlowPage = CursorPage[Flow]


class Suggestion(BaseModel):
    """flows.md §4.2. Even `id` is optional in the doc; the enums are open strings here."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = None
    title: str
    description: str | None = None
    origin_type: str = Field(alias="originType")
    origin_id: str = Field(alias="originId")
    source_type: str = Field(alias="sourceType")
    source_id: str = Field(alias="sourceId")
    source_context: Any = Field(default=None, alias="sourceContext")
    target_type: str = Field(alias="targetType")
    target_id: str = Field(alias="targetId")
    target_context: Any = Field(default=None, alias="targetContext")
    target_id_override: str | None = Field(default=None, alias="targetIdOverride")
    data: Any = None
    ignored: bool | None = None
    auto_apply: bool | None = Field(default=None, alias="autoApply")
    last_applied_at: datetime | None = Field(default=None, alias="lastAppliedAt")
    created_at: datetime | None = Field(default=None, alias="createdAt")
    created_by: Any = Field(default=None, alias="createdBy")
    updated_at: datetime | None = Field(default=None, alias="updatedAt")
    updated_by: Any = Field(default=None, alias="updatedBy")
    additional_info: Any = Field(default=None, alias="additionalInfo")

    @property
    def target(self) -> str:
        """Where an apply writes unless told otherwise (docs/api-decisions.md)."""
        return self.target_id_override or self.target_id


class SuggestionInput(BaseModel):
    """flows.md §4.1: the body of Create and Upsert Suggestion."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = None
    title: str
    description: str | None = None
    origin_type: str = Field(default="automation", alias="originType")
    origin_id: str = Field(alias="originId")
    source_type: str = Field(default="entity", alias="sourceType")
    source_id: str = Field(alias="sourceId")
    source_context: Any = Field(default=None, alias="sourceContext")
    target_type: str = Field(default="entity", alias="targetType")
    target_id: str = Field(alias="targetId")
    target_context: Any = Field(default=None, alias="targetContext")
    target_id_override: str | None = Field(default=None, alias="targetIdOverride")
    data: Any = None
    ignored: bool | None = None
    auto_apply: bool | None = Field(default=None, alias="autoApply")
    # §4.1 lists it in the body too; left out, the server keeps its own (docs/api-decisions.md).
    last_applied_at: datetime | None = Field(default=None, alias="lastAppliedAt")


SuggestionPage = CursorPage[Suggestion]


class ApplyResult(BaseModel):
    """flows.md §5.2: the target's state before and after; `ignored` means nothing was written."""

    model_config = ConfigDict(populate_by_name=True)

    dry_run: bool | None = Field(default=None, alias="dryRun")
    ignored: bool | None = None
    previous_state: Any = Field(default=None, alias="previousState")
    new_state: Any = Field(default=None, alias="newState")


def _body(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _page(size: int, cursor: str | None, **filters: Any) -> dict[str, Any]:
    return present(size=size, cursor=cursor or None, **filters)


class FlowsClient(FlowsBase):
    """Build it on a signed client: `FlowsClient(connections.services.http_for(connection))`."""

    def list_flows(
        self,
        *,
        size: int = 50,
        cursor: str | None = None,
        type: str | None = None,
        is_active: bool | None = None,
    ) -> FlowPage:
        # Reference: flows.md §2 #1 and §6 (CursorPage with `cursor` and `size`); the filters are ours
        # (docs/api-decisions.md).
        active = None if is_active is None else str(is_active).lower()
        params = _page(size, cursor, type=type or None, isActive=active)
        return self.parse(FlowPage, self.request("GET", "flows", params=params))

    def create_flow(self, flow: FlowInput) -> Flow:
        # Reference: flows.md §2 #2: the client supplies the id; an id in use is a 409 (ours).
        return self.parse(Flow, self.request("POST", "flows", json=_body(flow)))

    def get_flow(self, flow_id: str) -> Flow:
        # Reference: flows.md §2 #3.
        return self.parse(Flow, self.request("GET", "flows/{}", flow_id))

    def upsert_flow(self, flow: FlowInput) -> Flow:
        # Reference: flows.md §2 #4: a full replacement; fields left out are cleared.
        return self.parse(Flow, self.request("PUT", "flows/{}", flow.id, json=_body(flow)))

    def delete_flow(self, flow_id: str) -> None:
        # Reference: flows.md §2 #5: no success body is documented.
        self.request("DELETE", "flows/{}", flow_id)

    def list_suggestions(
        self, *, size: int = 50, cursor: str | None = None, origin_id: str | None = None
    ) -> SuggestionPage:
        # Reference: flows.md §2 #6 and §6.
        params = _page(size, cursor, originId=origin_id or None)
        return self.parse(SuggestionPage, self.request("GET", "suggestions", params=params))

    def create_suggestion(self, suggestion: SuggestionInput) -> Suggestion:
        # Reference: flows.md §2 #7: without an id the server makes one.
        return self.parse(Suggestion, self.request("POST", "suggestions", json=_body(suggestion)))

    def get_suggestion(self, suggestion_id: str) -> Suggestion:
        # Reference: flows.md §2 #8.
        return self.parse(Suggestion, self.request("GET", "suggestions/{}", suggestion_id))

    def upsert_suggestion(self, suggestion_id: str, suggestion: SuggestionInput) -> Suggestion:
        # Reference: flows.md §2 #9: a full replacement.
        path = "suggestions/{}"
        return self.parse(Suggestion, self.request("PUT", path, suggestion_id, json=_body(suggestion)))

    def delete_suggestion(self, suggestion_id: str) -> None:
        # Reference: flows.md §2 #10.
        self.request("DELETE", "suggestions/{}", suggestion_id)

    def apply_suggestion(
        self, suggestion_id: str, *, target_id_override: str | None = None, dry_run: bool = False
    ) -> ApplyResult:
        # Reference: flows.md §5: body `{targetIdOverride}`; the dry-run flag's name is ours.
        body = {"targetIdOverride": target_id_override} if target_id_override else {}
        params = {"dryRun": "true"} if dry_run else None
        response = self.request("POST", "suggestions/{}/apply", suggestion_id, json=body, params=params)
        return self.parse(ApplyResult, response)
