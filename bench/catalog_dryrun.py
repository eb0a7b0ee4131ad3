"""The dry run of a CSV import against a full catalog: every row of the file is already an item.

Prints rows/s of the dry run (the job's own duration) and the worker's peak resident memory
(`ru_maxrss` of the process that ran the job, and what it held before the job: Django and the
clients). Targets: at least 40,000 rows/s against 100,000 items; under 150 MB at 1,000,000 rows.

    .venv/bin/python bench/catalog_dryrun.py [--rows 100000] [--empty] [--runs 2]

The catalog (`bench-dryrun-<rows>`) is made once in SQL (generate_series) and kept; the CSV file
holds the same items, so every row is unchanged (`--empty`: a new empty catalog, every row new).
The sandbox runs in gunicorn (4 workers x 8 threads); the job runs in a process of its own, as a
Celery worker runs it. Database: `synadmin_bench_dryrun` (or DATABASE_URL).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import ROOT, serve_apart, setup

DATABASE = "synadmin_bench_dryrun"
COLUMNS = ["sku", "name", "category", "price", "stock", "color", "brand", "description", "attrs"]
CATEGORIES = ["shoes", "shirts", "hats", "bags"]
COLORS = ["red", "green", "blue", "black"]
BRANDS = ["Acme", "Globex", "Initech"]


def cells(n: int) -> list[str]:
    """Row n of the file; `fill` writes the same values into the catalog (attrs as JSON)."""
    return [
        f"SKU-{n:07d}",
        f"Product {n}",
        CATEGORIES[n % 4],
        str((n * 37) % 99_900 + 100),
        str(n % 500),
        COLORS[n % 4],
        BRANDS[n % 3],
        f"A sturdy product, number {n}, with a description of some length",
        f'{{"tags": ["a", "b"], "weight": {n % 97}}}',
    ]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(cells(n) for n in range(1, rows + 1))


def fill(catalog_id: int, rows: int) -> None:
    """Make the sandbox's catalog hold the file's rows as items, once (kept between runs)."""
    from django.db import connection
    from django.utils import timezone

    from apps.sandbox.catalogs.models import Catalog, CatalogItem

    if CatalogItem.objects.filter(catalog_id=catalog_id).count() == rows:
        return
    print(f"Inserting {rows:,} items …", flush=True)
    CatalogItem.objects.filter(catalog_id=catalog_id).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO sandbox_catalogitem (catalog_id, key, value, created)
            SELECT %s, 'SKU-' || lpad(g::text, 7, '0'), jsonb_build_object(
                'sku', 'SKU-' || lpad(g::text, 7, '0'),
                'name', 'Product ' || g,
                'category', (ARRAY['shoes','shirts','hats','bags'])[g %% 4 + 1],
                'price', ((g::bigint * 37) %% 99900 + 100)::text,
                'stock', (g %% 500)::text,
                'color', (ARRAY['red','green','blue','black'])[g %% 4 + 1],
                'brand', (ARRAY['Acme','Globex','Initech'])[g %% 3 + 1],
                'description', 'A sturdy product, number ' || g || ', with a description of some length',
                'attrs', jsonb_build_object('tags', jsonb_build_array('a', 'b'), 'weight', g %% 97)
            ), now()
            FROM generate_series(1, %s) AS g
            """,
            [catalog_id, rows],
        )
        cursor.execute("VACUUM ANALYZE sandbox_catalogitem")  # index-only scans, as on a settled table
    Catalog.objects.filter(pk=catalog_id).update(item_count=rows, keys=COLUMNS, modified=timezone.now())


