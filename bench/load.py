"""The dashboard under many people at once: 50 signed-in people for 5 minutes, as it is served.

Each person signs in, then browses (home, a records list, workflows, a catalog's items, the
calendar, Operations) and now and then starts a bulk publish or unpublish of their own records
or a catalog export, with a few seconds of reading between clicks. Locust drives them (as a library,
in a process of its own: it patches the standard library with gevent); this script starts the
servers as `make run` and the Procfile do, each a process group of its own stopped by its PID:

    production  PostgreSQL `synadmin_bench_load`, Redis `redis://127.0.0.1:6379/13` (broker and cache,
                flushed at start), gunicorn from gunicorn.conf.py (WEB_CONCURRENCY x WEB_THREADS), the
                Procfile's prefork worker and beat
    embedded    SQLite (a file of its own) and the filesystem broker, the processes of Procfile.dev
                (`make run`)

In both, the sandbox is served by its own gunicorn (Procfile.dev's `sandbox`), on loopback ports only.
Each setup runs once per remote latency (`--latency-ms 0 5000`: the sandbox answers every call
after that long, `manage.py sandbox_faults --latency-ms`). Prints requests/s, p50/p95/p99 per page,
the errors, and the jobs started and lost (not finished within `--grace` seconds after the run).

Targets: 0 errors, 0 lost jobs, p95 under 800 ms for every page; with a remote answering in 5 s the
pages that do not call it (home, Operations, the calendar) keep their p95.

    .venv/bin/python bench/load.py [--seconds 300] [--users 50] [--setups production embedded]
                                   [--latency-ms 0 5000]
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOGS = Path(tempfile.gettempdir()) / "bench-load"
DATABASE = "synadmin_bench_load"
REDIS = "redis://127.0.0.1:6379/13"
PASSWORD = "bench-load-reads-pages"  # noqa: S105 -- the bench people's password, on loopback only
APP_ID = "bench-load"
RECORDS_EACH = 3
TARGET_P95_MS = 800.0
LOCAL_PAGES = ("home", "operations", "calendar")  # pages that call no remote service
THINK_SECONDS = (3.0, 7.0)  # a person reads a page this long before the next click


# --- the servers ---------------------------------------------------------------------------------


def procfile(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    pairs = (line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {name.strip(): command.strip() for name, command in pairs}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Servers:
    """The processes of one setup, each in a process group of its own, stopped by PID."""

    def __init__(self) -> None:
        self.started: dict[str, subprocess.Popen[bytes]] = {}
        atexit.register(self.stop)

    def start(self, name: str, command: str, environment: dict[str, str]) -> None:
        log = (LOGS / f"{name}.log").open("w")
        self.started[name] = subprocess.Popen(
            f"exec {command}",
            shell=True,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def stop(self) -> None:
        for process in self.started.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.started.clear()


def wait_for(url: str, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {LOGS}")


def environment_for(setup: str, web_port: int, sandbox_port: int) -> dict[str, str]:
    """The environment of every process of `setup`: the bench's own database, broker and ports."""
    keep = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SYNADMIN_", "CELERY_", "CACHE_", "SECURE_"))
        and key not in ("DATABASE_URL", "DEBUG")
    }
    common = {
        "PATH": f"{Path(sys.executable).parent}:{keep.get('PATH', '')}",
        "SYNADMIN_PORT": str(web_port),
        "SYNADMIN_SANDBOX_PORT": str(sandbox_port),
        "SYNADMIN_SANDBOX": "1",
        "SYNADMIN_SANDBOX_ALLOW_PRIVATE_SOURCES": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "AXES_FAILURE_LIMIT": "1000",  # 50 people sign in from one address; none fails
    }
    if setup == "production":
        return {
            **keep,
            **common,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "CELERY_BROKER_URL": REDIS,
            "CACHE_URL": REDIS,
        }
    return {**keep, **common, "DATABASE_URL": f"sqlite:///{LOGS / DATABASE}.sqlite3"}


# `make run` before issue 18: one gunicorn of 1 x 8 threads serving the dashboard and its sandbox.
BEFORE_WEB = "gunicorn synadmin.wsgi --bind 127.0.0.1:{port} --workers 1 --threads 8 --access-logfile -"


