"""A page of a catalog with 200,000 items, sandbox on PostgreSQL, read through the dashboard's client.

Prints median and p95 of one C9 call (HTTP included) for the first pages, pages at random offsets,
and a key search; under each, the sandbox's own time (the requestTime it answers), and its SQL per
call. Target: a page under 50 ms.

    .venv/bin/python bench/catalog_items.py [--items 200000] [--calls 100]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from catalog_data import big_catalog, database_from_env
from harness import QueryCounter, percentile, serve, setup, summary

NAME = "bench-200k"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    setup(database_from_env())

    from django.core.management import call_command

    from apps.catalogs.services.workspace import workspace_for
    from apps.connections.models import Connection
    from apps.sandbox.seed import seed

    counter = QueryCounter()
    base = serve(counter)
    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    catalog = big_catalog(NAME, args.items)
    connection = Connection.objects.filter(kind="synerise").order_by("pk").first()
    rng = random.Random(1)
    last = args.items - 25
    cases: dict[str, Callable[[], dict[str, Any]]] = {
        "First pages (offset < 1,000)": lambda: {"offset": rng.randrange(0, 1000, 25)},
        "Any page (random offset)": lambda: {"offset": rng.randrange(0, last, 25)},
        "Key search (part of a key)": lambda: {"search": f"B-0{rng.randint(10000, 19999)}"},
    }
    rows = []
    with workspace_for(None, connection=connection).client() as api:
        for _ in range(10):  # warm up: the token, connections, caches
            api.list_items(catalog, limit=25)
        for label, params in cases.items():
            times, inside, queries = [], [], 0
            for _ in range(args.calls):
                before = counter.count
                started = time.perf_counter()
                page = api.list_items(catalog, limit=25, **params())
                times.append((time.perf_counter() - started) * 1000)
                inside.append(float(page.meta_data.request_time.split()[0]) * 1000)
                queries += counter.count - before
                assert page.data, (label, params)
            rows.append((label, times, inside, queries / args.calls))
        total = api.list_items(catalog, limit=1).meta_data.total_count

    print(f"\nCatalog items, {total} items in {NAME}, 25 per page, {args.calls} calls each, PostgreSQL")
    for label, times, inside, queries in rows:
        print(f"  {label:<30} {summary(times)}   SQL/call: {queries:.1f}")
        print(f"  {'  of which the sandbox':<30} {summary(inside)}   (its requestTime)")
    worst = max(percentile(times, 0.95) for _, times, _, _ in rows[:2])
    verdict = "met" if worst < 50 else "NOT met"
    print(f"  Target a page under 50 ms (p95 of pages): {verdict} ({worst:.1f} ms)")


if __name__ == "__main__":
    main()
