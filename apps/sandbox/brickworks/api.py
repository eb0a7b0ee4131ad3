"""The Brickworks API of the sandbox, mounted at /sandbox/synerise/brickworks/v1/.

Reference: shared/spec/brickworks.md. Paths and codes the doc leaves open are in docs/api-decisions.md.
This module is its entry: the API, its token (the Synerise workspace token), its error bodies, and the
routers of `routes/`, which import their shared helpers from `routes.common` (never from here).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError, ValidationError

from apps.sandbox import inputs, openapi, synerise, tokens
from apps.sandbox.brickworks import errors
from apps.sandbox.brickworks.errors import BkwError
from apps.sandbox.brickworks.routes import generation, records, schemas

# The operations that can meet a conflict: a taken appId or slug, a stale lastUpdatedAt, a newer version.
CONFLICTING = ("create_schema", "add_record", "update_record", "upsert", "upsert_partial", "duplicate_record")


def error_answers(method: str, path: str, operation: dict[str, Any]) -> openapi.Errors:
    """Token problems in the gateway's body (401, 403); the rest in the Brickworks body."""
    answers: openapi.Errors = {
        400: openapi.BrickworksError,
        401: openapi.SyneriseError,
        403: openapi.SyneriseError,
    }
    if openapi.path_parameters(operation):
        answers[404] = openapi.BrickworksError
    if operation["operationId"].endswith(tuple(f"_{name}" for name in CONFLICTING)):
        answers[409] = openapi.BrickworksError
    return answers


api = openapi.SandboxApi(
    errors=error_answers,
    title="Brickworks (synadmin sandbox)",
    version="1",
    urls_namespace="sandbox-brickworks",
    docs_url=None,
    auth=tokens.workspace_token,
)
api.add_decorator(inputs.refuse_unstorable)


def error_body(request: HttpRequest, exc: BkwError) -> HttpResponse:
    body = {
        "timestamp": timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "errorCode": exc.code,
        "httpStatus": exc.status,
        "message": exc.message,
        "traceId": request.headers.get("X-Request-Id", ""),
        "errors": exc.errors,
        "source": {},
        "details": exc.details,
        "field": exc.field,
    }
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(BkwError)
def on_bkw_error(request: HttpRequest, exc: BkwError) -> HttpResponse:
    return error_body(request, exc)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items = [
        {
            "field": ".".join(str(p) for p in e["loc"][1:] if p not in ("payload", "params")),
            "message": e["msg"],
        }
        for e in exc.errors
    ]
    first = items[0] if items else {"field": None, "message": "Validation failed"}
    return error_body(
        request, errors.invalid(f"{first['field']}: {first['message']}", field=first["field"], errors=items)
    )


@api.exception_handler(AuthenticationError)
def on_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Token problems are answered by Synerise's gateway, in its own body (as the auth endpoints do).
    return synerise.error_response(request, 401, exc.message)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code in (401, 403):
        return synerise.error_response(request, exc.status_code, exc.message)
    return error_body(
        request, BkwError(exc.status_code, f"BKW-{exc.status_code}", HTTPStatus(exc.status_code).phrase)
    )


# Schemas and sources, then records and versions, then preview and generation (the order of the docs).
api.add_router("", schemas.router)
api.add_router("", records.router)
api.add_router("", generation.router)
