"""The Canvas REST API of the sandbox, mounted at /sandbox/canvas/api/. Reference: shared/spec/canvas.md."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader

from apps.sandbox import inputs, openapi
from apps.sandbox.models import CanvasKey


def error_answers(method: str, path: str, operation: dict[str, Any]) -> openapi.Errors:
    return {401: None}  # wrong or missing keys, with an empty body


api = openapi.SandboxApi(
    errors=error_answers,
    title="Canvas REST API (synadmin sandbox)",
    version="1",
    urls_namespace="sandbox-canvas",
    docs_url=None,
)
api.add_decorator(inputs.refuse_unstorable)


@api.exception_handler(AuthenticationError)
def on_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Spec §2.2: the doc shows no 401 body; we answer 401 with an empty body (docs/api-decisions.md).
    return HttpResponse(status=401)


class CanvasKeys(APIKeyHeader):
    """The Consumer and SecretKey headers (spec §2); ManagedAccountId is read by the actions."""

    param_name = "Consumer"

    def authenticate(self, request: HttpRequest, key: str | None) -> CanvasKey | None:
        secret = request.headers.get("SecretKey", "")
        if not key or not secret:
            return None
        return CanvasKey.objects.filter(consumer=key, secret_key=secret).first()


keys = CanvasKeys()


@api.get("/Authenticate", response=bool, auth=keys, summary="Checks authentification")
def authenticate(request: HttpRequest) -> bool:
    # Spec §2.1: "true" for valid keys; wrong or missing keys get the 401 above.
    return True
