"""Import of a 100,000-row, 10-column CSV file into a catalog of the sandbox, through the dashboard's jobs.

Prints rows/s of the dry run (against an empty catalog, then again against the catalog once it holds
the rows: every row unchanged) and of the import (C11 batches of 1,000, 8 at a time), and the peak
memory of the worker process that ran each job. Targets: dry run at least 20,000 rows/s, import at
least 5,000 rows/s, worker under 150 MB.

    .venv/bin/python bench/catalog_import.py [--rows 100000]

The sandbox runs in gunicorn (4 workers x 8 threads), apart from the job, as the real API would be.
Each job runs in a process of its own (the task's body, as a Celery worker runs it), so its peak
resident memory is that process's own. Database: `synadmin_bench_import` (made on first run).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import ROOT, serve_apart, setup

COLUMNS = ["sku", "name", "category", "price", "stock", "color", "size", "brand", "description", "attrs"]


def write_csv(path: Path, rows: int) -> None:
    pick = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(1, rows + 1):
            writer.writerow(
                [
                    f"SKU-{n:07d}",
                    f"Product {n}",
                    pick.choice(["shoes", "shirts", "hats", "bags"]),
                    f"{pick.randint(100, 99999) / 100:.2f}",
                    str(pick.randint(0, 500)),
                    pick.choice(["red", "green", "blue", "black"]),
                    pick.choice(["S", "M", "L", "XL"]),
                    pick.choice(["Acme", "Globex", "Initech"]),
                    f"A sturdy product, number {n}, with a description of some length",
                    json.dumps({"tags": ["a", "b"], "weight": n % 97}),
                ]
            )


def in_worker(task: str, job_id: int) -> float:
    """Run the job's task body in a process of its own; returns that process's peak memory in MB."""
    command = [sys.executable, __file__, "--worker", task, str(job_id)]
    done = subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def worker(task: str, job_id: int) -> None:
    setup("synadmin_bench_import")
    from apps.catalogs.services import imports

    body = imports.check if task == "check" else imports.run_import
    if os.environ.get("BENCH_PROFILE"):  # where the job's time goes, on stderr
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(body, job_id)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    else:
        body(job_id)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KB on Linux


def check(workspace: Any, imp: Any) -> tuple[Any, float]:
    from django.db import transaction

    from apps.catalogs import tasks
    from apps.catalogs.services import imports

    choices = {
        "encoding": imp.encoding,
        "delimiter": imp.delimiter,
        "key_column": "sku",
        "json_columns": ["attrs"],
        "reconcile": False,
    }
    with transaction.atomic():
        job = imports.start_dry_run(workspace, imp=imp, choices=choices, task_name=tasks.check_import.name)
    memory = in_worker("check", job.pk)
    job.refresh_from_db()
    imp.refresh_from_db()
    assert job.state == job.State.SUCCEEDED, job.error
    return job, memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--worker", nargs=2)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]))
        return
    setup("synadmin_bench_import")
    base = serve_apart(Path(tempfile.gettempdir()) / "bench-catalog-import.log")

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile
    from django.core.management import call_command

    from apps.catalogs import tasks
    from apps.catalogs.services import imports
    from apps.catalogs.services.workspace import workspace_for
    from apps.sandbox.seed import seed

    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    workspace = workspace_for(user)
    api = workspace.client()
    stale = [c.id for c in api.list_catalogs(search="bench-import", limit=100).data]
    if stale:
        api.delete_catalogs(stale)
    catalog = api.create_catalog(f"bench-import-{int(time.time())}").data

    folder = Path(tempfile.mkdtemp(prefix="bench-catalog-import-"))
    source = folder / "products.csv"
    write_csv(source, args.rows)
    size_mb = source.stat().st_size / 1e6
    with source.open("rb") as handle:
        imp = imports.upload(
            workspace, catalog=catalog, file=UploadedFile(handle, "products.csv", size=source.stat().st_size)
        )

    first, first_mb = check(workspace, imp)
    counts = dict(imp.counts)
    assert counts["new"] == args.rows, counts

    job = imports.start_import(workspace, imp=imp, task_name=tasks.run_import.name)
    import_mb = in_worker("import", job.pk)
    job.refresh_from_db()
    assert job.state == job.State.SUCCEEDED, job.error
    total = api.list_items(catalog.id, limit=1).meta_data.total_count
    assert total == args.rows, total

    imp.run = None  # the same file again, now that the catalog holds it
    imp.save(update_fields=["run"])
    imports.reopen(imp)
    again, again_mb = check(workspace, imp)
    assert imp.counts["unchanged"] == args.rows, imp.counts

    def rate(done: int, seconds: float | None) -> str:
        return f"{done / seconds:9,.0f} rows/s  ({seconds:5.1f} s)" if seconds else "n/a"

    print(
        f"Catalog import, {args.rows:,} rows x {len(COLUMNS)} columns ({size_mb:.1f} MB), "
        "sandbox on PostgreSQL"
    )
    print(
        f"  Dry run, empty catalog        {rate(args.rows, first.duration)}   worker peak {first_mb:5.0f} MB"
    )
    print(
        f"  Import (C11 x 1,000, 8 at once){rate(args.rows, job.duration)}   worker peak {import_mb:5.0f} MB"
    )
    print(
        f"  Dry run, catalog full         {rate(args.rows, again.duration)}   worker peak {again_mb:5.0f} MB"
    )
    dry_ok = min(args.rows / first.duration, args.rows / again.duration) >= 20_000
    import_ok = args.rows / job.duration >= 5_000
    memory_ok = max(first_mb, import_mb, again_mb) < 150
    print(
        "  Targets: dry run >= 20,000 rows/s "
        f"{'met' if dry_ok else 'NOT met'}; import >= 5,000 rows/s {'met' if import_ok else 'NOT met'}; "
        f"worker < 150 MB {'met' if memory_ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
