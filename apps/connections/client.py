"""Synerise authentication: workspace API-key login, token refresh, user login and workspace selection.

Reference: shared/spec/synerise-auth-automation-catalogs.md §1. Paths the doc does not state are decided
in docs/api-decisions.md.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter

from apps.core.http import ApiClient, build_http


class TokenResponse(BaseModel):
    token: str


class Consumer(BaseModel):
    type: str = ""
    name: str = ""
    businessProfileId: int | None = None


class UserLoginResponse(BaseModel):
    token: str
    consumer: Consumer | None = None


class Workspace(BaseModel):
    businessProfileGuid: str
    name: str
    id: int | None = None


class CurrentWorkspace(BaseModel):
    selected: bool
    data: Workspace | None = None


_workspaces = TypeAdapter(list[Workspace])


class SyneriseAuthClient(ApiClient):
    @classmethod
    def for_url(cls, base_url: str, **options: Any) -> SyneriseAuthClient:
        return cls(build_http(base_url, **options))

    def login_workspace(self, api_key: str) -> TokenResponse:
        # Reference: §1.3 A6, POST /uauth/v2/auth/login/profile {"apiKey"}.
        response = self.request("POST", "uauth/v2/auth/login/profile", json={"apiKey": api_key})
        return TokenResponse.model_validate_json(response.content)

    def refresh_workspace_token(self, token: str) -> TokenResponse:
        # Reference: §1.2 note on A6, php-sdk's GET /v4/auth/refresh/profile with the current token.
        response = self.request("GET", "v4/auth/refresh/profile", headers=_bearer(token))
        return TokenResponse.model_validate_json(response.content)

    def login_user(self, username: str, password: str) -> UserLoginResponse:
        # Reference: §1.3 A1, POST /uauth/auth/login/user.
        body = {"username": username, "password": password}
        return UserLoginResponse.model_validate_json(
            self.request("POST", "uauth/auth/login/user", json=body).content
        )

    def select_workspace(self, user_token: str, workspace_uuid: str) -> UserLoginResponse:
        # Reference: §1.3 A3, POST /uauth/auth/login/user/profile/{businessProfileUUID}.
        path = f"uauth/auth/login/user/profile/{workspace_uuid}"
        return UserLoginResponse.model_validate_json(
            self.request("POST", path, headers=_bearer(user_token)).content
        )

    def list_workspaces(self, user_token: str) -> list[Workspace]:
        # Reference: §1.3 A4, GET /uauth/business-profile/ (trailing slash as in the doc).
        return _workspaces.validate_json(
            self.request("GET", "uauth/business-profile/", headers=_bearer(user_token)).content
        )

    def current_workspace(self, token: str) -> CurrentWorkspace:
        # Reference: §1.3 A5, GET /uauth/business-profile/current.
        response = self.request("GET", "uauth/business-profile/current", headers=_bearer(token))
        return CurrentWorkspace.model_validate_json(response.content)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
