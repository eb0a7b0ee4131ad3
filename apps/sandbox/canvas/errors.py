"""A Canvas refusal: `api` answers it with the `{"State": …, "Msg": …}` body of §7.4."""

from __future__ import annotations


class CanvasError(Exception):
    """`state` is the body's State when it differs from the HTTP status (docs/api-decisions.md)."""

    def __init__(self, status: int, message: str, *, state: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.state = status, message, state or status
