"""Export of a catalog of 100,000 items (10 columns) to CSV through the dashboard's job.

The sandbox runs in gunicorn, apart; the job runs in a process of its own, as a worker runs it (the
task's function, called as the worker calls it), which reports its peak memory (ru_maxrss) and its
memory before the job. Prints rows/s and the peak. The job's file goes to a temporary folder.

    .venv/bin/python bench/catalog_export.py [--items 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from catalog_data import big_catalog, database_from_env
from harness import serve_apart, setup

NAME = "bench-export-100k"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(job_id: int) -> None:
    """The worker's side: run the export task's function and report time and memory as JSON."""
    setup(database_from_env())
    from apps.catalogs import tasks

    before = rss_mb()
    started = time.perf_counter()
    tasks.run_export.run(job_id)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "before_mb": before, "peak_mb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--worker", type=int)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ["SYNADMIN_CATALOG_EXPORT_DIR"] = str(folder)
    setup(database_from_env())

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction

    from apps.catalogs import tasks
    from apps.catalogs.models import Export
    from apps.catalogs.services import exports
    from apps.catalogs.services.workspace import workspace_for
    from apps.sandbox.seed import seed

    base = serve_apart(folder / "gunicorn.log")
    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    catalog_id = big_catalog(NAME, args.items)
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    workspace = workspace_for(user)
    with workspace.client() as api:
        catalog = api.get_catalog(catalog_id).data
    with transaction.atomic():
        export = exports.start_export(workspace, catalog=catalog, search="", task_name=tasks.run_export.name)

    child = subprocess.run(
        [sys.executable, __file__, "--worker", str(export.job_id)], capture_output=True, text=True, check=True
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    export = Export.objects.select_related("job").get(pk=export.pk)
    assert export.job.state == "succeeded", export.job.error
    path = folder / export.file_name
    lines = sum(1 for _ in path.open(encoding="utf-8"))
    rate = export.rows / figures["seconds"]
    grew = figures["peak_mb"] - figures["before_mb"]

    print(f"\nCatalog export, {export.rows} items x 10 columns of {NAME}, pages of 1000, PostgreSQL")
    print(f"  Job: {figures['seconds']:.1f} s, {rate:,.0f} rows/s, file {path.stat().st_size / 2**20:.1f} MB")
    print(f"  File lines: {lines} (header + {lines - 1} rows)")
    print(
        f"  Worker memory: {figures['before_mb']:.0f} MB before the job, peak {figures['peak_mb']:.0f} MB "
        f"(+{grew:.0f} MB while exporting)"
    )
    path.unlink()


if __name__ == "__main__":
    main()
