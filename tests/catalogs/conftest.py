"""What the catalog tests share: a catalogs client on the demo workspace, and a small catalog of books."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.catalogs.client import CatalogsClient
from apps.connections import services as connections
from apps.connections.models import Connection


@pytest.fixture
def cat(demo: dict[str, Connection]) -> Iterator[CatalogsClient]:
    with CatalogsClient(connections.http_for(demo["synerise"])) as client:
        yield client


@pytest.fixture
def books(cat: CatalogsClient) -> int:
    return cat.create_catalog("books").id


@pytest.fixture
def catalog_ids(cat: CatalogsClient) -> dict[str, int]:
    return {c.name: c.id for c in cat.list_catalogs().data}
