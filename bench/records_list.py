"""Records list of a schema with 100,000 records, sandbox on PostgreSQL.

Prints the dashboard's server time per page (it includes the HTTP calls to the sandbox), median and
p95, with SQL queries per page on both sides, next to the Django admin changelist of the sandbox's
record versions on the same data in the same run. Target: p95 under 150 ms.

    .venv/bin/python bench/records_list.py [--records 100000] [--pages 60]
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from harness import QueryCounter, serve, setup, summary

APP_ID = "bench-banners"


def make_records(total: int) -> Any:
    """The schema and its records, made once and kept between runs (bulk inserts, not the API)."""
    from django.db import connection

    from apps.sandbox.brickworks import fields
    from apps.sandbox.brickworks.models import ContentSchema, Record, RecordVersion
    from apps.sandbox.brickworks.seed import BANNER_FIELDS
    from apps.sandbox.models import Workspace

    workspace = Workspace.objects.get(name="Demo workspace")
    schema, _ = ContentSchema.objects.get_or_create(
        workspace=workspace, app_id=APP_ID, defaults={"display_name": "Bench banners"}
    )
    schema.fields = BANNER_FIELDS
    schema.save()
    have = Record.objects.filter(schema=schema).count()
    if have >= total:
        return schema
    print(f"Inserting {total - have} records …", flush=True)
    rng = random.Random(have)
    by = {"type": "WORKSPACE", "id": 0, "name": "Bench"}
    for start in range(have, total, 5000):
        chunk = range(start, min(total, start + 5000))
        records = [Record(schema=schema, created_by=by) for _ in chunk]
        versions = []
        for n, record in zip(chunk, records, strict=True):
            roll = rng.random()
            status = "PUBLISHED" if roll < 0.65 else "DRAFT" if roll < 0.9 else "UNPUBLISHED"
            values = {"headline": f"Banner {n}", "priority": n % 10, "tone": rng.choice(["calm", "urgent"])}
            name = fields.record_name(schema.fields, values, None)
            text = fields.search_text(schema.fields, values)
            common = {
                "record": record,
                "schema": schema,
                "title": name,
                "search_text": text,
                "updated_by": by,
            }
            # The flags records.refresh_heads keeps: latest version, and the one an unfiltered list shows.
            if status == "PUBLISHED" and roll < 0.05:  # a live record with a newer draft
                record.latest_version = 2
                draft = {**values, "headline": f"Banner {n}, take 2"}
                versions.append(
                    RecordVersion(number=1, status=status, values=values, is_listed=True, **common)
                )
                versions.append(
                    RecordVersion(number=2, status="DRAFT", values=draft, is_latest=True, **common)
                )
            else:
                versions.append(
                    RecordVersion(
                        number=1, status=status, values=values, is_latest=True, is_listed=True, **common
                    )
                )
        Record.objects.bulk_create(records)
        RecordVersion.objects.bulk_create(versions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return schema


def measure(client: Any, urls: list[str], counter: QueryCounter | None) -> tuple[list[float], float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, ours, theirs = [], 0, 0
    for url in urls:
        before = counter.count if counter else 0
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        ours += len(queries)
        theirs += (counter.count - before) if counter else 0
    return times, ours / len(urls), theirs / len(urls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    setup("synadmin_bench")

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from apps.accounts.roles import sync_roles
    from apps.sandbox.seed import seed

    counter = QueryCounter()
    base = serve(counter)
    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    schema = make_records(args.records)
    sync_roles()
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)

    pages = max(1, args.records // 25)
    rng = random.Random(1)
    ours = [
        rng.choice(
            [
                f"/content/records/{APP_ID}/?page={rng.randint(1, pages)}",
                f"/content/records/{APP_ID}/?status=DRAFT&page={rng.randint(1, pages // 4)}",
                f"/content/records/{APP_ID}/?q=banner+{rng.randint(1, 999)}",
                f"/content/records/{APP_ID}/?sort=updatedAt:desc&page={rng.randint(1, pages)}",
            ]
        )
        for _ in range(args.pages)
    ]
    admin = [
        f"/admin/sandbox/recordversion/?schema__id__exact={schema.pk}&p={rng.randint(0, pages - 1)}"
        for _ in range(args.pages)
    ]
    measure(client, ours[:5] + admin[:5], counter)  # warm up: tokens, caches, connections

    rows = []
    for label, urls in (("Dashboard records list", ours), ("Django admin changelist", admin)):
        times, queries, sandbox_queries = measure(client, urls, counter)
        rows.append((label, times, queries, sandbox_queries))

    print(f"\nRecords list, {args.records} records in {APP_ID}, {args.pages} pages each, PostgreSQL")
    for label, times, queries, sandbox_queries in rows:
        print(
            f"  {label:<24} {summary(times)}   SQL/page: {queries:.1f} dashboard, "
            f"{sandbox_queries:.1f} sandbox"
        )
    p95 = sorted(rows[0][1])[round(0.95 * (len(rows[0][1]) - 1))]
    print(f"  Target p95 < 150 ms: {'met' if p95 < 150 else 'NOT met'} ({p95:.1f} ms)")


if __name__ == "__main__":
    main()
