"""How each kind of connection's service writes an error, and a base client per kind that reads it.

`apps.core.http` reads only what most services write (a text body, or a JSON object's `message`); the
clients here add each service's own shape: codes and field errors. A domain client subclasses the base
of its kind (`BrickworksClient(SyneriseBase)`), and "Test connection" reads the same shapes.
"""

from __future__ import annotations

from typing import Any

from apps.core.http import ApiClient, RemoteError, read_error


def read_synerise_error(body: Any) -> RemoteError:
    """Synerise `{status, error, message, errors[], timestamp}` and Brickworks `{errorCode, message,
    errors[{field, message}], field}` (brickworks.md §4.12, synerise-overview.md)."""
    if not isinstance(body, dict):
        return read_error(body)
    fields: dict[str, list[str]] = {}
    for item in body.get("errors") or []:
        if isinstance(item, dict):
            name = str(item.get("field") or item.get("path") or "__all__")
            fields.setdefault(name, []).append(str(item.get("message") or item.get("defaultMessage") or item))
    if body.get("field") and body.get("message") and not fields:
        fields[str(body["field"])] = [str(body["message"])]
    message = str(body.get("message") or body.get("error") or "")
    return RemoteError(message, str(body.get("errorCode") or ""), fields)


def read_canvas_error(body: Any) -> RemoteError:
    """Canvas `{"State": 500, "Msg": "..."}` (canvas.md §7.4), or plain text."""
    if isinstance(body, dict) and "Msg" in body:
        return RemoteError(str(body["Msg"]), str(body.get("State", "")))
    return read_error(body)


def read_flows_error(body: Any) -> RemoteError:
    """The flows API (FastAPI): `{"detail": [{"loc": ["body", "title"], "msg": "..."}]}` for bad input,
    `{"detail": "..."}` for the rest (flows.md §7)."""
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, list):
        return read_error(body)
    fields: dict[str, list[str]] = {}
    for item in detail:
        if isinstance(item, dict):
            loc = [str(part) for part in item.get("loc", []) if part not in ("body", "query", "path")]
            fields.setdefault(".".join(loc) or "__all__", []).append(str(item.get("msg", "")))
    message = "; ".join(f"{name}: {', '.join(msgs)}" for name, msgs in fields.items())
    return RemoteError(message, "", fields)


class SyneriseBase(ApiClient):
    """A client of a Synerise API: Brickworks, automation workflows, catalogs, authentication."""

    def read_error(self, body: Any) -> RemoteError:
        return read_synerise_error(body)


class CanvasBase(ApiClient):
    """A client of the Canvas API."""

    def read_error(self, body: Any) -> RemoteError:
        return read_canvas_error(body)


class FlowsBase(ApiClient):
    """A client of the flows API."""

    def read_error(self, body: Any) -> RemoteError:
        return read_flows_error(body)
