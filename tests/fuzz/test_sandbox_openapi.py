"""Schemathesis against each OpenAPI document the sandbox publishes (`make fuzz`), through Django's WSGI
handler in the test's thread and transaction (what is under test is the API, not the network).

Every operation gets a bounded number of generated requests, fitting its document and not, with a
fixed seed, signed with the demo credentials. An answer of 500, a status the document does not declare
for the operation, or a body that breaks its declared schema fails the run; the failures of all
operations are reported together.

schemathesis' own pytest integration (`schemathesis.pytest.from_fixture`) does not run under pytest 9
here, so each operation's cases are drawn with `operation.as_strategy()` under a hypothesis `@given`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.sandbox import seed as sandbox_seed
from apps.sandbox import tokens

pytestmark = [pytest.mark.fuzz, pytest.mark.long(15)]

EXAMPLES = 25  # per operation and mode
SEED = 14
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

Headers = Callable[[Any], dict[str, str]]
# The Synerise document's operations by tag, a test each (the workers of `make fuzz` share them).
SYNERISE_TAGS = ["auth", "automation", "catalogs"]


class Sandbox(WSGIHandler):
    """Django's WSGI handler, but the start and end of a request leave the test's connection open (as the
    test client does): closing it would end the test's transaction."""

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


def fuzz(base: str, headers: Headers, tag: str | None = None) -> None:
    """Every operation of the document at `base`, or those tagged `tag` (one of SYNERISE_TAGS)."""
    schema = schemathesis.openapi.from_wsgi(f"/sandbox/{base}openapi.json", Sandbox())
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    if tag is not None:
        untagged = [each.label for each in operations if not set(each.tags or ()) & set(SYNERISE_TAGS)]
        assert not untagged, f"add their tags to SYNERISE_TAGS, or they are left out: {untagged}"
        operations = [each for each in operations if tag in (each.tags or ())]
    assert operations
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @hypothesis_settings(
            max_examples=EXAMPLES * 2, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @seed(SEED)
        @given(case=strategy)
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers(case), checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 -- every operation's failure is reported, not just the first
            failures.append(f"{operation.label}:\n{exc}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("tag", SYNERISE_TAGS)
def test_synerise(sandbox: sandbox_seed.Seeded, tag: str) -> None:
    workspace = tokens.issue(workspace=sandbox.workspace, user=None, ttl=3600)
    user = tokens.issue(
        workspace=None, user=sandbox.workspace.users.get(email=sandbox_seed.DEMO_USER_EMAIL), ttl=3600
    )

    def headers(case: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {workspace if 'refresh' in case.path else user}"}

    fuzz("synerise/", headers, tag)


def test_brickworks(sandbox: sandbox_seed.Seeded) -> None:
    token = tokens.issue(workspace=sandbox.workspace, user=None, ttl=3600)
    fuzz("synerise/brickworks/v1/", lambda case: {"Authorization": f"Bearer {token}"})


def test_canvas(sandbox: sandbox_seed.Seeded) -> None:
    keys = {"Consumer": settings.SANDBOX_CANVAS_CONSUMER, "SecretKey": settings.SANDBOX_CANVAS_SECRET}
    fuzz("canvas/api/", lambda case: keys)


def test_flows(sandbox: sandbox_seed.Seeded) -> None:
    token = settings.SANDBOX_FLOWS_TOKEN
    fuzz("flows/api/v1/", lambda case: {"Authorization": f"Bearer {token}"})
