"""Bulk pause of 500 workflows with the sandbox adding 50 ms to every call.

Prints workflows/s of the bulk job (the shared runner: bounded concurrency, one connection pool) against a
plain sequential loop of the same pause calls in the same run; target: at least 5x. Then pauses 500 more
with 10% of calls failing (503, or the answer lost after the pause was made), retries the failed, and
checks that every workflow ends paused with one successful pause each.

    .venv/bin/python bench/workflows_bulk_pause.py [--workflows 500] [--sequential 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import serve_apart, setup


def active(count: int, tag: str) -> list[str]:
    """Active sandbox workflows tagged `tag`, straight into the sandbox's tables."""
    from apps.sandbox.models import Workspace
    from apps.sandbox.workflows.models import Workflow, WorkflowStatus

    workspace = Workspace.objects.get(name="Demo workspace")
    Workflow.objects.filter(workspace=workspace, name__startswith=f"{tag} ").delete()
    made = Workflow.objects.bulk_create(
        Workflow(
            workspace=workspace,
            name=f"{tag} {n:04}",
            author="bench@synadmin.test",
            status=WorkflowStatus.ACTIVE,
            tags=[{"hash": tag, "value": tag, "color": "#333", "description": "", "icon": ""}],
            has_transformation=False,
        )
        for n in range(count)
    )
    return [str(workflow.diagram_id) for workflow in made]


def faults(latency_ms: int, error_rate: float = 0.0, kinds: tuple[str, ...] = ("5xx",)) -> None:
    from apps.sandbox.models import FaultSettings

    FaultSettings.objects.update_or_create(
        pk=1,
        defaults={
            "latency_ms": latency_ms,
            "error_rate": error_rate,
            "faults": list(kinds),
            "retry_after": 1,
        },
    )


def run_bulk(user: Any, connection: Any, api: Any, ids: list[str]) -> tuple[Any, float]:
    from django.db import transaction

    from apps.automations import tasks
    from apps.automations.services import bulk
    from apps.automations.services.workspace import workspace_for

    workflows = [workflow for batch in bulk.select(api, ids=ids) for workflow in batch]
    started = time.perf_counter()
    with transaction.atomic():  # as the readiness page does; the task runs inline: tasks are eager here
        job = bulk.create_job(
            workspace_for(user, connection=connection), "pause", workflows, task_name=tasks.run_bulk.name
        )
        tasks.run_bulk.delay_on_commit(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    return job, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workflows", type=int, default=500)
    parser.add_argument("--sequential", type=int, default=100)
    args = parser.parse_args()
    setup("synadmin_bench")

    from django.contrib.auth.models import User
    from django.core.management import call_command

    from apps.automations.services.workspace import workspace_for
    from apps.connections import services as connections
    from apps.connections.models import Connection
    from apps.core.models import AuditEntry
    from apps.jobs import runner
    from apps.jobs import tasks as jobs_tasks
    from apps.sandbox.seed import seed
    from apps.sandbox.workflows.models import Workflow
    from synadmin.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    base = serve_apart(Path(tempfile.gettempdir()) / "bench-workflows-server.log")
    faults(0)
    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    connection = connections.connection_for(user, Connection.Kind.SYNERISE)
    sequential_ids = active(args.sequential, "Sequential")
    bulk_ids = active(args.workflows, "Bulk")
    faulty_ids = active(args.workflows, "Faulty")

    with workspace_for(user, connection=connection).client() as api:
        api.list_workflows(limit=1)  # log in before timing
        faults(50)
        started = time.perf_counter()
        for workflow_id in sequential_ids:
            api.pause_workflow(workflow_id)
        sequential = args.sequential / (time.perf_counter() - started)

        job, elapsed = run_bulk(user, connection, api, bulk_ids)
        concurrent = args.workflows / elapsed
        assert job.state == "succeeded", job.error

        faults(50, 0.10, ("5xx", "lost"))
        faulty_job, faulty_elapsed = run_bulk(user, connection, api, faulty_ids)
        failed_first = faulty_job.items.filter(state="failed").count()
        faults(0)
        retries = 0
        while faulty_job.state != "succeeded" and retries < 3:
            jobs_tasks.retry(faulty_job, user=user)
            faulty_job.refresh_from_db()
            retries += 1

    paused = Workflow.objects.filter(diagram_id__in=faulty_ids, status="Paused").count()
    ok = AuditEntry.objects.filter(action="workflow.pause", outcome="ok", detail__bulk=faulty_job.pk)
    once = sorted(ok.values_list("target_id", flat=True)) == sorted(faulty_ids)

    ratio = concurrent / sequential
    print(f"\nBulk pause, 50 ms added to every sandbox call, {runner.WORKERS} calls at a time")
    print(f"  Sequential loop ({args.sequential} workflows)   {sequential:7.1f} workflows/s")
    print(f"  Bulk job ({args.workflows} workflows)          {concurrent:7.1f} workflows/s   {ratio:.1f}x")
    print(f"  Target at least 5x: {'met' if ratio >= 5 else 'NOT met'}")
    print(f"\n  With 10% of calls failing (503, or answer lost after the pause), {args.workflows} workflows:")
    print(f"    first run {faulty_elapsed:.1f} s, {failed_first} items failed; {retries} retry of the failed")
    each = "yes" if once else "NO"
    print(f"    paused in the end: {paused} of {args.workflows}; one successful pause each: {each}")


if __name__ == "__main__":
    main()
