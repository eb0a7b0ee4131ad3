"""What the content tests share: a Brickworks client on the demo workspace (personas: tests/conftest.py)."""

from __future__ import annotations

import pytest

from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient


@pytest.fixture
def bw(demo: dict[str, Connection]) -> BrickworksClient:
    return BrickworksClient(connections.http_for(demo["synerise"]))