def worker(job_id: int) -> None:
    """The job's task body in this process, as a worker runs it (no migrate: it would set the peak);
    prints the before-job and peak resident memory (KB) and the job's CPU seconds."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synadmin.settings")
    import django

    django.setup()
    from apps.catalogs.services import imports
    from synadmin.celery import freeze_what_is_loaded

    freeze_what_is_loaded()  # as a started worker has (synadmin/celery.py)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    if os.environ.get("BENCH_PROFILE"):  # where the job's time goes, on stderr
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)  # CPU, of every thread: the machine is shared
        profile.runcall(imports.check, job_id)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    else:
        imports.check(job_id)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    print(before, peak, time.process_time() - cpu)


def dry_run(workspace: Any, imp: Any) -> tuple[Any, float, float, float]:
    """One dry run in a worker process: the job, its peak and before-job memory in MB, its CPU seconds."""
    from django.db import transaction

    from apps.catalogs import tasks
    from apps.catalogs.services import imports

    imports.reopen(imp)
    choices = {
        "encoding": imp.encoding,
        "delimiter": imp.delimiter,
        "key_column": "sku",
        "json_columns": ["attrs"],
        "reconcile": False,
    }
    with transaction.atomic():
        job = imports.start_dry_run(workspace, imp=imp, choices=choices, task_name=tasks.check_import.name)
    done = subprocess.run(  # DATABASE_URL and the rest from this process's environment
        [sys.executable, __file__, "--worker", str(job.pk)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    before, peak, cpu = (float(figure) for figure in done.stdout.strip().splitlines()[-1].split())
    job.refresh_from_db()
    imp.refresh_from_db()
    assert job.state == job.State.SUCCEEDED, job.error
    return job, peak / 1024, before / 1024, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--empty", action="store_true", help="against an empty catalog: every row new")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--worker", type=int)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    setup(DATABASE)
    base = serve_apart(Path(tempfile.gettempdir()) / f"bench-catalog-dryrun-{os.getpid()}.log")

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile
    from django.core.management import call_command

    from apps.catalogs.services import imports
    from apps.catalogs.services.workspace import workspace_for
    from apps.sandbox.seed import seed

    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    workspace = workspace_for(user)
    api = workspace.client()
    name = f"bench-dryrun-empty-{int(time.time())}" if args.empty else f"bench-dryrun-{args.rows}"
    found = [c for c in api.list_catalogs(search=name, limit=100).data if c.name == name]
    catalog = found[0] if found else api.create_catalog(name).data
    if not args.empty:
        fill(catalog.id, args.rows)

    folder = Path(tempfile.mkdtemp(prefix="bench-catalog-dryrun-"))
    source = folder / "products.csv"
    write_csv(source, args.rows)
    size_mb = source.stat().st_size / 1e6
    with source.open("rb") as handle:
        imp = imports.upload(
            workspace, catalog=catalog, file=UploadedFile(handle, "products.csv", size=source.stat().st_size)
        )
    source.unlink()
    folder.rmdir()

    against = "an empty catalog" if args.empty else f"a catalog of {args.rows:,} items"
    width = f"{args.rows:,} rows x {len(COLUMNS)} columns ({size_mb:.1f} MB)"
    print(f"Catalog dry run, {width}, against {against}")
    print(f"  load average at the start: {os.getloadavg()[0]:.2f}")
    # The first job of a worker signs in to the catalogs API (the sandbox hashes the password); the runs
    # after it find the token kept, as a worker in use does. Both are printed.
    for run in range(args.runs + 1):
        job, peak, before, cpu = dry_run(workspace, imp)
        fate = "new" if args.empty else "unchanged"
        assert imp.counts[fate] == args.rows, imp.counts
        label = "First run " if run == 0 else "Dry run   "
        print(
            f"  {label}{args.rows / job.duration:9,.0f} rows/s  ({job.duration:5.1f} s, "
            f"worker CPU {cpu:5.1f} s)   worker peak RSS {peak:4.0f} MB (before the job {before:3.0f} MB)"
            + ("   (signs in)" if run == 0 else "")
        )
    print(f"  load average at the end: {os.getloadavg()[0]:.2f}")
    shutil.rmtree(imports.folder_of(imp), ignore_errors=True)  # the upload's copy and the plan


if __name__ == "__main__":
    main()