def start_servers(
    setup: str, environment: dict[str, str], web_port: int, sandbox_port: int, *, before: bool = False
) -> Servers:
    """Web, sandbox, worker and beat as the Procfile (production) or Procfile.dev (`make run`) start them.

    `before`: the web server as `make run` started it before the sandbox had a server of its own.
    """
    dev, production = procfile("Procfile.dev"), procfile("Procfile")
    lines = production if setup == "production" else dev
    servers = Servers()
    beat_schedule = shlex.quote(str(LOGS / f"celerybeat-schedule-{setup}"))
    # Procfile.dev binds SYNADMIN_PORT on loopback; the Procfile's every address, here loopback only.
    bind = f" --bind 127.0.0.1:{web_port}" if setup == "production" else ""
    if before:
        servers.start("web", BEFORE_WEB.format(port=web_port), environment)
    else:
        servers.start("web", lines["web"] + bind, environment)
        servers.start("sandbox", dev["sandbox"], environment)
    servers.start("worker", lines["worker"], environment)
    servers.start("beat", f"{lines['beat']} -s {beat_schedule}", environment)
    wait_for(f"http://127.0.0.1:{web_port if before else sandbox_port}/sandbox/")
    wait_for(f"http://127.0.0.1:{web_port}/healthz")
    return servers


# --- the data ------------------------------------------------------------------------------------


def prepare(users: int, sandbox_base: str) -> dict[str, Any]:
    """A fresh database with the seeded sandbox, the demo connections and `users` admins, each with
    RECORDS_EACH draft records of their own for the bulk jobs. Returns what the people need."""
    from django.contrib.auth.models import Group, User
    from harness import demo_schema

    from apps.sandbox.brickworks import records
    from apps.sandbox.catalogs.models import Catalog

    schema, _, _ = demo_schema(sandbox_base.removesuffix("/sandbox"), APP_ID, "Bench load")
    admins = Group.objects.get(name="admin")
    by = {"type": "WORKSPACE", "id": 0, "name": "Bench"}
    people = []
    for n in range(users):
        username = f"person{n:02d}"
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username, password=PASSWORD
        )
        user.groups.add(admins)
        drafts = [
            records.create_record(
                schema, {"status": "DRAFT", "values": {"headline": f"{username} {i}"}}, by=by
            )
            for i in range(RECORDS_EACH)
        ]
        people.append({"username": username, "records": [str(d.record_id) for d in drafts]})
    catalogs = dict(Catalog.objects.values_list("name", "pk"))
    return {"people": people, "catalog": catalogs["products"], "export_catalog": catalogs["stores"]}


def faults(latency_ms: int) -> None:
    from apps.sandbox.models import FaultSettings

    FaultSettings.objects.update_or_create(
        pk=1, defaults={"latency_ms": latency_ms, "error_rate": 0.0, "faults": [], "retry_after": 1}
    )


def jobs_after(started: Any, grace: float) -> dict[str, int]:
    """The jobs started since `started`, once each has finished or `grace` seconds have passed."""
    from apps.jobs.models import Job

    rows = Job.objects.filter(created_at__gte=started)
    deadline = time.monotonic() + grace
    while rows.exclude(state__in=Job.FINISHED).exists() and time.monotonic() < deadline:
        time.sleep(1)
    counts = {state: rows.filter(state=state).count() for state in Job.State.values}
    return {
        "started": rows.count(),
        "succeeded": counts["succeeded"],
        "failed": counts["failed"],
        "cancelled": counts["cancelled"],
        "lost": counts["queued"] + counts["running"],
    }


# --- one setup -----------------------------------------------------------------------------------


