"""Canvas REST API (ConnectMyApps). Reference: shared/spec/canvas.md."""

from __future__ import annotations

from typing import Any

from pydantic import StrictBool, TypeAdapter

from apps.core.http import ApiClient, build_http

# canvas.md §2.1: the JSON boolean `true`; a string "true" is not an answer we know.
AuthenticateResponse = TypeAdapter(StrictBool)


class CanvasClient(ApiClient):
    @classmethod
    def for_account(
        cls, base_url: str, *, consumer: str, secret_key: str, managed_account_id: str = "", **options: Any
    ) -> CanvasClient:
        # Reference: canvas.md §2, the Consumer / SecretKey / ManagedAccountId headers on every action.
        headers = {"Consumer": consumer, "SecretKey": secret_key}
        if managed_account_id:
            headers["ManagedAccountId"] = managed_account_id
        return cls(build_http(base_url, headers=headers, **options))

    def authenticate(self) -> bool:
        """True when the keys are accepted; wrong or missing keys raise ApiUnauthorized."""
        # Reference: canvas.md §2.1, GET /api/Authenticate answers the JSON boolean `true`.
        return self.parse(AuthenticateResponse, self.request("GET", "Authenticate")) is True
