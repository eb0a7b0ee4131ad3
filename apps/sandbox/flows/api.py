"""The flows API of the sandbox, mounted at /sandbox/flows/api/v1/. Reference: shared/spec/flows.md.

This module is its entry: the API, its bearer token, and FastAPI's error bodies (§7). The operations are
in `routes`, its bodies, answers and cursor pages (§6) in `wire`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from apps.sandbox import inputs, openapi
from apps.sandbox.flows import routes
from apps.sandbox.models import FlowsToken


def error_answers(method: str, path: str, operation: dict[str, Any]) -> openapi.Errors:
    """FastAPI's answers: 401 without a valid token, 404 for an unknown id, 422 for input it can't take."""
    answers: openapi.Errors = {401: openapi.FastApiError}
    if openapi.path_parameters(operation):
        answers[404] = openapi.FastApiError
    if method == "POST" and not openapi.path_parameters(operation):
        answers[409] = openapi.FastApiError
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
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # ninja's answer for a body that is not JSON; FastAPI's is a validation error.
        detail = [{"loc": ["body", 0], "msg": "JSON decode error", "type": "json_invalid"}]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """FastAPI's 422: `loc` starts with where the input was (body, query, path), then the field's path."""
    detail = [
        {
            "loc": _fastapi_loc(list(error.get("loc", ()))),
            "msg": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


def _fastapi_loc(loc: list[Any]) -> list[Any]:
    # ninja names the view's parameter after the source ("body", "payload", "title"); FastAPI does not.
    if loc[:1] == ["request"]:  # inputs.refuse_unstorable: ("request", parameter, *path)
        loc = ["body" if loc[1:2] == ["payload"] else "query", *loc[2:]]
    elif loc[:2] in (["body", "payload"], ["query", "params"], ["path", "id_"]):
        loc = [loc[0], *loc[2:]] if loc[1] != "id_" else loc
    return [part for part in loc if part is not None]


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> FlowsToken | None:
        return FlowsToken.objects.filter(token=token).first()


# Every operation takes the bearer token.
api.add_router("", routes.router, auth=Token())
