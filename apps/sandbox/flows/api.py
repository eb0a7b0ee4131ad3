"""The flows API's frame: the NinjaAPI, its bearer token, FastAPI's error bodies, cursor pages (§6, §7)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from apps.sandbox import inputs, openapi
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


def invalid(where: str, field: str, message: str, kind: str = "value_error") -> ValidationError:
    return ValidationError([{"loc": (where, field), "msg": message, "type": kind}])


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> FlowsToken | None:
        return FlowsToken.objects.filter(token=token).first()


def stamp(moment: datetime | None) -> str | None:
    """§1: ISO 8601 UTC with milliseconds and Z."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# Cursors (§6, inferred): a direction and the id it starts from, base64 of JSON, opaque to clients.
AFTER, BEFORE, FROM, UNTIL = "after", "before", "from", "until"


def cursor(direction: str, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([direction, key]).encode()).decode()


def read_cursor(text: str) -> tuple[str, str]:
    try:
        direction, key = json.loads(base64.urlsafe_b64decode(text.encode()).decode())
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        raise invalid("query", "cursor", "Invalid cursor value") from None
    if direction not in (AFTER, BEFORE, FROM, UNTIL) or not isinstance(key, str) or "\x00" in key:
        raise invalid("query", "cursor", "Invalid cursor value")
    return direction, key


def cursor_page(
    rows: QuerySet[Any], *, at: str | None, size: int, out: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `rows` in id order, with the four cursors of §6 (null where there is no such page)."""
    direction, key = read_cursor(at) if at else (AFTER, None)
    if direction in (BEFORE, UNTIL):
        lookup = "id__lt" if direction == BEFORE else "id__lte"
        page: list[Model] = list(rows.filter(**{lookup: key}).order_by("-id")[:size])[::-1]
    else:
        ahead = (
            rows.filter(**{"id__gt" if direction == AFTER else "id__gte": key}) if key is not None else rows
        )
        page = list(ahead.order_by("id")[:size])
    if not page:
        return {"items": [], "total": rows.count(), "current_page": at}
    first, last = page[0].pk, page[-1].pk
    return {
        "items": [out(row) for row in page],
        "total": rows.count(),
        "current_page": cursor(FROM, first),
        "current_page_backwards": cursor(UNTIL, last),
        "previous_page": cursor(BEFORE, first) if rows.filter(id__lt=first).exists() else None,
        "next_page": cursor(AFTER, last) if rows.filter(id__gt=last).exists() else None,
    }
