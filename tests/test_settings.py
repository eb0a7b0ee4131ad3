"""Settings read from the environment. Settings are read once at import, so the environment-driven
ones are checked by running the settings module afresh with that environment (`read_settings`), and the
deploy checks in a fresh Python process."""

from __future__ import annotations

import base64
import os
import runpy
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DATABASE_URL": "postgres://synadmin:secret@db.internal:5432/synadmin",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "ALLOWED_HOSTS": "synadmin.example.com",
    "SECURE_COOKIES": "1",
    "SYNADMIN_SANDBOX": "0",
    "DEBUG": "0",
}


def fresh_environment(**environment: str) -> dict[str, str]:
    """This process's variables but the project's own, fresh secrets, then the given variables on top."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SYNADMIN_")) and key not in PRODUCTION
    }
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["SYNADMIN_ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    env.update(environment)
    return env


def run_python(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run Python in the project folder with the given variables on top of fresh secrets."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=fresh_environment(**environment),
        capture_output=True,
        text=True,
        timeout=60,
    )


@contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    # In place: django-environ holds os.environ itself, and .env is read into it (setdefault).
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def read_module(path: Path, **environment: str) -> dict[str, Any]:
    """The module at `path` run afresh with the given variables on top of fresh secrets (and, for the
    settings, .env under them, as a new process reads it): what a process started with them would have."""
    with _environment(fresh_environment(**environment)):
        return runpy.run_path(str(path))


def read_settings(**environment: str) -> dict[str, Any]:
    return read_module(ROOT / "synadmin" / "settings.py", **environment)


def test_the_deploy_check_passes_with_production_settings() -> None:
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_without_https() -> None:
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "SECURE_COOKIES": "0"}
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS


def test_the_sandbox_base_url_follows_the_port() -> None:
    # The sandbox has a server of its own on the port after the dashboard's (issue 18, defect 10).
    assert read_settings(SYNADMIN_PORT="8100")["SANDBOX_BASE_URL"] == "http://127.0.0.1:8101/sandbox"


def test_the_sandbox_port_can_be_named() -> None:
    named = read_settings(SYNADMIN_PORT="8100", SYNADMIN_SANDBOX_PORT="9100")
    assert named["SANDBOX_BASE_URL"] == "http://127.0.0.1:9100/sandbox"


def test_a_page_shares_half_the_web_threads_with_each_remote_service() -> None:
    assert read_settings()["REMOTE_PAGE_SLOTS"] == 8
    assert read_settings(WEB_THREADS="12")["REMOTE_PAGE_SLOTS"] == 6
    assert read_settings(WEB_THREADS="12", SYNADMIN_REMOTE_PAGE_SLOTS="2")["REMOTE_PAGE_SLOTS"] == 2


def test_an_explicit_sandbox_base_url_wins_over_the_port() -> None:
    explicit = read_settings(
        SYNADMIN_PORT="8100", SYNADMIN_SANDBOX_BASE_URL="http://sandbox.internal/sandbox"
    )
    assert explicit["SANDBOX_BASE_URL"] == "http://sandbox.internal/sandbox"


def test_it_redirects_plain_http_to_https_except_the_health_check(settings: Any, db: None) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert client.get("/healthz").status_code == 200


def test_it_trusts_the_proxy_header_when_told_to(settings: Any, db: None) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("value", ["X-Forwarded-Proto", "x-forwarded-proto"])
def test_the_proxy_header_is_named_as_the_proxy_sends_it(value: str) -> None:
    header = read_settings(SECURE_PROXY_SSL_HEADER=value)["SECURE_PROXY_SSL_HEADER"]
    assert header == ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_sandbox_demo_password_is_derived_from_the_secret_key_when_unset() -> None:
    # each read has its own SECRET_KEY
    passwords = {read_settings(SYNADMIN_SANDBOX_DEMO_PASSWORD="")["SANDBOX_DEMO_PASSWORD"] for _ in range(2)}
    assert len(passwords) == 2 and all(len(p) == 24 for p in passwords)
    given = read_settings(SYNADMIN_SANDBOX_DEMO_PASSWORD="my-demo-password")
    assert given["SANDBOX_DEMO_PASSWORD"] == "my-demo-password"


def test_a_new_env_file_has_its_own_sandbox_demo_password(tmp_path: Path) -> None:
    for name in ("a.env", "b.env"):
        run_python("scripts/make_env.py", str(tmp_path / name))
    lines = [
        line
        for name in ("a.env", "b.env")
        for line in (tmp_path / name).read_text().splitlines()
        if line.startswith("SYNADMIN_SANDBOX_DEMO_PASSWORD=")
    ]
    assert len(lines) == 2 and lines[0] != lines[1]
    assert len(lines[0].partition("=")[2]) >= 20
