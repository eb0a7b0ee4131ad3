"""The flows API (automations and self-service actions). Reference: shared/spec/flows.md."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apps.core.http import ApiClient, build_http


class Flow(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    title: str
    type: str
    is_active: bool | None = Field(default=None, alias="isActive")


class FlowPage(BaseModel):
    items: list[Flow]
    total: int | None = None
    next_page: str | None = None


class FlowsClient(ApiClient):
    @classmethod
    def for_api(cls, base_url: str, *, token: str = "", **options: Any) -> FlowsClient:
        # The doc names no auth; we send a bearer token when one is configured (docs/api-decisions.md).
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return cls(build_http(base_url, headers=headers, **options))

    def list_flows(self, *, size: int = 50, cursor: str | None = None) -> FlowPage:
        # Reference: flows.md §2 #1 and §6 (CursorPage with `cursor` and `size`).
        params: dict[str, str | int] = {"size": size}
        if cursor:
            params["cursor"] = cursor
        return FlowPage.model_validate_json(self.request("GET", "flows", params=params).content)
