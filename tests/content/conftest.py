"""What the content tests share: a Brickworks client on the demo workspace and a signed-in client per role."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from tests.conftest import make_user


def client_as(username: str, role: str) -> Client:
    client = Client()
    client.force_login(make_user(username, role))
    return client


@pytest.fixture
def bw(demo: dict[str, Connection]) -> BrickworksClient:
    return BrickworksClient(connections.http_for(demo["synerise"]))


@pytest.fixture
def viewer(demo: dict[str, Connection]) -> Client:
    return client_as("vic", "viewer")


@pytest.fixture
def editor(demo: dict[str, Connection]) -> Client:
    return client_as("eddie", "editor")


@pytest.fixture
def publisher(demo: dict[str, Connection]) -> Client:
    return client_as("paula", "publisher")


@pytest.fixture
def admin(demo: dict[str, Connection]) -> Client:
    return client_as("ada", "admin")