def run_setup(args: argparse.Namespace) -> None:
    setup = args.only
    web_port, sandbox_port = free_port(), free_port()
    environment = environment_for(setup, web_port, sandbox_port)
    if args.page_slots:
        environment["SYNADMIN_REMOTE_PAGE_SLOTS"] = str(args.page_slots)
    if args.before:
        environment["SYNADMIN_REMOTE_PAGE_SLOTS"] = "1000"  # no page limits either
    if setup == "production":
        import redis
        from harness import _create_database

        _create_database(environment["DATABASE_URL"])
        redis.Redis.from_url(REDIS).flushdb()  # no message or token left over from an earlier run
    else:
        for leftover in LOGS.glob(f"{DATABASE}.sqlite3*"):
            leftover.unlink()
    os.environ.clear()
    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "synadmin.settings"
    sys.path.insert(0, str(ROOT))
    sandbox_base = f"http://127.0.0.1:{web_port if args.before else sandbox_port}/sandbox"
    # The sandbox's own server must be up before the demo data is written through it.
    plan = {"host": f"http://127.0.0.1:{web_port}", "users": args.users, "seconds": args.seconds}
    plan |= {"think": THINK_SECONDS, "password": PASSWORD, "app_id": APP_ID}
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production's static files
    servers = start_servers(setup, environment, web_port, sandbox_port, before=args.before)
    try:
        plan |= prepare(args.users, sandbox_base)
        from django.conf import settings
        from django.db import connection
        from django.utils import timezone

        web = f"{os.environ.get('WEB_CONCURRENCY', '2')} x {settings.WEB_THREADS} threads"
        for latency in args.latency_ms:
            faults(latency)
            connection.close()
            started = timezone.now()
            out = LOGS / f"stats-{setup}-{latency}.json"
            (LOGS / "plan.json").write_text(json.dumps(plan))
            command = [sys.executable, __file__, "drive", str(LOGS / "plan.json"), str(out)]
            subprocess.run(command, cwd=ROOT, check=True, timeout=args.seconds + 300)
            faults(0)
            jobs = jobs_after(started, args.grace)
            database = "PostgreSQL, Redis" if setup == "production" else "SQLite, filesystem broker"
            title = f"{setup}: {database}, gunicorn {web}, sandbox apart"
            if args.before:
                title = f"{setup} as before: {database}, gunicorn 1 x 8 threads serving the sandbox too"
            report(title, latency, json.loads(out.read_text()), jobs, settings.REMOTE_PAGE_SLOTS)
    finally:
        servers.stop()


