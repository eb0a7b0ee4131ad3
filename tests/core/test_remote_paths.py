"""Every value put into a remote URL is one encoded path segment: no input picks another endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_started
from django.test import Client
from pytest_httpx import HTTPXMock

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.core import http
from apps.core.http import ApiNotFound

BASE = "https://api.example.test/"


@pytest.fixture
def sent_to_sandbox() -> Iterator[list[str]]:
    """The Brickworks paths the sandbox receives, percent-decoded once by its server, in order."""
    seen: list[str] = []

    def note(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        if environ["PATH_INFO"].startswith("/sandbox/synerise/brickworks/"):
            seen.append(environ["PATH_INFO"].removeprefix("/sandbox/synerise/brickworks/v1"))

    request_started.connect(note, dispatch_uid="test-sent-to-sandbox")
    yield seen
    request_started.disconnect(dispatch_uid="test-sent-to-sandbox")


@pytest.mark.parametrize("value", ["a/b", "a?b=c", "a#b", "%2e%2e", "%01", "é ü", "50%"])
def test_it_sends_each_value_as_one_encoded_segment(httpx_mock: HTTPXMock, value: str) -> None:
    httpx_mock.add_response(json={"id": "x"}, status_code=404)
    client = BrickworksClient(http.build_http(BASE, retries=0))
    with pytest.raises(ApiNotFound):
        client.get_record("home-banners", value)
    sent = httpx_mock.get_request()
    assert sent is not None
    assert sent.url.raw_path.decode() == "/brickworks/v1/schemas/home-banners/records/" + http.segment(value)
    assert sent.url.path == f"/brickworks/v1/schemas/home-banners/records/{value}"


@pytest.mark.parametrize("value", ["", ".", "..", "\x01", "a\x00b", "line\nbreak", "\x7f"])
def test_it_refuses_a_value_that_is_no_segment_without_sending_anything(
    httpx_mock: HTTPXMock, value: str
) -> None:
    client = BrickworksClient(http.build_http(BASE, retries=0))
    with pytest.raises(ApiNotFound):
        client.get_record("home-banners", value)
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("template", ["schemas/..", "schemas/./x", "schemas/a%2e", "schemas/a b", "s/{x}"])
def test_it_refuses_a_template_that_is_not_a_constant(template: str) -> None:
    with pytest.raises(ValueError, match="constant template"):
        http.fill(template, ())


def test_it_refuses_a_template_with_the_wrong_number_of_places() -> None:
    with pytest.raises(ValueError, match="places"):
        http.fill("schemas/{}/records/{}", ("home-banners",))


@pytest.mark.parametrize(
    "path", ["/content/records/home-banners/%2e%2e/", "/content/records/home-banners/../"]
)
def test_it_answers_404_to_a_dot_dot_record_and_never_asks_for_the_schema_instead(
    viewer_client: Client, demo: dict[str, Connection], sent_to_sandbox: list[str], path: str
) -> None:
    response = viewer_client.get(path)
    assert response.status_code == 404
    # Before the fix, `records/..` reached the sandbox as the schema itself: `/schemas/<schema id>`.
    assert sent_to_sandbox == ["/schemas/home-banners"]


def test_it_answers_404_to_a_control_character_as_a_schema(
    viewer_client: Client, demo: dict[str, Connection], sent_to_sandbox: list[str]
) -> None:
    response = viewer_client.get("/content/records/%01/")
    assert response.status_code == 404
    assert sent_to_sandbox == []


def test_it_asks_the_sandbox_for_the_record_named_by_an_encoded_dot_dot(
    viewer_client: Client, demo: dict[str, Connection], sent_to_sandbox: list[str]
) -> None:
    response = viewer_client.get("/content/records/home-banners/%252e%252e/")
    assert response.status_code == 404
    asked = [path for path in sent_to_sandbox if path != "/schemas/home-banners"]
    assert asked and all(path.endswith("/records/%2e%2e") for path in asked), sent_to_sandbox
