"""The error answers of the sandbox's APIs in their OpenAPI documents, declared once per API.

ninja documents the answers a route declares; the errors come from each API's exception handlers, so
`SandboxApi` adds them to every operation by a rule of the API: which statuses an operation can answer
(from its method, path parameters and operation id) and the body each comes with. `make fuzz` checks
every answer against the document.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from ninja import NinjaAPI, Schema

# status -> the body's model, or None for an empty body
Errors = dict[int, type[Schema] | None]
Rule = Callable[[str, str, dict[str, Any]], Errors]


class FieldMessage(Schema):
    field: str | None
    message: str


class SyneriseError(Schema):
    """The v4 error body of Synerise's gateway and auth endpoints (spec §1.3)."""

    timestamp: str
    status: int
    error: str
    message: str
    path: str
    errors: list[FieldMessage] | None = None


class BrickworksError(Schema):
    """The Brickworks error body (apps/sandbox/brickworks/errors.py)."""

    timestamp: str
    errorCode: str
    httpStatus: int
    message: str
    traceId: str
    errors: list[FieldMessage]
    source: dict[str, Any]
    details: dict[str, Any]
    field: str | None


class ValidationDetail(Schema):
    loc: list[str | int]
    msg: str
    type: str


class FastApiError(Schema):
    """The flows API's FastAPI bodies: `{"detail": "..."}`, or the list of validation errors."""

    detail: str | list[ValidationDetail]


class SandboxApi(NinjaAPI):
    """A NinjaAPI whose OpenAPI document declares the error answers `errors` gives for each operation."""

    def __init__(self, *args: Any, errors: Rule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.errors = errors

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, model in self.errors(method.upper(), path, operation).items():
                    responses.setdefault(str(status), _response(status, model, components))
        return document


def _response(status: int, model: type[Schema] | None, components: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": HTTPStatus(status).phrase}
    if model is not None:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
        answer["content"] = {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
        }
    return answer


def path_parameters(operation: dict[str, Any]) -> bool:
    return any(parameter["in"] == "path" for parameter in operation.get("parameters", []))


def has_input(operation: dict[str, Any]) -> bool:
    return bool(operation.get("parameters") or operation.get("requestBody"))
