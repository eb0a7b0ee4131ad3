"""Synerise authentication: workspace API-key login, token refresh, user login and workspace selection.

Reference: shared/spec/synerise-auth-automation-catalogs.md §1. Paths the doc does not state are decided
in docs/api-decisions.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

from apps.connections.wire import SyneriseBase
from apps.core.http import build_http, present


class TokenResponse(BaseModel):
    """A6 and the workspace-token refresh: `{"token"}`."""

    token: str


class Consumer(BaseModel):
    """Who a user token speaks for (A1 sample); `roles` is a string in the doc's sample."""

    type: str = ""
    name: str = ""
    businessProfileId: int | None = None
    id: int | None = None
    authorities: list[str] = []
    roles: str | list[str] | None = None


class UserLoginResponse(BaseModel):
    """A1, A2 and A3."""

    token: str
    consumer: Consumer | None = None


class WorkspaceFields(BaseModel):
    """What A4's items and A5's `data` share."""

    businessProfileGuid: str
    name: str
    id: int | None = None
    logo: str | None = None
    created: datetime | None = None
    subdomain: str | None = None


class Workspace(WorkspaceFields):
    """One item of A4 (`ipRestricted`, `mfaRequired` are booleans there)."""

    ipRestricted: bool | None = None
    mfaRequired: bool | None = None


class SelectedWorkspace(WorkspaceFields):
    """A5's `data`: as A4, but `ipRestriction` and `mfaRestriction` are strings ("OFF"); 000 adds `labels`."""

    ipRestriction: str | None = None
    mfaRestriction: str | None = None
    labels: list[str] = []


class CurrentWorkspace(BaseModel):
    """A5; `data` is null before a workspace is chosen (docs/api-decisions.md)."""

    selected: bool
    data: SelectedWorkspace | None = None


_workspaces = TypeAdapter(list[Workspace])


class SyneriseAuthClient(SyneriseBase):
    @classmethod
    def for_url(cls, base_url: str, **options: Any) -> SyneriseAuthClient:
        return cls(build_http(base_url, **options))

    def login_workspace(self, api_key: str) -> TokenResponse:
        # Reference: §1.3 A6, POST /uauth/v2/auth/login/profile {"apiKey"}.
        response = self.request("POST", "uauth/v2/auth/login/profile", json={"apiKey": api_key})
        return self.parse(TokenResponse, response)

    def refresh_workspace_token(self, token: str) -> TokenResponse:
        # Reference: §1.2 note on A6, php-sdk's GET /v4/auth/refresh/profile with the current token.
        response = self.request("GET", "v4/auth/refresh/profile", headers=_bearer(token))
        return self.parse(TokenResponse, response)

    def login_user(
        self,
        username: str,
        password: str,
        *,
        device_id: str | None = None,
        external_provider_token: str | None = None,
        external_provider_type: Literal["GOOGLE"] | None = None,
    ) -> UserLoginResponse:
        # Reference: §1.3 A1, POST /uauth/auth/login/user.
        body = present(
            username=username,
            password=password,
            deviceId=device_id,
            externalProviderToken=external_provider_token,
            externalProviderType=external_provider_type,
        )
        return self.parse(UserLoginResponse, self.request("POST", "uauth/auth/login/user", json=body))

    def select_workspace(self, user_token: str, workspace_uuid: str) -> UserLoginResponse:
        # Reference: §1.3 A3, POST /uauth/auth/login/user/profile/{businessProfileUUID}.
        path = "uauth/auth/login/user/profile/{}"
        response = self.request("POST", path, workspace_uuid, headers=_bearer(user_token))
        return self.parse(UserLoginResponse, response)

    def list_workspaces(self, user_token: str) -> list[Workspace]:
        # Reference: §1.3 A4, GET /uauth/business-profile/ (trailing slash as in the doc).
        response = self.request("GET", "uauth/business-profile/", headers=_bearer(user_token))
        return self.parse(_workspaces, response)

    def current_workspace(self, token: str) -> CurrentWorkspace:
        # Reference: §1.3 A5, GET /uauth/business-profile/current.
        response = self.request("GET", "uauth/business-profile/current", headers=_bearer(token))
        return self.parse(CurrentWorkspace, response)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
