"""What the launch tests share: the demo workspace's content and workflows, and a launch being planned."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.automations.client import WorkflowsClient
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.jobs import steps
from apps.launches.models import Launch, LaunchAction
from apps.launches.services import launches, running


@pytest.fixture
def wf(demo: dict[str, Connection]) -> Iterator[WorkflowsClient]:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as client:
        yield client


@pytest.fixture
def bw(demo: dict[str, Connection]) -> BrickworksClient:
    return BrickworksClient(connections.http_for(demo["synerise"]))


@pytest.fixture
def planned(eddie: User, demo: dict[str, Connection]) -> Launch:
    return launches.create_launch(eddie, name="Spring campaign", description="Banners and mails", go_at=None)


def add(user: User, launch: Launch, key: str, params: dict[str, Any], stage: int = 1) -> Any:
    """Add a step as the "Add to launch" page does: the kind picks its target from the parameters."""
    kind = steps.kind(key)
    connection = connections.connection_for(user, kind.connection_kind)
    target = kind.pick(kind.workspace(user, connection, params), params)
    return launches.add_step(user, launch, kind=key, target=target, connection=connection, stage=stage)


def start(user: User, launch: Launch) -> str | None:
    """Ask for the start and run it as the worker the sweep hands it to would."""
    running.ask(user, launch, "start")
    return work(launch)


def work(launch: Launch) -> str | None:
    pending = launch.actions.filter(state=LaunchAction.State.PENDING)
    action = pending.exclude(action=LaunchAction.Action.CHECK).latest("pk")
    return running.run(action.pk)
