"""Workflows list with 5,000 workflows in the sandbox on PostgreSQL.

Prints the dashboard's server time per page of /workflows/ (it includes the HTTP call to the sandbox's
W2 and our last-run lookup), median and p95, with SQL queries per page on both sides, for plain pages,
status filters, searches and sorts. Target: p95 under 150 ms.

    .venv/bin/python bench/workflows_list.py [--workflows 5000] [--pages 60]
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import timedelta
from typing import Any

from harness import QueryCounter, serve, setup, summary

PREFIX = "Bench workflow"


def make_workflows(total: int) -> None:
    """The workflows, made once and kept between runs (bulk inserts, not the API)."""
    from django.db import connection
    from django.utils import timezone

    from apps.sandbox.models import Workspace
    from apps.sandbox.workflows.models import Workflow
    from apps.sandbox.workflows.seed import FOLDERS, configuration, folder_id, tag

    workspace = Workspace.objects.get(name="Demo workspace")
    have = Workflow.objects.filter(workspace=workspace).count()
    if have >= total:
        return
    print(f"Inserting {total - have} workflows …", flush=True)
    rng = random.Random(have)
    now = timezone.now()
    statuses = ["Active", "Draft", "Scheduled", "Paused", "Stopped"]
    rows = []
    for n in range(have, total):
        changed = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        rows.append(
            Workflow(
                diagram_id=uuid.uuid4(),
                workspace=workspace,
                name=f"{PREFIX} {n:05}",
                description=f"Bench workflow number {n}",
                author=f"author{n % 40}@example.test",
                status=rng.choice(statuses),
                directory_id=folder_id(rng.choice(FOLDERS)),
                configuration=configuration((1, 86400) if n % 3 else None),
                tags=[tag(rng.choice(["vip", "import", "newsletter"]))],
                has_transformation=n % 2 == 0,
                created=changed - timedelta(days=30),
                updated=changed,
            )
        )
    Workflow.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Any, urls: list[str], counter: QueryCounter) -> tuple[list[float], float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, ours, theirs = [], 0, 0
    for url in urls:
        before = counter.count
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        ours += len(queries)
        theirs += counter.count - before
    return times, ours / len(urls), theirs / len(urls)


def measure_hop(count: int, pages: int) -> list[float]:
    """The same kind of W2 page read straight through the dashboard's client, for comparison."""
    from apps.automations.services.workspace import workspace_for
    from apps.connections.models import Connection

    rng = random.Random(2)
    times = []
    with workspace_for(None, connection=Connection.objects.get(kind="synerise")).client() as api:
        for _ in range(count):
            started = time.perf_counter()
            api.list_workflows(page=rng.randint(1, pages), limit=25)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workflows", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    setup("synadmin_bench_workflows")

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from apps.accounts.roles import sync_roles
    from apps.automations.services import runs
    from apps.sandbox.seed import seed

    counter = QueryCounter()
    base = serve(counter)
    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    make_workflows(args.workflows)
    sync_roles()
    runs.poll()  # the demo runs in our history, so rows show their last run
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)

    pages = max(1, args.workflows // 25)
    rng = random.Random(1)
    kinds = {
        "page": lambda: f"/workflows/?page={rng.randint(1, pages)}",
        "status": lambda: f"/workflows/?status=Active&page={rng.randint(1, pages // 5)}",
        "search": lambda: f"/workflows/?q={PREFIX.replace(' ', '+')}+0{rng.randint(10, 49)}",
        "sort": lambda: f"/workflows/?sort=name:asc&page={rng.randint(1, pages)}",
    }
    urls = [rng.choice(list(kinds.values()))() for _ in range(args.pages)]
    measure(client, urls[:5], counter)  # warm up: tokens, connections

    times, queries, sandbox_queries = measure(client, urls, counter)
    hop = measure_hop(args.pages, pages)
    print(
        f"\nWorkflows list, {args.workflows} workflows, {args.pages} pages (pages, filters, searches, sorts)"
    )
    print(
        f"  Dashboard workflows list {summary(times)}   "
        f"SQL/page: {queries:.1f} dashboard, {sandbox_queries:.1f} sandbox"
    )
    print(f"  of which the W2 call alone     {summary(hop)}   (the HTTP hop and the sandbox's work)")
    p95 = sorted(times)[round(0.95 * (len(times) - 1))]
    print(f"  Target p95 < 150 ms: {'met' if p95 < 150 else 'NOT met'} ({p95:.1f} ms)")


if __name__ == "__main__":
    main()
