"""Recovery from a worker killed with `kill -9`: a bulk publish job, a scheduled publish, and the run of a
Synerise workflow and of a Canvas workflow killed at each step.

The sandbox runs apart in gunicorn with 50 ms added to every call (its access log counts the remote
calls it received); a real Celery worker (`celery -A synadmin worker --pool threads --concurrency 2`)
and a real Celery beat run as processes of their own, on Redis (`redis://127.0.0.1:6379/14`, flushed at
start) or RabbitMQ (the vhost `synadmin_bench_recovery`, purged at start), and the database
`synadmin_bench_recovery`. Beat sweeps every 10 s as configured (`CELERY_BEAT_SCHEDULE`).

(a) A bulk publish job of 400 records; the worker's process group is killed when progress is between
    20% and 60%, and a new worker is started at once. Prints the time from the kill to the job's
    success and the records lost (never published) and doubled (published more than once).
(b) A publish scheduled a few seconds ahead; the worker is killed as soon as the action is claimed
    (`running`), and a new worker is started at once. Prints how late after its due time the record
    was published and the action was done, and lost/doubled.

(c) A Synerise workflow run and (d) a Canvas workflow run, each killed at three steps: just before the
    run call leaves (its intent recorded), just after the remote answered it (not yet confirmed), and
    while the job follows the run's stages or blocks. For the first two the killed worker is
    `bench/recovery_worker.py`, which stops at that point and waits for the kill; a new plain worker is
    started at once. Prints, for each, what the kill left behind, the time from the kill to the job being
    picked up again and to its end, and lost (no run, or the job did not succeed) and doubled (run calls
    the sandbox received beyond one).

Targets: under 60 s, 0 lost, 0 doubled.

    .venv/bin/python bench/recovery.py [--records 400] [--broker redis|rabbitmq|both] [--parts all|runs]

RabbitMQ needs the vhost once (as root):
    rabbitmqctl add_vhost synadmin_bench_recovery
    rabbitmqctl set_permissions -p synadmin_bench_recovery guest ".*" ".*" ".*"
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from harness import ROOT, demo_schema, serve_apart, setup

BROKERS = {
    "redis": "redis://127.0.0.1:6379/14",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/synadmin_bench_recovery",
}
APP_ID = "bench-recovery"
TARGET_S = 60.0
LOGS = Path(tempfile.gettempdir()) / "bench-recovery"
POINTS = ("before send", "after send", "following")
CANVAS_TEMPLATE = "c1a0e7f2-5b7e-4d2a-9a51-2f4f0e0d7b02"  # the sandbox's chained template (4 blocks)
CANVAS_APPS = {"QUIN": "1710ff47-f590-43db-b0de-015676e99615", "FTP": "a067c363-7339-4fed-b1ad-efafd7603986"}


class Processes:
    """The worker and beat processes this script starts, each in a process group of its own."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.workers = 0
        atexit.register(self.stop_all)

    def _start(
        self, args: list[str], log: Path, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        # The worker goes through bench/recovery_worker.py: plain Celery, or one that stops at a point.
        command = [sys.executable, str(ROOT / "bench" / "recovery_worker.py"), *args]
        out = log.open("w")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env or os.environ.copy(), stdout=out, stderr=out, start_new_session=True
        )
        self.started.append(process)
        return process

    def worker(self, pause_at: str = "", marker: Path | None = None) -> tuple[subprocess.Popen[bytes], Path]:
        self.workers += 1
        log = LOGS / f"worker-{self.workers}.log"
        name = f"bench-recovery-{self.workers}@%h"
        args = ["worker", "--pool", "threads", "--concurrency", "2", "-n", name, "--loglevel", "info"]
        env = os.environ.copy()
        if pause_at:
            env["BENCH_PAUSE_AT"], env["BENCH_PAUSE_MARKER"] = pause_at, str(marker)
        return self._start(args, log, env), log

    def beat(self) -> subprocess.Popen[bytes]:
        schedule = LOGS / "celerybeat-schedule"
        return self._start(["beat", "-s", str(schedule), "--loglevel", "info"], LOGS / "beat.log")

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """kill -9 the process group (the worker and anything it forked)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                self.kill(process)


def wait_ready(log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and " ready." in log.read_text():
            return
        time.sleep(0.1)
    raise RuntimeError(f"the worker did not start; see {log}")


def versions(record_ids: list[Any]) -> tuple[int, int]:
    """(lost, doubled): records never published, records published more than once."""
    from django.db.models import Count, Q

    from apps.sandbox.brickworks.models import RecordVersion

    counts = dict.fromkeys(record_ids, 0)
    rows = (
        RecordVersion.objects.filter(record_id__in=record_ids)
        .values("record_id")
        .annotate(published=Count("pk", filter=Q(published_at__isnull=False)))
    )
    for row in rows:
        counts[row["record_id"]] = row["published"]
    return sum(n == 0 for n in counts.values()), sum(n > 1 for n in counts.values())


def verdict(seconds: float | None, lost: int, doubled: int) -> str:
    misses = []
    if seconds is None or seconds >= TARGET_S:
        misses.append("time")
    if lost:
        misses.append("lost")
    if doubled:
        misses.append("doubled")
    return "met" if not misses else f"NOT met ({', '.join(misses)})"


def received(access: Path, needle: str) -> int:
    """POST requests whose request line holds `needle`, in the sandbox's access log."""
    if not access.exists():
        return 0
    return sum(1 for line in access.read_text().splitlines() if '"POST ' in line and needle in line)


