"""Creating a flow is sent once per form: a second post of the same form, or a repeat after the process
died before or after the create left, makes no second create on the flows API (counted on the sandbox's
side); another form with an id in use still meets the conflict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.signals import request_started
from django.test import Client

from apps.automations.client import FlowInput, FlowsClient
from apps.automations.services import flows
from apps.automations.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.sandbox.models import Flow
from tests.automations.test_flows_views import form_data

pytestmark = pytest.mark.usefixtures("demo")


class ProcessKilled(BaseException):
    """The process's death as seen from inside the request: nothing after it runs."""


@pytest.fixture
def creates() -> Iterator[Counter[str]]:
    """The create calls (POST .../flows) the sandbox receives, counted in the server's thread."""
    seen: Counter[str] = Counter()

    def count(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].rstrip("/").endswith("/flows"):
            seen["create"] += 1

    request_started.connect(count, dispatch_uid="test-flow-creates")
    yield seen
    request_started.disconnect(dispatch_uid="test-flow-creates")


def test_the_same_form_posted_twice_creates_the_flow_once(
    operator_client: Client, creates: Counter[str]
) -> None:
    data = form_data(id="double-click", title="Double click", submission="a1" * 16)
    first = operator_client.post("/workflows/flows/new/", data)
    second = operator_client.post("/workflows/flows/new/", data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"]
    assert creates["create"] == 1
    assert Flow.objects.filter(id="double-click").count() == 1


def test_another_form_with_an_id_in_use_still_meets_the_conflict(
    operator_client: Client, creates: Counter[str]
) -> None:
    taken = form_data(id="welcome-series", title="Mine", submission="b2" * 16)
    response = operator_client.post("/workflows/flows/new/", taken)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Flow.objects.get(id="welcome-series").title != "Mine"


@pytest.mark.parametrize("key", ["not-ours", "f" * 5000])
def test_a_submission_key_we_did_not_make_creates_as_before(
    operator_client: Client, creates: Counter[str], key: str
) -> None:
    data = form_data(id=f"hand-made-{len(key)}-{ord(key[0])}", title="Hand made", submission=key)
    assert operator_client.post("/workflows/flows/new/", data).status_code == 302
    assert creates["create"] == 1


@pytest.mark.parametrize("point", ["before send", "after send", "after confirmation"])
def test_a_create_repeated_after_the_process_died_is_sent_once(
    demo: dict[str, Connection],
    olive: User,
    creates: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    body = FlowInput(id=f"crash-{point.replace(' ', '-')}", title="Crash", type="automation")
    real = FlowsClient.create_flow
    armed = [point != "after confirmation"]

    def create_flow(client: FlowsClient, flow: FlowInput) -> Any:
        if armed[0] and point == "before send":
            armed[0] = False
            raise ProcessKilled
        answer = real(client, flow)
        if armed[0] and point == "after send":
            armed[0] = False
            raise ProcessKilled
        return answer

    monkeypatch.setattr(FlowsClient, "create_flow", create_flow)
    if point == "after confirmation":
        flows.save_flow(workspace_for(olive, api=FlowsClient), body=body, submission="c3" * 16)
    else:
        with pytest.raises(ProcessKilled):
            flows.save_flow(workspace_for(olive, api=FlowsClient), body=body, submission="c3" * 16)
    assert creates["create"] == (0 if point == "before send" else 1)
    # the person posts the form again
    again = flows.save_flow(workspace_for(olive, api=FlowsClient), body=body, submission="c3" * 16)
    assert again.id == body.id and again.title == "Crash"
    assert creates["create"] == 1
    assert Flow.objects.filter(id=body.id).count() == 1
