from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.sandbox import tokens
from apps.sandbox.models import Workspace

PREFIX = "/sandbox/synerise/brickworks/v1"

ARTICLE_FIELDS = {
    "title": {"type": "text", "required": True, "searchable": True, "useAsRecordName": True, "maxLength": 80},
    "body": {"type": "richtext"},
    "price": {"type": "number", "min": 0, "searchable": True},
    "color": {
        "type": "select",
        "options": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue"}],
        "default": "blue",
        "searchable": True,
    },
}


class Api:
    """The Brickworks sandbox as a client sees it: JSON in, (status, JSON) out, with a workspace token."""

    def __init__(self, workspace: Workspace) -> None:
        self.client = Client()
        self.workspace = workspace
        self.token = tokens.issue(workspace=workspace, user=None, ttl=3600)

    def call(self, verb: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{PREFIX}{path}"
        if verb == "GET":
            response = self.client.get(url, params, headers=headers)
        else:
            response = getattr(self.client, verb.lower())(
                url, body if body is not None else {}, content_type="application/json", headers=headers
            )
        return response.status_code, response.json() if response.content else None

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        return self.call("GET", path, **params)

    def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        return self.call("POST", path, body)

    def put(self, path: str, body: Any) -> tuple[int, Any]:
        return self.call("PUT", path, body)

    def patch(self, path: str, body: Any) -> tuple[int, Any]:
        return self.call("PATCH", path, body)

    def delete(self, path: str) -> tuple[int, Any]:
        return self.call("DELETE", path)

    def ok(self, verb: str, path: str, body: Any = None, **params: Any) -> Any:
        status, data = self.call(verb, path, body, **params)
        assert status in (200, 201, 202, 204), (status, data)
        return data

    def schema(self, app_id: str = "articles", *, simple: bool = False, fields: dict | None = None) -> dict:
        return self.ok(
            "POST",
            "/schemas",
            {
                "appId": app_id,
                "displayName": app_id.title(),
                "fields": fields or ARTICLE_FIELDS,
                "isSimpleSchema": simple,
            },
        )

    def record(self, app_id: str = "articles", **body: Any) -> dict:
        body.setdefault("status", "DRAFT")
        body.setdefault("values", {"title": "Hello"})
        return self.ok("POST", f"/schemas/{app_id}/records", body)


@pytest.fixture
def api(db: None) -> Api:
    """A workspace of its own: the demo data of the seed stays out of the way."""
    return Api(Workspace.objects.create(name="Test workspace"))


def assert_error(result: tuple[int, Any], status: int, code: str) -> dict:
    got_status, body = result
    assert (got_status, body.get("errorCode")) == (status, code), body
    assert set(body) >= {"timestamp", "errorCode", "httpStatus", "message", "traceId", "errors", "field"}
    assert body["httpStatus"] == status
    return body
