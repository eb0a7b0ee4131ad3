from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from apps.core import http
from tests import sandboxes


def test_with_the_browser_open_the_tests_keep_the_connection_the_sandbox_serves_on(browser: object) -> None:
    # Else a rollback test after a browser test would write through the sandbox on another connection,
    # outside its transaction, and that connection would stay open to the end of the run.
    transport = http.IN_PROCESS[sandboxes.HOST]
    assert isinstance(transport, sandboxes.InProcessTransport)
    assert connections[DEFAULT_DB_ALIAS] is transport.home