def empty_broker(name: str, url: str) -> None:
    """Nothing left over from an earlier run: Redis's db flushed, the RabbitMQ vhost's queue purged."""
    if name == "redis":
        import redis

        redis.Redis.from_url(url).flushdb()
        return
    from kombu.connection import Connection

    try:
        with Connection(url, connect_timeout=5) as conn:  # type: ignore[no-untyped-call]
            conn.connect()
    except Exception as exc:
        raise SystemExit(
            f"RabbitMQ refused {url} ({exc}); make the vhost once as root (see this file's docstring)"
        ) from exc
    from synadmin.celery import app

    app.control.purge()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--broker", choices=["redis", "rabbitmq", "both"], default="both")
    parser.add_argument("--redis", default=BROKERS["redis"])
    parser.add_argument("--rabbitmq", default=BROKERS["rabbitmq"])
    parser.add_argument("--database", default="synadmin_bench_recovery")
    parser.add_argument("--parts", choices=["all", "runs"], default="all")
    args = parser.parse_args()
    if args.broker == "both":
        # One process per broker: Django and Celery read the broker once, at start.
        for broker in ("redis", "rabbitmq"):
            command = [sys.executable, __file__, "--broker", broker, "--records", str(args.records)]
            command += ["--redis", args.redis, "--rabbitmq", args.rabbitmq]
            command += ["--database", args.database, "--parts", args.parts]
            subprocess.run(command, check=True)
        return
    url = args.redis if args.broker == "redis" else args.rabbitmq
    global LOGS
    LOGS = LOGS / args.broker
    LOGS.mkdir(parents=True, exist_ok=True)
    os.environ["CELERY_BROKER_URL"] = url
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{args.database}")
    setup(args.database)

    from bulk_publish import faults

    empty_broker(args.broker, url)
    access = LOGS / "access.log"
    access.unlink(missing_ok=True)
    base = serve_apart(LOGS / "server.log", access)
    faults(0)
    schema, user, connection = demo_schema(base, APP_ID, "Bench recovery")
    processes = Processes()
    processes.beat()
    print(f"\nBroker: {args.broker} ({url.split('@')[-1]})")
    if args.parts == "all":
        bulk_and_scheduled(processes, args.records, schema, user, connection)
    runs_killed(processes, user, connection, access)
    faults(0)
    processes.stop_all()


