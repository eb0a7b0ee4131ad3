"""A launch of 200 steps with the sandbox adding 50 ms to every call: 100 record publishes and a 10,000-row
catalog import in stage 1, 50 workflow resumes and 49 Canvas scheduler switches in stage 2.

Prints the time from go to done, how late the start was picked up, the time of the rollback and how many
targets it restored, and then the Undo of the 10,000-row import with 50 items edited in between (restored
exactly, the 50 kept). The launch runs here, in this process, as a worker runs it (`running.run`); the
sandbox answers from gunicorn processes of its own.

    .venv/bin/python bench/launch.py [--records 100] [--rows 10000] [--workflows 50] [--canvas 49]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulk_publish import drafts, faults
from catalog_import import write_csv
from harness import demo_schema, serve_apart, setup

APP_ID = "bench-launch"
EDITED = 50


def paused_workflows(count: int) -> list[str]:
    from apps.sandbox.models import Workspace
    from apps.sandbox.workflows.models import Workflow, WorkflowStatus

    workspace = Workspace.objects.get(name="Demo workspace")
    Workflow.objects.filter(workspace=workspace, name__startswith="Launch bench ").delete()
    made = Workflow.objects.bulk_create(
        Workflow(
            workspace=workspace,
            name=f"Launch bench {n:04}",
            author="bench@synadmin.test",
            status=WorkflowStatus.PAUSED,
            has_transformation=False,
        )
        for n in range(count)
    )
    return [str(workflow.diagram_id) for workflow in made]


def canvas_workflows(count: int) -> list[str]:
    from apps.sandbox.canvas.models import CanvasTemplate, CanvasWorkflow
    from apps.sandbox.models import CanvasKey

    key = CanvasKey.objects.get()
    CanvasWorkflow.objects.filter(key=key, name__startswith="Launch bench ").delete()
    template = CanvasTemplate.objects.filter(key__isnull=True).first()
    assert template is not None
    made = CanvasWorkflow.objects.bulk_create(
        CanvasWorkflow(
            key=key,
            account_id=key.account_id,
            name=f"Launch bench {n:04}",
            status="Ready",
            is_scheduled=False,
            workflow_template_id=template.id,
            chain=template.chain,
        )
        for n in range(count)
    )
    return [str(workflow.id) for workflow in made]


def checked_import(workspace: Any, rows: int) -> Any:
    from django.core.files.uploadedfile import UploadedFile
    from django.db import transaction

    from apps.catalogs import tasks
    from apps.catalogs.services import imports

    with workspace.client() as api:
        stale = [c.id for c in api.list_catalogs(search="bench-launch", limit=100).data]
        if stale:
            api.delete_catalogs(stale)
        catalog = api.create_catalog(f"bench-launch-{int(time.time())}").data
    source = Path(tempfile.mkdtemp(prefix="bench-launch-")) / "products.csv"
    write_csv(source, rows)
    with source.open("rb") as handle:
        imp = imports.upload(
            workspace, catalog=catalog, file=UploadedFile(handle, "products.csv", size=source.stat().st_size)
        )
    choices: dict[str, Any] = {"encoding": imp.encoding, "delimiter": imp.delimiter, "key_column": "sku"}
    choices |= {"json_columns": ["attrs"], "reconcile": False}
    with transaction.atomic():
        job = imports.start_dry_run(workspace, imp=imp, choices=choices, task_name=tasks.check_import.name)
    imports.check(job.pk)
    imp.refresh_from_db()
    assert imports.stage(imp) == "checked", imports.stage(imp)
    return imp


def add(user: Any, launch: Any, connection: Any, key: str, params: dict[str, Any], stage: int) -> None:
    from apps.jobs import steps
    from apps.launches.models import Step

    kind = steps.kind(key)
    target = kind.pick(kind.workspace(user, connection, params), params)
    # As add_step does, less its check (the start checks every step again, timed below).
    position = Step.objects.filter(launch=launch, stage=stage).count() + 1
    Step.objects.create(
        launch=launch,
        stage=stage,
        position=position,
        kind=key,
        target=target,
        connection=connection,
        added_by=user,
    )


@dataclass
class Planned:
    launch: Any
    user: Any
    records: list[Any]
    workflows: list[str]
    canvas: list[str]
    imp: Any


def plan(base: str, app_id: str, name: str, args: argparse.Namespace) -> Planned:
    """The targets made in the sandbox, and the launch `name` of a step each: stage 1 the record
    publishes and the import, stage 2 the workflow resumes and the scheduler switches."""
    from apps.catalogs.services.workspace import workspace_for as catalogs_workspace
    from apps.connections import services as connections
    from apps.connections.models import Connection
    from apps.launches.models import Launch
    from apps.launches.services import launches

    schema, user, _ = demo_schema(base, app_id, name)
    records = drafts(schema, args.records, name)
    workflows = paused_workflows(args.workflows)
    canvas = canvas_workflows(args.canvas)
    synerise = connections.connection_for(user, Connection.Kind.SYNERISE)
    canvas_connection = connections.connection_for(user, Connection.Kind.CANVAS)
    imp = checked_import(catalogs_workspace(user, connection=synerise), args.rows)
    Launch.objects.filter(name=name).delete()
    launch = launches.create_launch(user, name=name, description="", go_at=None)
    for record in records:
        add(user, launch, synerise, "content.publish", {"app_id": app_id, "record": str(record)}, 1)
    add(user, launch, synerise, "catalogs.import", {"import": imp.pk}, 1)
    for workflow in workflows:
        add(user, launch, synerise, "automations.resume", {"workflow": workflow}, 2)
    for workflow in canvas:
        params = {"workflow": workflow, "cron": "0 0 5 ? * MON-FRI"}
        add(user, launch, canvas_connection, "canvas.schedule_on", params, 2)
    return Planned(launch, user, records, workflows, canvas, imp)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workflows", type=int, default=50)
    parser.add_argument("--canvas", type=int, default=49)
    args = parser.parse_args()
    setup("synadmin_bench_launch")

    from django.utils import timezone

    from apps.catalogs.services import restore
    from apps.catalogs.services.workspace import workspace_for as catalogs_workspace
    from apps.connections import services as connections
    from apps.connections.models import Connection
    from apps.launches.models import LaunchAction, Step
    from apps.launches.services import running
    from apps.sandbox.brickworks.models import RecordVersion
    from apps.sandbox.canvas.models import CanvasWorkflow
    from apps.sandbox.catalogs.models import CatalogItem
    from apps.sandbox.workflows.models import Workflow
    from synadmin.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    base = serve_apart(Path(tempfile.gettempdir()) / "bench-launch-server.log")
    faults(0)
    planned = plan(base, APP_ID, "Bench launch", args)
    launch, user, imp = planned.launch, planned.user, planned.imp
    records, workflows, canvas = planned.records, planned.workflows, planned.canvas
    synerise = connections.connection_for(user, Connection.Kind.SYNERISE)
    total = launch.steps.count()

    faults(50)
    running.ask(user, launch, "start")
    start = launch.actions.get(action=LaunchAction.Action.START, state=LaunchAction.State.PENDING)
    began = time.perf_counter()
    assert running.run(start.pk) == "done"
    went = time.perf_counter() - began
    start.refresh_from_db()
    late = (start.picked_up_at - start.due_at).total_seconds() if start.picked_up_at else float("nan")
    launch.refresh_from_db()
    ended = launch.get_state_display()
    done = launch.steps.filter(state=Step.State.DONE).count()
    live = RecordVersion.objects.filter(record_id__in=records, status="PUBLISHED").count()
    running_now = Workflow.objects.filter(diagram_id__in=workflows, status="Active").count()
    scheduled = CanvasWorkflow.objects.filter(id__in=canvas, is_scheduled=True).count()
    items = CatalogItem.objects.filter(catalog_id=imp.catalog_id).count()

    running.ask(user, launch, "roll_back")
    back = launch.actions.get(action=LaunchAction.Action.ROLL_BACK, state=LaunchAction.State.PENDING)
    began = time.perf_counter()
    assert running.run(back.pk) == "done"
    rolled = time.perf_counter() - began
    launch.refresh_from_db()
    restored = (
        (args.records - RecordVersion.objects.filter(record_id__in=records, status="PUBLISHED").count())
        + (args.workflows - Workflow.objects.filter(diagram_id__in=workflows, status="Active").count())
        + (args.canvas - CanvasWorkflow.objects.filter(id__in=canvas, is_scheduled=True).count())
        + (1 if not CatalogItem.objects.filter(catalog_id=imp.catalog_id).exists() else 0)
    )

    # Undo of a 10,000-row import on its own, with 50 of its items edited in between.
    second = checked_import(catalogs_workspace(user, connection=synerise), args.rows)
    workspace = catalogs_workspace(user, connection=synerise)
    from apps.catalogs.services import imports

    job = imports.start_import(workspace, imp=second, task_name="apps.catalogs.tasks.run_import")
    imports.run_import(job.pk)
    edited = list(CatalogItem.objects.filter(catalog_id=second.catalog_id).order_by("pk")[:EDITED])
    with workspace.client() as api:
        for item in edited:
            api.add_item(second.catalog_id, item_key=item.key, value={"sku": item.key, "edited": True})
    second.refresh_from_db()
    began = time.perf_counter()
    undone = restore.restore(workspace, second)
    undo_seconds = time.perf_counter() - began
    kept = CatalogItem.objects.filter(catalog_id=second.catalog_id).count()
    faults(0)

    print(f"Launch of {total} steps ({args.records} records, a {args.rows:,}-row import,", end=" ")
    print(f"{args.workflows} workflows,")
    print(f"{args.canvas} Canvas schedulers), 50 ms per remote call, run in this process as a worker runs it")
    print(f"  go to done          {went:7.1f} s   ({done} of {total} steps done; {ended})")
    print(f"  start picked up     {late:7.1f} s after due (here at once; the sweep hands it out within 10 s)")
    print(f"  done: {live} records live, {running_now} workflows running,", end=" ")
    print(f"{scheduled} schedulers on, {items:,} items")
    targets = args.records + args.workflows + args.canvas + 1
    print(f"  rollback            {rolled:7.1f} s   ({restored} of {targets} targets as before)")
    print(f"Undo of a {args.rows:,}-row import with {EDITED} items edited since")
    print(f"  undo                {undo_seconds:7.1f} s   {undone.said[:120]}")
    print(f"  items left: {kept} (the {len(undone.left_alone)} left alone: the edited ones)")
    assert timezone.now()


if __name__ == "__main__":
    main()
