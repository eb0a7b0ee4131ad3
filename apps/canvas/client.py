"""Canvas REST API (ConnectMyApps). Reference: shared/spec/canvas.md."""

from __future__ import annotations

from pydantic import StrictBool, TypeAdapter

from apps.core.http import ApiClient

# canvas.md §2.1: the JSON boolean `true`; a string "true" is not an answer we know.
AuthenticateResponse = TypeAdapter(StrictBool)


class CanvasClient(ApiClient):
    """Build it on a signed client: `CanvasClient(connections.services.http_for(connection))`."""

    def authenticate(self) -> bool:
        """True when the keys are accepted; wrong or missing keys raise ApiUnauthorized."""
        # Reference: canvas.md §2.1, GET /api/Authenticate answers the JSON boolean `true`.
        return self.parse(AuthenticateResponse, self.request("GET", "Authenticate")) is True