def bulk_and_scheduled(processes: Processes, count: int, schema: Any, user: Any, connection: Any) -> None:
    from bulk_publish import drafts, faults
    from django.db import transaction
    from django.utils import timezone

    from apps.connections import services as connections
    from apps.content import tasks
    from apps.content.client import BrickworksClient
    from apps.content.models import ScheduledAction
    from apps.content.services import bulk, schedule
    from apps.content.services.workspace import workspace_for as content_workspace
    from apps.jobs.models import Job, JobItem
    from apps.sandbox.brickworks.models import RecordVersion

    bulk_ids = drafts(schema, count, "Recovery")
    [scheduled_id] = drafts(schema, 1, "Scheduled")

    worker, log = processes.worker()
    wait_ready(log)
    with BrickworksClient(connections.http_for(connection)) as api:
        remote_schema = api.get_schema(APP_ID)
        records = [
            r for batch in bulk.select(api, remote_schema, ids=[str(i) for i in bulk_ids]) for r in batch
        ]
        [[scheduled_record]] = bulk.select(api, remote_schema, ids=[str(scheduled_id)])
    faults(50)

    # (a) kill -9 mid bulk job
    with transaction.atomic():
        job = bulk.create_job(
            content_workspace(user, connection=connection),
            remote_schema,
            "publish",
            records,
            task_name=tasks.run_bulk.name,
        )
        tasks.run_bulk.delay_on_commit(job.pk)
    deadline = time.monotonic() + 120
    while True:
        job.refresh_from_db()
        if job.state == Job.State.RUNNING and 20 <= job.progress <= 60:
            break
        if job.is_finished or job.progress > 60 or time.monotonic() > deadline:
            raise RuntimeError(f"missed the window: job {job.state} at {job.progress}%")
        time.sleep(0.05)
    killed_at_progress = job.progress
    killed_at = timezone.now()
    processes.kill(worker)
    done_at_kill = JobItem.objects.filter(job=job, state="done").count()
    worker, log = processes.worker()
    deadline = time.monotonic() + 300
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    finished = job.finished_at if job.state == Job.State.SUCCEEDED else None
    job_recovery = (finished - killed_at).total_seconds() if finished else None
    job_lost, job_doubled = versions(bulk_ids)
    items_done = JobItem.objects.filter(job=job, state="done").count()

    # (b) kill -9 right after the worker claims a scheduled publish
    due = timezone.now() + timedelta(seconds=12)  # after the next beat sweep hands it out
    wait_ready(log)
    action = schedule.schedule(
        content_workspace(user, connection=connection),
        schema=remote_schema,
        record=scheduled_record,
        action="publish",
        at=due,
    )
    deadline = time.monotonic() + 120
    while True:
        action.refresh_from_db()
        if action.state == ScheduledAction.State.RUNNING:
            break
        if not action.is_open or time.monotonic() > deadline:
            raise RuntimeError(f"the action was never claimed: {action.state}")
        time.sleep(0.01)
    processes.kill(worker)
    published_at_kill = RecordVersion.objects.filter(
        record_id=scheduled_id, published_at__isnull=False
    ).exists()
    worker, log = processes.worker()
    deadline = time.monotonic() + 300
    while action.is_open and time.monotonic() < deadline:
        time.sleep(0.2)
        action.refresh_from_db()
    first_published = (
        RecordVersion.objects.filter(record_id=scheduled_id, published_at__isnull=False)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    published_late = (first_published - due).total_seconds() if first_published else None
    action_late = (
        (action.finished_at - due).total_seconds()
        if action.state == ScheduledAction.State.DONE and action.finished_at
        else None
    )
    action_lost, action_doubled = versions([scheduled_id])
    processes.kill(worker)

    def seconds(value: float | None) -> str:
        return f"{value:.1f} s" if value is not None else "never"

    print("\nRecovery from kill -9 of the worker (threads x2), beat sweeping every 10 s, 50 ms per call")
    print(f"  (a) Bulk publish of {count} records, worker killed at {killed_at_progress}%")
    print(f"      ({done_at_kill} items done at the kill), a new worker started at once")
    print(f"      kill to job {job.state}: {seconds(job_recovery)}, {job.attempts} claims")
    print(f"      items done: {items_done} of {count}, lost: {job_lost}, doubled: {job_doubled}")
    met = verdict(job_recovery, job_lost, job_doubled)
    print(f"      Target under {TARGET_S:.0f} s, 0 lost, 0 doubled: {met}")
    print("  (b) Scheduled publish, worker killed as soon as it claimed the action")
    print(f"      published by the killed worker before the kill: {'yes' if published_at_kill else 'no'}")
    print(f"      published {seconds(published_late)} after its due time, action {action.state}")
    print(f"      action done {seconds(action_late)} after its due time, {action.attempts} attempts")
    print(f"      lost: {action_lost}, doubled: {action_doubled}")
    print(
        f"      Target under {TARGET_S:.0f} s late, 0 lost, 0 doubled: "
        f"{verdict(published_late, action_lost, action_doubled)}"
    )


def runs_killed(processes: Processes, user: Any, connection: Any, access: Path) -> None:
    """(c) and (d): a Synerise and a Canvas run, the worker killed at each step."""
    from bulk_publish import faults

    faults(50)
    print("  Runs killed at each step (a new worker started at once; remote calls counted by the sandbox)")
    for kind in ("synerise", "canvas"):
        label = "(c) Synerise workflow run (W3)" if kind == "synerise" else "(d) Canvas run (RunWorkflow)"
        print(f"  {label}")
        for point in POINTS:
            figures = killed_run(processes, kind, point, user, connection, access)
            print(
                f"      killed {point:<11} {figures['left']:<38} "
                f"picked up again {seconds(figures['picked'])}, "
                f"job {figures['state']} {seconds(figures['done'])} after the kill; "
                f"calls {figures['calls']}, lost {figures['lost']}, doubled {figures['doubled']}"
                f"{', redelivered at once' if figures['redelivered'] else ''}: "
                f"{verdict(figures['picked'], figures['lost'], figures['doubled'])}"
            )


def seconds(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None else "never"


def killed_run(
    processes: Processes, kind: str, point: str, user: Any, connection: Any, access: Path
) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from apps.automations import tasks as automations_tasks
    from apps.automations.models import RunRequest
    from apps.automations.services import workflows
    from apps.automations.services.workspace import workspace_for as workflows_workspace
    from apps.canvas import tasks as canvas_tasks
    from apps.canvas.client import CanvasClient
    from apps.canvas.models import WorkflowRun as CanvasRun
    from apps.canvas.services import runs as canvas_runs
    from apps.canvas.services.workspace import workspace_for as canvas_workspace
    from apps.connections import services as connections
    from apps.connections.models import Connection
    from apps.jobs.models import Job, RemoteCall
    from apps.sandbox.canvas.models import CanvasWorkflow
    from apps.sandbox.models import Workspace
    from apps.sandbox.workflows.models import Workflow, WorkflowRun

    marker = LOGS / "paused"
    marker.unlink(missing_ok=True)
    pause = f"{kind}:{point}" if point != "following" else ""
    worker, log = processes.worker(pause_at=pause, marker=marker)
    wait_ready(log)
    name = f"Bench recovery {kind} {point} {time.time():.0f}"
    if kind == "synerise":
        workspace = Workspace.objects.get(name="Demo workspace")
        workflow = Workflow.objects.create(
            workspace=workspace, name=name, author="bench@example.com", stage_seconds=3.0
        )
        workflow_id = str(workflow.diagram_id)
        needle = f"/diagrams/{workflow_id}/run "
        with transaction.atomic():
            job = workflows.create_run(
                workflows_workspace(user, connection=connection),
                workflow_id=workflow_id,
                name=name,
                task_name=automations_tasks.run_workflow.name,
                result_url="/",
            )
            automations_tasks.run_workflow.delay_on_commit(job.pk)
        key = f"automations.run:{job.pk}"
    else:
        canvas = Connection.objects.get(kind=Connection.Kind.CANVAS)
        with CanvasClient(connections.http_for(canvas)) as api:
            workflow_id = api.create_workflow(CANVAS_TEMPLATE, applications=CANVAS_APPS, name=name)
            remote = api.get_workflow(workflow_id)
        plan = canvas_runs.Plan(None, 2)
        needle = "/RunWorkflow "
        with transaction.atomic():
            job = canvas_runs.start_run(
                canvas_workspace(user, connection=canvas),
                workflow=remote,
                plan=plan,
                task_name=canvas_tasks.follow_run.name,
                result_url="/",
            )
            canvas_tasks.follow_run.delay_on_commit(job.pk)
        key = f"canvas.run:{job.pk}"
    calls_before = received(access, needle)
    deadline = time.monotonic() + 120
    while True:
        job.refresh_from_db()
        if point != "following" and marker.exists():
            break
        following = job.step.startswith("Run ") if kind == "synerise" else job.step.startswith("Block ")
        if point == "following" and following:
            break
        if job.is_finished or time.monotonic() > deadline:
            raise RuntimeError(f"missed the kill point {point}: job {job.state} at {job.step!r}")
        time.sleep(0.01)
    killed_at = timezone.now()
    processes.kill(worker)
    call = RemoteCall.objects.filter(key=key).first()
    if call is None or call.intended_at is None:
        left = "nothing recorded"
    elif call.confirmed_at is None:
        left = "intent recorded, no confirmation"
    else:
        left = "intent and confirmation recorded"
    took_effect = received(access, needle) > calls_before
    left += ", remote changed" if took_effect else ", remote unchanged"
    worker, log = processes.worker()
    picked = done = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job.refresh_from_db()
        now = timezone.now()
        if picked is None and job.attempts >= 2:
            picked = (now - killed_at).total_seconds()
        if job.is_finished:
            done = ((job.finished_at or now) - killed_at).total_seconds()
            break
        time.sleep(0.2)
    time.sleep(1)  # the access log's last lines
    redelivered = "is not queued" in log.read_text()
    processes.kill(worker)
    calls = received(access, needle) - calls_before
    if kind == "synerise":
        runs = WorkflowRun.objects.filter(workflow_id=workflow_id)
        followed = RunRequest.objects.get(job=job).run_id
        ran = runs.count() == 1 and followed == str(runs.get().run_id)
    else:
        row = CanvasWorkflow.objects.get(id=workflow_id)
        ran = (
            row.date_last_run is not None
            and CanvasRun.objects.filter(workflow_id=workflow_id, job=job).exists()
        )
    lost = int(not ran or job.state != Job.State.SUCCEEDED)
    return {
        "left": left,
        "picked": picked,
        "done": done,
        "state": job.state,
        "calls": calls,
        "lost": lost,
        "doubled": max(0, calls - 1),
        "redelivered": redelivered,
    }


if __name__ == "__main__":
    main()
