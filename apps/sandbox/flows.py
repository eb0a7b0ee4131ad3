"""The flows API of the sandbox, mounted at /sandbox/flows/api/v1/. Reference: shared/spec/flows.md."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from apps.sandbox import inputs, openapi
from apps.sandbox.models import Flow, FlowsToken


def error_answers(method: str, path: str, operation: dict[str, Any]) -> openapi.Errors:
    """FastAPI's answers: 401 without a valid token, 422 for parameters it can't take."""
    answers: openapi.Errors = {401: openapi.FastApiError}
    if openapi.has_input(operation):
        answers[422] = openapi.FastApiError
    return answers


api = openapi.SandboxApi(
    errors=error_answers,
    title="Flows API (synadmin sandbox)",
    version="1",
    urls_namespace="sandbox-flows",
    docs_url=None,
)
api.add_decorator(inputs.refuse_unstorable)


@api.exception_handler(AuthenticationError)
def on_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # FastAPI's own answer for a missing or wrong bearer token.
    return api.create_response(request, {"detail": "Not authenticated"}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> FlowsToken | None:
        return FlowsToken.objects.filter(token=token).first()


class FlowOut(Schema):
    id: str
    title: str
    type: str
    isActive: bool


class FlowPage(Schema):
    items: list[FlowOut]
    total: int | None = None
    current_page: str | None = None
    current_page_backwards: str | None = None
    previous_page: str | None = None
    next_page: str | None = None


class PageParams(Schema):
    cursor: str | None = Field(None, description="Cursor for the next page")
    size: int = Field(50, ge=0, le=100, description="Page size")


@api.get("/flows", response=FlowPage, auth=Token(), summary="Get Flows")
def list_flows(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    # Spec §6: cursor pagination; our cursor is the last id of the page (docs/api-decisions.md).
    flows = Flow.objects.order_by("id")
    if params.cursor:
        flows = flows.filter(id__gt=_decode(params.cursor))
    page = list(flows[: params.size + 1])
    more = len(page) > params.size
    page = page[: params.size]
    return {
        "items": [{"id": f.id, "title": f.title, "type": f.type, "isActive": f.is_active} for f in page],
        "current_page": params.cursor,
        "next_page": _encode(page[-1].id) if more and page else None,
    }


def _encode(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def _decode(cursor: str) -> str:
    try:
        value = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise HttpError(422, "Invalid cursor") from None
    if "\x00" in value:  # no flow id holds one, and PostgreSQL can't compare with it
        raise HttpError(422, "Invalid cursor")
    return value
