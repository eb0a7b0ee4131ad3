"""The sandbox's demo data copied back for a test (tests/seeds.py) is the data a seed writes, and leaves
room for the rows the test makes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from apps.sandbox.catalogs.models import Catalog, CatalogItem
from tests import seeds

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite seeds every time")


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in seeds._tables():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            found[table] = cursor.fetchone()[0]
    return found


def test_a_copied_seed_is_the_seed_and_new_rows_take_new_ids(transactional_db: None) -> None:
    seeds.seed()
    seeded = counts()
    call_command("flush", interactive=False, verbosity=0)  # empties, and restarts every sequence
    assert not any(counts().values())
    copied = seeds.seed()
    assert seeds._kept and counts() == seeded
    catalog = Catalog.objects.create(workspace=copied.workspace, name="new", keys=[])  # not id 1 again
    CatalogItem.objects.create(catalog=catalog, key="k", value={})
    assert Catalog.objects.filter(name="products").exists()
