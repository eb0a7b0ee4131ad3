"""Large sandbox catalogs for the catalog benches, made once in SQL (generate_series) and kept."""

from __future__ import annotations

import os
from pathlib import Path

from harness import ROOT

COLUMNS = ["sku", "name", "brand", "category", "color", "price", "currency", "stock", "rating", "updated"]


def database_from_env() -> str:
    """The database of this checkout's .env (DATABASE_URL), so a bench does not share another's."""
    if "DATABASE_URL" not in os.environ:
        for line in Path(ROOT / ".env").read_text().splitlines():
            if line.startswith("DATABASE_URL="):
                os.environ["DATABASE_URL"] = line.split("=", 1)[1].strip()
    return os.environ["DATABASE_URL"].rsplit("/", 1)[1]


def big_catalog(name: str, total: int) -> int:
    """The id of catalog `name` of the demo workspace holding `total` items of 10 properties."""
    from django.db import connection

    from apps.sandbox.catalogs.models import Catalog
    from apps.sandbox.models import Workspace

    workspace = Workspace.objects.get(name="Demo workspace")
    catalog, _ = Catalog.objects.get_or_create(
        workspace=workspace, name=name, defaults={"author": "Bench", "keys": COLUMNS}
    )
    have = catalog.items.count()
    if have < total:
        print(f"Inserting {total - have} items into {name} …", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO sandbox_catalogitem (catalog_id, key, value, created)
                SELECT %s, 'B-' || lpad(g::text, 7, '0'), jsonb_build_object(
                    'sku', 'B-' || lpad(g::text, 7, '0'),
                    'name', 'Bench product ' || g,
                    'brand', (ARRAY['Nordvik','Alba','Kestrel','Orla','Tamsin'])[g %% 5 + 1],
                    'category', (ARRAY['laptop','phone','tablet','watch'])[g %% 4 + 1],
                    'color', (ARRAY['black','blue','red','silver'])[g %% 4 + 1],
                    'price', round(((g * 37) %% 5000 + 0.99)::numeric, 2),
                    'currency', 'PLN',
                    'stock', g %% 120,
                    'rating', round(((g %% 50) / 10.0)::numeric, 1),
                    'updated', '2026-11-30')
                    , now()
                FROM generate_series(%s, %s) AS g
                """,
                [catalog.pk, have + 1, total],
            )
            cursor.execute("ANALYZE sandbox_catalogitem")
    Catalog.objects.filter(pk=catalog.pk).update(item_count=catalog.items.count(), keys=COLUMNS)
    return catalog.pk
