"""Integrations workflows list with 2,000 Canvas workflows, sandbox on PostgreSQL.

Prints the dashboard's server time per page, which includes the HTTP calls to the sandbox (Canvas has no
paging: every page reads the account's whole list of workflows and its templates), median and p95, with
SQL queries per page on both sides. Target: p95 under 150 ms.

    .venv/bin/python bench/canvas_workflows.py [--workflows 2000] [--pages 60]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta

from harness import QueryCounter, serve, setup, summary
from records_list import measure

PREFIX = "Bench workflow"


def make_workflows(total: int) -> None:
    """The workflows, made once and kept between runs (bulk inserts, not the API)."""
    from django.db import connection

    from apps.sandbox.canvas.models import CanvasTemplate, CanvasWorkflow
    from apps.sandbox.models import CanvasKey

    key = CanvasKey.objects.get()
    have = CanvasWorkflow.objects.filter(key=key, name__startswith=PREFIX).count()
    if have >= total:
        return
    print(f"Inserting {total - have} workflows …", flush=True)
    templates = list(CanvasTemplate.objects.filter(key__isnull=True))
    rng = random.Random(have)
    now = datetime.now(UTC)
    rows = []
    for n in range(have, total):
        template = rng.choice(templates)
        scheduled = rng.random() < 0.3
        rows.append(
            CanvasWorkflow(
                key=key,
                account_id=key.account_id,
                name=f"{PREFIX} {n:04d} {template.name}",
                description=template.description,
                status="Failed" if rng.random() < 0.05 else "Ready",
                is_scheduled=scheduled,
                scheduler_frequency='{"cronSchedule":"0 0 6 ? * MON-FRI"}',
                workflow_template_id=template.id,
                date_last_run=now - timedelta(hours=rng.randint(1, 500)),
                date_next_schedule=now + timedelta(days=365) if scheduled else None,
                chain=template.chain,
                current_block=len(template.chain),
            )
        )
    CanvasWorkflow.objects.bulk_create(rows, batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workflows", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    setup("synadmin_bench_canvas")

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from apps.accounts.roles import sync_roles
    from apps.sandbox.seed import seed

    counter = QueryCounter()
    base = serve(counter)
    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    make_workflows(args.workflows)
    sync_roles()
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)

    pages = max(1, args.workflows // 50)
    rng = random.Random(1)
    urls = [
        rng.choice(
            [
                f"/integrations/?page={rng.randint(1, pages)}",
                f"/integrations/?scheduled=on&page={rng.randint(1, max(1, pages // 3))}",
                "/integrations/?status=Failed",
                f"/integrations/?q={rng.randint(0, 1999):04d}",
            ]
        )
        for _ in range(args.pages)
    ]
    measure(client, urls[:5], counter)  # warm up: connections, caches
    cpu_before = time.process_time()
    times, queries, sandbox_queries = measure(client, urls, counter)
    cpu_ms = (time.process_time() - cpu_before) * 1000 / len(urls)  # both sides: one process

    print(f"\nIntegrations workflows list, {args.workflows} workflows, {args.pages} pages, PostgreSQL")
    sql = f"SQL/page: {queries:.1f} dashboard, {sandbox_queries:.1f} sandbox"
    print(f"  Workflows list   {summary(times)}   {sql}")
    load = os.getloadavg()[0]
    print(f"  CPU per page, dashboard and sandbox together: {cpu_ms:.1f} ms; load average {load:.1f}")
    p95 = sorted(times)[round(0.95 * (len(times) - 1))]
    print(f"  Target p95 < 150 ms: {'met' if p95 < 150 else 'NOT met'} ({p95:.1f} ms)")


if __name__ == "__main__":
    main()
