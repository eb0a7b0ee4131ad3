"""The content records list and a catalog's items page, timed at a size: do they stay flat as data grows?

Seeds a schema of N records and a catalog of N items in SQL (generate_series, made once and kept),
then times the dashboard's two pages through the test client (the whole server side, the HTTP calls
to the sandbox included): random pages over the whole list, a status filter, a search, a sort. Prints
median and p95 with the SQL per page on both sides. Target: p95 at 1,000,000 within 1.2x of 100,000.

    .venv/bin/python bench/lists.py --rows 100000 [--pages 100]
    .venv/bin/python bench/lists.py --rows 1000000

Database `synadmin_bench_lists` (or DATABASE_URL); the app is served in-process (`harness.serve`).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from typing import Any

from catalog_data import big_catalog
from harness import QueryCounter, serve, setup, summary


class TimedCounter(QueryCounter):
    """Counts the sandbox's SQL and adds up its time: the part of a page that grows with the rows,
    and which the machine's load stretches less than the whole page."""

    def __init__(self) -> None:
        super().__init__()
        self.ms = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().__call__(execute, sql, params, many, context)
        finally:
            with self.lock:
                self.ms += (time.perf_counter() - started) * 1000


def measure(client: Any, urls: list[str], counter: TimedCounter) -> tuple[list[float], list[float], float]:
    """Each page's time and its sandbox SQL time (ms), and the sandbox's queries per page."""
    times, sql_times, queries = [], [], 0
    for url in urls:
        before, before_ms = counter.count, counter.ms
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        sql_times.append(counter.ms - before_ms)
        queries += counter.count - before
    return times, sql_times, queries / len(urls)


def make_records(app_id: str, total: int) -> Any:
    """A banner schema holding `total` records, one version each: 65% live, 25% drafts, 10% offline."""
    from django.db import connection

    from apps.sandbox.brickworks.models import ContentSchema, Record
    from apps.sandbox.brickworks.seed import BANNER_FIELDS
    from apps.sandbox.models import Workspace

    workspace = Workspace.objects.get(name="Demo workspace")
    schema, made = ContentSchema.objects.get_or_create(
        workspace=workspace, app_id=app_id, defaults={"display_name": app_id}
    )
    if made:
        schema.fields = BANNER_FIELDS
        schema.save()
    if Record.objects.filter(schema=schema).count() == total:
        return schema
    print(f"Inserting {total:,} records …", flush=True)
    Record.objects.filter(schema=schema).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO sandbox_record (id, schema_id, latest_version, created_at, created_by)
            SELECT md5(%s || g)::uuid, %s, 1, now() - g * interval '1 second', '{"type": "WORKSPACE"}'
            FROM generate_series(1, %s) AS g
            """,
            [app_id, schema.pk, total],
        )
        cursor.execute(
            """
            INSERT INTO sandbox_recordversion (
                version_id, record_id, schema_id, number, status, title, values, search_text,
                schema_version, created_at, updated_at, published_at, updated_by, is_latest, is_listed
            )
            SELECT md5('v' || %s || g)::uuid, md5(%s || g)::uuid, %s, 1, s.status, 'Banner ' || g,
                jsonb_build_object('headline', 'Banner ' || g, 'priority', g %% 10),
                'banner ' || g, 1, now() - g * interval '1 second', now() - g * interval '1 second',
                CASE WHEN s.status = 'PUBLISHED' THEN now() END, '{"type": "WORKSPACE"}', true, true
            FROM generate_series(1, %s) AS g, LATERAL (SELECT CASE
                WHEN g %% 20 < 13 THEN 'PUBLISHED' WHEN g %% 20 < 18 THEN 'DRAFT' ELSE 'UNPUBLISHED'
            END AS status) AS s
            """,
            [app_id, app_id, schema.pk, total],
        )
        cursor.execute("VACUUM ANALYZE sandbox_record")
        cursor.execute("VACUUM ANALYZE sandbox_recordversion")
    return schema


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL", "synadmin_bench_lists").rsplit("/", 1)[-1])

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from apps.accounts.roles import sync_roles
    from apps.sandbox.seed import seed

    counter = TimedCounter()
    base = serve(counter)
    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    app_id = f"bench-list-{args.rows}"
    make_records(app_id, args.rows)
    catalog = big_catalog(f"bench-list-{args.rows}", args.rows)
    sync_roles()
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)

    pages = args.rows // 25
    rng = random.Random(1)
    records = [
        rng.choice(
            [
                f"/content/records/{app_id}/?page={rng.randint(1, pages)}",
                f"/content/records/{app_id}/?page={rng.randint(1, 40)}",
                f"/content/records/{app_id}/?status=DRAFT&page={rng.randint(1, pages // 4)}",
                f"/content/records/{app_id}/?q=banner+{rng.randint(1, args.rows)}",
                f"/content/records/{app_id}/?sort=updatedAt:desc&page={rng.randint(1, pages)}",
            ]
        )
        for _ in range(args.pages)
    ]
    items = [
        rng.choice(
            [
                f"/catalogs/{catalog}/?page={rng.randint(1, pages)}",
                f"/catalogs/{catalog}/?page={rng.randint(1, 40)}",
                f"/catalogs/{catalog}/?q=B-0{rng.randint(10000, 99999)}",
            ]
        )
        for _ in range(args.pages)
    ]
    measure(client, records[:5] + items[:5], counter)  # warm up: tokens, caches, connections
    load = os.getloadavg()[0]
    rows = []
    for label, urls in (("Records list", records), ("Catalog items page", items)):
        rows.append((label, *measure(client, urls, counter)))
    print(f"\nLists at {args.rows:,} rows, {args.pages} pages each, PostgreSQL, load average {load:.1f}")
    for label, times, sql_times, queries in rows:
        print(f"  {label:<20} {summary(times)}   sandbox SQL/page: {queries:.1f}")
        print(f"  {'  its sandbox SQL':<20} {summary(sql_times)}")


if __name__ == "__main__":
    main()
