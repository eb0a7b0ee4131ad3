"""Recovery from a worker killed with `kill -9`: a bulk publish job and a scheduled publish.

The sandbox runs apart in gunicorn with 50 ms added to every call; a real Celery worker
(`celery -A synadmin worker --pool threads --concurrency 2`) and a real Celery beat run as processes
of their own, on Redis (`redis://127.0.0.1:6379/14`, flushed at start) and the database
`synadmin_bench_recovery`. Beat sweeps every 10 s as configured (`CELERY_BEAT_SCHEDULE`).

(a) A bulk publish job of 400 records; the worker's process group is killed when progress is between
    20% and 60%, and a new worker is started at once. Prints the time from the kill to the job's
    success and the records lost (never published) and doubled (published more than once).
(b) A publish scheduled a few seconds ahead; the worker is killed as soon as the action is claimed
    (`running`), and a new worker is started at once. Prints how late after its due time the record
    was published and the action was done, and lost/doubled.

Targets: under 60 s, 0 lost, 0 doubled.

    .venv/bin/python bench/recovery.py [--records 400]
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

BROKER = "redis://127.0.0.1:6379/14"
APP_ID = "bench-recovery"
TARGET_S = 60.0
LOGS = Path(tempfile.gettempdir()) / "bench-recovery"


class Processes:
    """The worker and beat processes this script starts, each in a process group of its own."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.workers = 0
        atexit.register(self.stop_all)

    def _start(self, args: list[str], log: Path) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "celery", "-A", "synadmin", *args]
        out = log.open("w")
        process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=out, start_new_session=True
        )
        self.started.append(process)
        return process

    def worker(self) -> tuple[subprocess.Popen[bytes], Path]:
        self.workers += 1
        log = LOGS / f"worker-{self.workers}.log"
        name = f"bench-recovery-{self.workers}@%h"
        args = ["worker", "--pool", "threads", "--concurrency", "2", "-n", name, "--loglevel", "info"]
        return self._start(args, log), log

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=400)
    args = parser.parse_args()
    LOGS.mkdir(exist_ok=True)
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/synadmin_bench_recovery")
    setup("synadmin_bench_recovery")

    import redis
    from bulk_publish import drafts, faults
    from django.db import transaction
    from django.utils import timezone

    from apps.connections import services as connections
    from apps.content import tasks
    from apps.content.client import BrickworksClient
    from apps.content.models import ScheduledAction
    from apps.content.services import bulk, schedule
    from apps.jobs.models import Job, JobItem
    from apps.sandbox.brickworks.models import RecordVersion

    redis.Redis.from_url(BROKER).flushdb()  # no message left over from an earlier run
    base = serve_apart(LOGS / "server.log")
    faults(0)
    schema, user, connection = demo_schema(base, APP_ID, "Bench recovery")
    bulk_ids = drafts(schema, args.records, "Recovery")
    [scheduled_id] = drafts(schema, 1, "Scheduled")

    processes = Processes()
    worker, log = processes.worker()
    processes.beat()
    wait_ready(log)
    with BrickworksClient(connections.http_for(connection)) as api:
        remote_schema = api.get_schema(APP_ID)
        records = bulk.select(api, remote_schema, ids=[str(i) for i in bulk_ids])
        [scheduled_record] = bulk.select(api, remote_schema, ids=[str(scheduled_id)])
    faults(50)

    # (a) kill -9 mid bulk job
    with transaction.atomic():
        job = bulk.create_job(
            user, connection, remote_schema, "publish", records, task_name=tasks.run_bulk.name
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
    job_recovery = (job.finished_at - killed_at).total_seconds() if job.state == Job.State.SUCCEEDED else None
    job_lost, job_doubled = versions(bulk_ids)
    items_done = JobItem.objects.filter(job=job, state="done").count()

    # (b) kill -9 right after the worker claims a scheduled publish
    due = timezone.now() + timedelta(seconds=12)  # after the next beat sweep hands it out
    wait_ready(log)
    action = schedule.schedule(user, schema=remote_schema, record=scheduled_record, action="publish", at=due)
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
    faults(0)
    processes.stop_all()

    def seconds(value: float | None) -> str:
        return f"{value:.1f} s" if value is not None else "never"

    print("\nRecovery from kill -9 of the worker (threads x2), beat sweeping every 10 s, 50 ms per call")
    print(f"  (a) Bulk publish of {args.records} records, worker killed at {killed_at_progress}%")
    print(f"      ({done_at_kill} items done at the kill), a new worker started at once")
    print(f"      kill to job {job.state}: {seconds(job_recovery)}, {job.attempts} claims")
    print(f"      items done: {items_done} of {args.records}, lost: {job_lost}, doubled: {job_doubled}")
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


if __name__ == "__main__":
    main()
