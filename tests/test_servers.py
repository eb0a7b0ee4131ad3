"""The servers of `make run` and of production: Procfile.dev, Procfile and gunicorn.conf.py."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.test_settings import ROOT, read_module, read_settings, run_python

BIN = Path(sys.executable).parent


def procfile(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    return dict(
        (part.strip() for part in line.split(":", 1))
        for line in lines
        if line.strip() and not line.startswith("#")
    )


def gunicorn_settings(**environment: str) -> dict[str, object]:
    read = read_module(ROOT / "gunicorn.conf.py", **environment)
    return {
        k: read[k]
        for k in ("workers", "threads", "worker_class", "timeout", "graceful_timeout", "keepalive", "bind")
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_web_server_is_sized_from_the_environment() -> None:
    assert gunicorn_settings() == {
        "workers": 2,
        "threads": 16,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 30,
        "keepalive": 75,
        "bind": "0.0.0.0:8000",
    }
    sized = gunicorn_settings(WEB_CONCURRENCY="4", WEB_THREADS="16", WEB_TIMEOUT="45", PORT="5000")
    assert (sized["workers"], sized["threads"], sized["timeout"], sized["bind"]) == (
        4,
        16,
        45,
        "0.0.0.0:5000",
    )


def test_a_page_gives_up_on_a_remote_service_before_the_web_server_gives_up_on_the_page() -> None:
    read = read_settings()
    worst = read["REMOTE_PAGE_BUDGET"] + read["REMOTE_PAGE_TIMEOUT"]
    assert worst < gunicorn_settings()["timeout"]  # type: ignore[operator]


def test_both_procfiles_start_gunicorn_from_its_settings_file() -> None:
    assert procfile("Procfile")["web"] == "gunicorn -c gunicorn.conf.py synadmin.wsgi"
    assert procfile("Procfile.dev")["web"].startswith(
        "gunicorn -c gunicorn.conf.py synadmin.wsgi --bind 127.0.0.1:"
    )
    assert set(procfile("Procfile.dev")) == {"web", "sandbox", "worker", "beat"}


@pytest.mark.long(11)
def test_make_run_serves_the_sandbox_from_a_process_of_its_own_where_the_demo_connections_point(
    tmp_path: Path,
) -> None:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    base = read_settings(SYNADMIN_SANDBOX_PORT=str(port))["SANDBOX_BASE_URL"]
    assert base == f"http://127.0.0.1:{port}/sandbox"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SYNADMIN_", "CELERY_", "CACHE_")) and key != "DATABASE_URL"
    }
    environment |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SYNADMIN_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": database,
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",  # not the checkout's, which a `make run` may share
        "SYNADMIN_SANDBOX": "1",
        "SYNADMIN_SANDBOX_PORT": str(port),
        "PATH": f"{BIN}:{environment.get('PATH', '')}",
    }
    migrate = [sys.executable, "manage.py", "migrate", "--no-input", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=environment, check=True, timeout=120)
    server = subprocess.Popen(
        f"exec {procfile('Procfile.dev')['sandbox']}",
        shell=True,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        answer = None
        deadline = time.monotonic() + 30
        while answer is None and time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                answer = httpx.get(f"{base}/flows/api/v1/openapi.json", timeout=2)
            time.sleep(0.2)
        assert answer is not None, "the sandbox's server did not answer within 30 s"
        assert answer.status_code == 200
        assert answer.json()["openapi"].startswith("3.")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)


def test_the_demo_pictures_are_served_from_the_dashboards_own_address() -> None:
    # The editor and the preview show them under the CSP's img-src 'self': the sandbox's port is not 'self'.
    code = "import django; django.setup(); from apps.sandbox.brickworks import showcase; "
    code += "print(showcase.picture(0))"
    result = run_python("-c", code, SYNADMIN_PORT="8100", DJANGO_SETTINGS_MODULE="synadmin.settings")
    assert result.stdout.strip().startswith("http://127.0.0.1:8100/static/demo/"), result.stderr
