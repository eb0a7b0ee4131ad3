"""`create_demo_connections`: the dashboard's side of the demo, with the keys the sandbox was seeded with."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from apps.connections.models import Connection
from apps.sandbox import seed


def create(*args: str) -> str:
    out = io.StringIO()
    call_command("create_demo_connections", *args, stdout=out)
    return out.getvalue()


def rows() -> list[tuple[Any, ...]]:
    return list(Connection.objects.order_by("pk").values_list("pk", "name", "kind", "base_url"))


def test_it_points_one_connection_of_each_kind_at_the_sandbox(db: None) -> None:
    assert "http://sandbox.test/sandbox" in create("--base-url", "http://sandbox.test/sandbox")
    assert {c.kind: c.base_url for c in Connection.objects.all()} == {
        "synerise": "http://sandbox.test/sandbox/synerise",
        "canvas": "http://sandbox.test/sandbox/canvas/api",
        "flows": "http://sandbox.test/sandbox/flows/api/v1",
    }


def test_it_is_idempotent(db: None) -> None:
    create()
    first = rows()
    create()
    assert rows() == first
    assert len(first) == 3


def test_it_uses_the_keys_the_sandbox_was_seeded_with(db: None) -> None:
    seeded = seed.seed()
    seed.seed()
    create()
    demo = {c.kind: c for c in Connection.objects.all()}
    assert demo["synerise"].api_key == seeded.workspace.api_key
    assert demo["canvas"].consumer == seeded.canvas.consumer
    assert demo["canvas"].secret_key == seeded.canvas.secret_key
    assert demo["flows"].token == seeded.flows.token


def test_it_does_nothing_when_the_sandbox_is_off(db: None, settings: Any) -> None:
    settings.SANDBOX_ENABLED = False
    assert "off" in create()
    assert not Connection.objects.exists()


def test_each_demo_key_is_its_own(settings: Any) -> None:
    keys = [
        settings.SANDBOX_API_KEY,
        settings.SANDBOX_CANVAS_CONSUMER,
        settings.SANDBOX_CANVAS_SECRET,
        settings.SANDBOX_FLOWS_TOKEN,
    ]
    assert all(keys) and len(set(keys)) == 4
