"""The Brickworks error body: `{timestamp, errorCode, httpStatus, message, traceId, errors, field, …}`.

The codes besides BKW-029 are ours (docs/api-decisions.md, "Brickworks error codes").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class BkwError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        errors: list[dict[str, str]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.errors = errors or []
        self.details = details or {}


def invalid(
    message: str, *, field: str | None = None, errors: list[dict[str, str]] | None = None
) -> BkwError:
    return BkwError(400, "BKW-001", message, field=field, errors=errors)


def from_field_errors(errors: dict[str, list[str]], prefix: str) -> BkwError:
    items = [
        {"field": f"{prefix}.{path}" if prefix else path, "message": m}
        for path, ms in errors.items()
        for m in ms
    ]
    none: Mapping[str, str | None] = {"field": None, "message": "Validation failed"}
    first = items[0] if items else none
    return BkwError(
        400, "BKW-001", f"{first['field']}: {first['message']}", field=first["field"], errors=items
    )


SCHEMA_NOT_FOUND = "BKW-010"
APP_ID_TAKEN = "BKW-011"
RECORD_NOT_FOUND = "BKW-020"
SLUG_TAKEN = "BKW-021"
TRANSITION_REFUSED = "BKW-022"
PUBLISHED_NOT_EDITABLE = "BKW-023"
UNPUBLISH_WITH_DATA = "BKW-024"
SIMPLE_SCHEMAS_ONLY = "BKW-025"
VERSION_NOT_FOUND = "BKW-026"
PROFILE_NOT_FOUND = "BKW-027"
GENERATION_FAILED = "BKW-028"
CONFLICT = "BKW-029"
SOURCE_NOT_FOUND = "BKW-030"
NOT_PUBLISHED = "BKW-040"
BAD_FILTER = "BKW-002"
BAD_QUERY = "BKW-003"
