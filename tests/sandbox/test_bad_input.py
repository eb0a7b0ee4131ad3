"""Synerise auth and flows: input PostgreSQL can't store is refused in each API's own error body."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from apps.sandbox import seed


def test_synerise_login_refuses_a_nul_byte_with_400(seeded: seed.Seeded) -> None:
    for body in ({"apiKey": "a\x00"}, {"username": "demo\x00@synadmin.test", "password": "x"}):
        path = "/uauth/v2/auth/login/profile" if "apiKey" in body else "/uauth/auth/login/user"
        response = Client().post(f"/sandbox/synerise{path}", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["status"] == 400
        assert response.json()["errors"][0]["message"] == "must not contain a NUL character"


@pytest.mark.parametrize("cursor", ["a\x00", base64.urlsafe_b64encode(b"\x00").decode()])
def test_flows_refuses_a_cursor_holding_a_nul_byte(seeded: seed.Seeded, cursor: str) -> None:
    response = Client().get(
        "/sandbox/flows/api/v1/flows",
        {"cursor": cursor},
        headers={"Authorization": f"Bearer {seeded.flows.token}"},
    )
    assert response.status_code == 422
    assert response.json()["detail"]


SUGGESTION = '"originType": "automation", "sourceType": "entity", "targetType": "entity", "originId": "o", '


@pytest.mark.parametrize(
    "body",
    [
        "{" + SUGGESTION + '"title": "t", "sourceId": "p", "targetId": "p", "data": {"\\udfff": 1}}',
        "{" + SUGGESTION + '"title": "t", "sourceId": "p", "targetId": "p", "sourceContext": ["\\ud800"]}',
    ],
)
def test_flows_refuses_a_lone_surrogate_in_a_body_in_its_own_error_shape(
    seeded: seed.Seeded, body: str
) -> None:
    response = Client().post(
        "/sandbox/flows/api/v1/suggestions",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {seeded.flows.token}"},
    )
    assert response.status_code == 422
    assert "half of a character" in str(response.json()["detail"])