def report(title: str, latency: int, stats: dict[str, Any], jobs: dict[str, int], slots: int) -> None:
    remote = f"remote answering in {latency / 1000:g} s" if latency else "remote answering at once"
    print(f"\n{title}; {remote}")
    print(f"  {stats['users']} signed-in people for {stats['seconds']:.0f} s, {stats['rps']:.1f} requests/s")
    print(f"  {'page':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for row in stats["rows"]:
        if not row["requests"]:
            continue  # the sign-in pages: every person signed in before the figures start
        print(
            f"  {row['name']:<22}{row['requests']:>9}{row['failures']:>8}"
            f"{row['p50']:>9.0f}{row['p95']:>9.0f}{row['p99']:>9.0f}"
        )
    errors = sum(row["failures"] for row in stats["rows"])
    print(f"  errors: {errors}")
    for message, count in stats["errors"][:8]:
        print(f"    {count} x {message}")
    print(
        f"  jobs started: {jobs['started']}, succeeded {jobs['succeeded']}, failed {jobs['failed']}, "
        f"cancelled {jobs['cancelled']}, lost {jobs['lost']}"
    )
    pages = [row for row in stats["rows"] if row["requests"]]
    worst = max(row["p95"] for row in pages) if pages else 0
    if latency:
        local = ", ".join(f"{row['name']} {row['p95']:.0f} ms" for row in pages if row["name"] in LOCAL_PAGES)
        print(f"  pages that call no remote service, p95: {local}")
        print(f"  (at most {slots} pages at once per remote service per web process; the rest told 'slow')")
    else:
        met = not errors and not jobs["lost"] and worst < TARGET_P95_MS
        print(
            f"  Target 0 errors, 0 lost jobs, p95 under {TARGET_P95_MS:.0f} ms for pages: "
            f"{'met' if met else 'NOT met'} (worst p95 {worst:.0f} ms)"
        )


# --- the people (locust) -------------------------------------------------------------------------


def drive(plan_path: str, out_path: str) -> None:
    """Run the people for the plan's seconds; write the figures to `out_path` (JSON)."""
    import gevent  # type: ignore[import-untyped]  # no py.typed; locust brings it
    from gevent.event import Event  # type: ignore[import-untyped]
    from locust import HttpUser, between, task
    from locust.env import Environment

    plan = json.loads(Path(plan_path).read_text())
    people = iter(plan["people"])
    signed_in: list[str] = []
    everyone_in = Event()
    catalog, export_catalog, app_id = plan["catalog"], plan["export_catalog"], plan["app_id"]

    class Person(HttpUser):
        host = plan["host"]
        wait_time = between(*plan["think"])

        def on_start(self) -> None:
            self.me = next(people)
            self.publish_next = True
            self.client.get("/accounts/login/", name="sign-in page")
            self.client.post(
                "/accounts/login/",
                {
                    "username": self.me["username"],
                    "password": plan["password"],
                    "csrfmiddlewaretoken": self.client.cookies.get("csrftoken") or "",
                },
                name="sign in",
            )
            signed_in.append(self.me["username"])
            if len(signed_in) == plan["users"]:
                everyone_in.set()

        def post(self, path: str, data: dict[str, str], name: str) -> None:
            data["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken") or ""
            self.client.post(path, data, name=name)

        @task(4)
        def home(self) -> None:
            self.client.get("/", name="home")

        @task(4)
        def records(self) -> None:
            self.client.get(f"/content/records/{app_id}/", name="records")

        @task(3)
        def workflows(self) -> None:
            self.client.get("/workflows/", name="workflows")

        @task(3)
        def catalog_items(self) -> None:
            self.client.get(f"/catalogs/{catalog}/", name="catalog items")

        @task(2)
        def calendar(self) -> None:
            self.client.get("/operations/scheduled/calendar/", name="calendar")

        @task(2)
        def operations(self) -> None:
            self.client.get("/operations/", name="operations")

        @task(1)
        def bulk(self) -> None:
            operation = "publish" if self.publish_next else "unpublish"
            self.publish_next = not self.publish_next
            data = {"operation": operation, "ids": ",".join(self.me["records"])}
            self.post(f"/content/records/{app_id}/bulk/", data, name="start bulk job")

        @task(1)
        def export(self) -> None:
            self.post(f"/catalogs/{export_catalog}/export/", {"q": ""}, name="start export")

    environment = Environment(user_classes=[Person])
    runner = environment.create_local_runner()
    # People arrive two a second; the figures count from the moment the last one has signed in.
    runner.start(plan["users"], spawn_rate=2)
    everyone_in.wait(timeout=plan["users"] + 120)
    environment.stats.reset_all()
    started = time.monotonic()
    gevent.spawn_later(plan["seconds"], runner.quit)
    runner.greenlet.join()
    seconds = time.monotonic() - started
    rows = []
    for entry in sorted(environment.stats.entries.values(), key=lambda e: e.name):
        rows.append(
            {
                "name": entry.name,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.50) or 0,
                "p95": entry.get_response_time_percentile(0.95) or 0,
                "p99": entry.get_response_time_percentile(0.99) or 0,
            }
        )
    total = environment.stats.total
    errors = sorted(
        ((f"{e.method} {e.name}: {e.error}", e.occurrences) for e in environment.stats.errors.values()),
        key=lambda pair: -pair[1],
    )
    figures = {"users": plan["users"], "seconds": seconds, "rps": total.num_requests / seconds}
    Path(out_path).write_text(json.dumps({**figures, "rows": rows, "errors": errors}))


# --- the command ---------------------------------------------------------------------------------


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "drive":
        drive(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=300, help="how long the people browse (default 300)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--setups", nargs="+", choices=["production", "embedded"], default=["production", "embedded"]
    )
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[0, 5000])
    parser.add_argument("--grace", type=float, default=180, help="seconds after the run for every job to end")
    parser.add_argument(
        "--before", action="store_true", help="the web server as `make run` started it before"
    )
    parser.add_argument(
        "--page-slots", type=int, help="the web server's SYNADMIN_REMOTE_PAGE_SLOTS (1000: none)"
    )
    parser.add_argument("--only", choices=["production", "embedded"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    LOGS.mkdir(exist_ok=True)
    if args.only:
        run_setup(args)
        return
    print(f"load before: {uptime()}")
    for setup in args.setups:
        # One process per setup: Django reads its settings (the database, the broker) once.
        command = [sys.executable, __file__, "--only", setup, *sys.argv[1:]]
        subprocess.run(command, cwd=ROOT, check=True)
    print(f"load after: {uptime()}")


if __name__ == "__main__":
    main()
