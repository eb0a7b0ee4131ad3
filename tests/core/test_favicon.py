"""The favicon browsers ask for at /favicon.ico."""

from __future__ import annotations

from django.test import Client


def test_the_favicon_is_served_at_favicon_ico(client: Client, db: None) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
