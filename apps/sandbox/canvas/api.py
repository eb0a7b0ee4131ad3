"""The Canvas REST API of the sandbox, mounted at /sandbox/canvas/api/. Reference: shared/spec/canvas.md.

This module is its entry: the API, its keys (Consumer and SecretKey), and its error answers. The operations
are in `routes`, the state and rules in the package's other modules; the choices the doc leaves open are
in docs/api-decisions.md ("Canvas").
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader

from apps.sandbox import inputs, openapi
from apps.sandbox.canvas import routes
from apps.sandbox.canvas.errors import CanvasError
from apps.sandbox.models import CanvasKey


class CanvasErrorBody(Schema):
    """The `{"State": …, "Msg": …}` body of §7.4, which we use for every refusal."""

    State: int
    Msg: str


OPEN = {"/sandbox/canvas/api/GetMetaData", "/sandbox/canvas/api/Describe"}


def error_answers(method: str, path: str, operation: dict[str, Any]) -> openapi.Errors:
    if path in OPEN:
        return {400: CanvasErrorBody, 404: CanvasErrorBody}
    # 401: wrong or missing keys, with an empty body; 403: an unknown ManagedAccountId.
    errors: openapi.Errors = {401: None, 403: CanvasErrorBody}
    if openapi.has_input(operation):
        errors.update({400: CanvasErrorBody, 404: CanvasErrorBody, 409: CanvasErrorBody})
    return errors


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


@api.exception_handler(CanvasError)
def on_refused(request: HttpRequest, exc: CanvasError) -> HttpResponse:
    return api.create_response(request, {"State": exc.state, "Msg": exc.message}, status=exc.status)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals (a body that is not JSON) in Canvas's shape too.
    return api.create_response(request, {"State": exc.status_code, "Msg": str(exc)}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [
        f"{'.'.join(str(part) for part in error['loc'][2:] or error['loc'])}: {error['msg']}"
        for error in exc.errors
    ]
    return api.create_response(request, {"State": 400, "Msg": "; ".join(problems)}, status=400)


class CanvasKeys(APIKeyHeader):
    """The Consumer and SecretKey headers (spec §2); ManagedAccountId is read by `routes.scope`."""

    param_name = "Consumer"

    def authenticate(self, request: HttpRequest, key: str | None) -> CanvasKey | None:
        secret = request.headers.get("SecretKey", "")
        if not key or not secret:
            return None
        return CanvasKey.objects.filter(consumer=key, secret_key=secret).first()


keys = CanvasKeys()


# Every operation takes the keys but the two help operations, which say `auth=None`.
api.add_router("", routes.router, auth=keys)
