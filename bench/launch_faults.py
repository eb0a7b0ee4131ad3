"""The launch of bench/launch.py (200 steps: 100 record publishes and a 10,000-row import in stage 1, 50
workflow resumes and 49 Canvas scheduler switches in stage 2) run by a real Celery worker and beat, with
the sandbox failing 20% of its calls (503 or 429) and adding 50 ms to each, and the worker killed with
`kill -9` once a third of the steps are done (a new worker is started at once).

When a step fails after its tries the launch stops, and this script asks for "Retry the failed step" as a
person would (counted). Prints the start's lateness, the time from go to done, steps lost (not done) and
done twice (read from the sandbox: published versions per record, successful run calls per workflow, the
scheduler calls, the import's jobs), then the rollback's time and the targets restored (rolled back again
while a step could not be taken back). Targets: 0 lost, 0 twice, start at most 30 s late, rollback of
100% within 3 minutes.

    .venv/bin/python bench/launch_faults.py [--records 100] [--rows 10000] [--workflows 50] [--canvas 49]

The worker and beat run on Redis `redis://127.0.0.1:6379/15` (flushed at start), the database is
`synadmin_bench_launch_faults`, logs go to $TMPDIR/bench-launch-faults/.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

BROKER = "redis://127.0.0.1:6379/15"
LOGS = Path(tempfile.gettempdir()) / "bench-launch-faults"
APP_ID = "bench-launch-faults"
KILL_AT = 1 / 3  # of the steps done
LIMIT_S = 20 * 60


def successful_posts(access: Path, pattern: str) -> list[str]:
    """The request lines of POSTs answered 2xx whose path matches `pattern`."""
    found = []
    for line in access.read_text().splitlines() if access.exists() else []:
        match = re.search(r'"POST (\S+) HTTP/[\d.]+" (\d{3})', line)
        if match and match.group(2).startswith("2") and re.search(pattern, match.group(1)):
            found.append(match.group(1))
    return found


def wait_for(launch: Any, states: set[str], user: Any, processes: Any, total: int) -> dict[str, Any]:
    """Run until the launch reaches one of `states`: asks for a retry whenever it stops at a failed step,
    kills the worker once (at KILL_AT of the steps, if `processes.kill_pending`), counts both."""
    from recovery import wait_ready

    from apps.launches.models import Launch, Step
    from apps.launches.services import running

    asked, killed_at, deadline = 0, None, time.monotonic() + LIMIT_S
    while True:
        launch.refresh_from_db()
        if launch.state in states:
            return {"retries": asked, "killed_at": killed_at}
        done = launch.steps.filter(state=Step.State.DONE).count()
        if processes.kill_pending and done >= total * KILL_AT:
            processes.kill(processes.current)
            killed_at = time.monotonic()
            processes.kill_pending = False
            processes.current, log = processes.worker()
            wait_ready(log)
            print(f"  killed the worker (kill -9) with {done} of {total} steps done; a new one started")
        if launch.state == Launch.State.STOPPED and not running.busy(launch):
            action = "roll_back" if launch.steps.filter(state=Step.State.UNDO_FAILED).exists() else "retry"
            running.ask(user, launch, action)
            asked += 1
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {LIMIT_S} s: the launch is {launch.get_state_display()}")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workflows", type=int, default=50)
    parser.add_argument("--canvas", type=int, default=49)
    parser.add_argument("--error-rate", type=float, default=0.2)
    args = parser.parse_args()
    LOGS.mkdir(parents=True, exist_ok=True)
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/synadmin_bench_launch_faults")
    from harness import serve_apart, setup

    setup("synadmin_bench_launch_faults")
    import recovery
    import redis
    from bulk_publish import faults
    from launch import plan
    from recovery import Processes, versions, wait_ready

    from apps.catalogs.services import imports
    from apps.jobs.models import Job
    from apps.launches.models import Launch, LaunchAction, Step
    from apps.launches.services import running
    from apps.sandbox.brickworks.models import RecordVersion
    from apps.sandbox.canvas.models import CanvasWorkflow
    from apps.sandbox.catalogs.models import CatalogItem
    from apps.sandbox.workflows.models import Workflow

    recovery.LOGS = LOGS  # where its workers write their logs
    redis.Redis.from_url(BROKER).flushdb()
    access = LOGS / "access.log"
    access.unlink(missing_ok=True)
    base = serve_apart(LOGS / "server.log", access)
    faults(0)
    planned = plan(base, APP_ID, "Bench launch faults", args)
    launch, user, imp = planned.launch, planned.user, planned.imp
    records, workflows, canvas = planned.records, planned.workflows, planned.canvas
    total = launch.steps.count()

    class Workers(Processes):
        current: subprocess.Popen[bytes]  # the worker to kill once, while `kill_pending`
        kill_pending = False

    processes = Workers()
    processes.current, log = processes.worker()
    wait_ready(log)
    processes.beat()
    processes.kill_pending = True
    faults(50, args.error_rate)
    running.ask(user, launch, "start")
    start = launch.actions.get(action=LaunchAction.Action.START, state=LaunchAction.State.PENDING)
    began = time.monotonic()
    ran = wait_for(launch, {Launch.State.DONE, Launch.State.HELD}, user, processes, total)
    went = time.monotonic() - began
    first_pickup = start.events.filter(message__startswith="Picked up").order_by("pk").first()
    late = (first_pickup.at - start.due_at).total_seconds() if first_pickup else float("nan")
    launch.refresh_from_db()
    ended = launch.get_state_display()
    lost = launch.steps.exclude(state=Step.State.DONE).count()
    never, twice_records = versions(records)
    runs = successful_posts(access, r"/diagrams/[^/]+/run$")
    twice_workflows = sum(runs.count(path) > 1 for path in set(runs))
    scheduler_calls = len(successful_posts(access, r"/WorkflowScheduler$"))
    import_jobs = Job.objects.filter(kind=imports.IMPORT, created_at__gte=launch.created_at).count()
    live = RecordVersion.objects.filter(record_id__in=records, status="PUBLISHED").count()
    items = CatalogItem.objects.filter(catalog_id=imp.catalog_id).count()

    running.ask(user, launch, "roll_back")
    began = time.monotonic()
    back = wait_for(launch, {Launch.State.ROLLED_BACK}, user, processes, total)
    rolled = time.monotonic() - began
    restored = (
        (args.records - RecordVersion.objects.filter(record_id__in=records, status="PUBLISHED").count())
        + (args.workflows - Workflow.objects.filter(diagram_id__in=workflows, status="Active").count())
        + (args.canvas - CanvasWorkflow.objects.filter(id__in=canvas, is_scheduled=True).count())
        + (1 if not CatalogItem.objects.filter(catalog_id=imp.catalog_id).exists() else 0)
    )
    faults(0)
    processes.stop_all()

    targets = args.records + args.workflows + args.canvas + 1
    twice = twice_records + twice_workflows + max(0, scheduler_calls - args.canvas) + max(0, import_jobs - 1)
    print(f"Launch of {total} steps with {args.error_rate:.0%} of the sandbox's calls failing (503 or 429),")
    print("50 ms per call, a real worker killed with kill -9 a third of the way through")
    print(f"  start picked up     {late:7.1f} s after due   (target <= 30 s)")
    print(f"  go to done          {went:7.1f} s   ({ended}; {ran['retries']} retries asked)")
    print(
        f"  steps lost          {lost:7d}     ({never} records never published; {live} live, {items:,} items)"
    )
    print(
        f"  steps done twice    {twice:7d}     (records {twice_records}, workflow runs {twice_workflows},"
        f" scheduler calls {scheduler_calls} for {args.canvas}, import jobs {import_jobs})"
    )
    print(f"  rollback            {rolled:7.1f} s   ({restored} of {targets} targets as before;", end=" ")
    print(f"{back['retries']} more roll backs asked)   (target 100% within 180 s)")
    met = lost == 0 and twice == 0 and late <= 30 and restored == targets and rolled <= 180
    print(f"  targets {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
