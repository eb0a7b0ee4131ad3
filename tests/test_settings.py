"""Settings read from the environment. Settings are read once at import, so the environment-driven
ones are checked in a fresh Python process with that environment."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
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


def run_python(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run Python in the project folder with the given variables on top of fresh secrets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SYNADMIN_")) and key not in PRODUCTION
    }
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["SYNADMIN_ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    env.update(environment)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


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
    code = "from synadmin import settings; print(settings.SANDBOX_BASE_URL)"
    result = run_python("-c", code, SYNADMIN_PORT="8100")
    assert result.stdout.strip() == "http://127.0.0.1:8101/sandbox", result.stderr


def test_the_sandbox_port_can_be_named() -> None:
    code = "from synadmin import settings; print(settings.SANDBOX_BASE_URL)"
    result = run_python("-c", code, SYNADMIN_PORT="8100", SYNADMIN_SANDBOX_PORT="9100")
    assert result.stdout.strip() == "http://127.0.0.1:9100/sandbox", result.stderr


def test_a_page_shares_half_the_web_threads_with_each_remote_service() -> None:
    code = "from synadmin import settings; print(settings.REMOTE_PAGE_SLOTS)"
    assert run_python("-c", code).stdout.strip() == "8"
    assert run_python("-c", code, WEB_THREADS="12").stdout.strip() == "6"
    assert run_python("-c", code, WEB_THREADS="12", SYNADMIN_REMOTE_PAGE_SLOTS="2").stdout.strip() == "2"


def test_an_explicit_sandbox_base_url_wins_over_the_port() -> None:
    code = "from synadmin import settings; print(settings.SANDBOX_BASE_URL)"
    result = run_python(
        "-c", code, SYNADMIN_PORT="8100", SYNADMIN_SANDBOX_BASE_URL="http://sandbox.internal/sandbox"
    )
    assert result.stdout.strip() == "http://sandbox.internal/sandbox", result.stderr


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
    code = "from synadmin import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = run_python("-c", code, SECURE_PROXY_SSL_HEADER=value)
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr


def test_the_sandbox_demo_password_is_derived_from_the_secret_key_when_unset() -> None:
    code = "from synadmin import settings; print(settings.SANDBOX_DEMO_PASSWORD)"
    first, second = (run_python("-c", code, SYNADMIN_SANDBOX_DEMO_PASSWORD="") for _ in range(2))
    assert first.returncode == 0, first.stderr
    passwords = {first.stdout.strip(), second.stdout.strip()}  # each run has its own SECRET_KEY
    assert len(passwords) == 2 and all(len(p) == 24 for p in passwords)
    given = run_python("-c", code, SYNADMIN_SANDBOX_DEMO_PASSWORD="my-demo-password")
    assert given.stdout.strip() == "my-demo-password", given.stderr


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
