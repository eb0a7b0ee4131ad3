"""What both benchmarks share: a PostgreSQL database of their own, the app in a real HTTP server
thread (the sandbox answers over HTTP, as in production), and figures printed as a table."""

from __future__ import annotations

import os
import statistics
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def setup(database: str) -> None:
    """Point Django at `database` on the local PostgreSQL (made if missing), migrated, sandbox on."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    os.environ["SYNADMIN_SANDBOX"] = "1"
    os.environ.setdefault("SYNADMIN_PLAIN_STATIC", "1")  # no collectstatic needed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synadmin.settings")
    _create_database(os.environ["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    import psycopg

    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


class QueryCounter:
    """Counts the SQL run by the server threads (the sandbox's side of each request)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        with self.lock:
            self.count += 1
        return execute(sql, params, many, context)


def serve(counter: QueryCounter | None = None) -> str:
    """The whole app in a WSGI server on a free port; returns its base URL.

    Requests run on a fixed pool of threads, like gunicorn's gthread workers, so each thread keeps
    its database connection between requests (CONN_MAX_AGE), as in production.
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    inner = get_wsgi_application()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if counter is None:
            return list(inner(environ, start_response))
        with connection.execute_wrapper(counter):
            return list(inner(environ, start_response))

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    class Pooled(WSGIServer):
        pool = ThreadPoolExecutor(16, thread_name_prefix="server")

        def process_request(self, request: Any, client_address: Any) -> None:
            self.pool.submit(self._handle, request, client_address)

        def _handle(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    server = Pooled(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def serve_apart(log: Path, access: Path | None = None) -> str:
    """The app in gunicorn, in processes of its own (4 workers x 8 threads): the sandbox then stands
    apart from the code under test, as the real API does. Its log goes to `log` (and each request to
    `access`, when given); it is stopped when this process exits."""
    import atexit
    import socket
    import subprocess
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "synadmin.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "4", "--threads", "8", "--worker-class", "gthread", "--log-level", "warning"]
    if access is not None:  # gunicorn's usual line, then the microseconds the answer took (answer_ms)
        command += ["--access-logfile", str(access), "--access-logformat", ACCESS_FORMAT]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stderr=log.open("w"))
    atexit.register(server.terminate)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            return base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'


def answer_ms(access: Path, skip: int = 0) -> list[float]:
    """How long the server took over each request in its access log (after the first `skip` lines)."""
    lines = access.read_text().splitlines()[skip:]
    return [int(line.rsplit(" ", 1)[1]) / 1000 for line in lines]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(times_ms: list[float]) -> str:
    return f"median {statistics.median(times_ms):6.1f} ms   p95 {percentile(times_ms, 0.95):6.1f} ms"


def demo_schema(base: str, app_id: str, display_name: str) -> tuple[Any, Any, Any]:
    """The seeded sandbox at `base`, the demo connections pointing at it, and a fresh banner schema.

    Returns (the sandbox's schema row, the bench user, the user's workspace connection).
    """
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from apps.content.services.workspace import workspace_for
    from apps.sandbox.brickworks.models import ContentSchema
    from apps.sandbox.brickworks.seed import BANNER_FIELDS
    from apps.sandbox.models import Workspace
    from apps.sandbox.seed import seed

    seed()
    call_command("create_demo_connections", base_url=f"{base}/sandbox")
    workspace = Workspace.objects.get(name="Demo workspace")
    ContentSchema.objects.filter(workspace=workspace, app_id=app_id).delete()
    schema = ContentSchema(workspace=workspace, app_id=app_id, display_name=display_name)
    schema.fields = BANNER_FIELDS
    schema.save()
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    return schema, user, workspace_for(user).connection
