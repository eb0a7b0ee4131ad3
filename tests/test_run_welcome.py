"""`make run` says last, in a frame, where the dashboard answers and the admin's first password."""

from __future__ import annotations

import importlib.util
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.test_settings import ROOT

spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
assert spec is not None and spec.loader is not None
run_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_script)

# shutdown() waits for the server to look at it: every 0.05 s, not every half second.
POLL = 0.05


class Healthy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def dashboard() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
    threading.Thread(target=server.serve_forever, args=(POLL,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.django_db
def test_the_first_password_waits_in_a_private_file_and_is_shown_once_framed_when_the_page_answers(
    tmp_path: Path, dashboard: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYNADMIN_ADMIN_PASSWORD", raising=False)
    welcome = tmp_path / "var" / "welcome"
    call_command("ensure_admin", welcome=str(welcome))
    printed = capsys.readouterr().out
    password = welcome.read_text()
    assert password not in printed and "shown when the dashboard answers" in printed
    assert stat.S_IMODE(welcome.stat().st_mode) == 0o600
    assert User.objects.get(username="admin").check_password(password)

    run_script.welcome(dashboard, welcome, wait=10)
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == out[-1] and out[0].startswith("+--")
    assert f"| synadmin is ready: open {dashboard}" in out[1]
    assert f"Sign in as admin with the password {password}" in out[2]
    assert not welcome.exists()
    run_script.welcome(dashboard, welcome, wait=10)  # the next run: the password is not shown again
    assert password not in capsys.readouterr().out
