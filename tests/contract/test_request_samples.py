"""Every request sample in shared/spec/*.md can be sent by our client: each key of the documented body
leaves in the request the client makes (the clients' "every documented parameter" rule).

Each request row of `test_spec_samples.SAMPLES` names here the client call that sends that body, built
from the sample's own values; the request goes to an httpx MockTransport that records it and answers
what the operation answers, so no network is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from apps.automations.client import FlowInput, FlowsClient, SuggestionInput
from apps.canvas.client import CanvasClient
from apps.catalogs.client import CatalogsClient
from apps.connections.client import SyneriseAuthClient
from apps.content.client import BrickworksClient
from tests.contract.test_spec_samples import AUTH, BW, CANVAS, FLOWS, REQUEST, SAMPLES, Sample, find

Send = Callable[[httpx.Client, Any], object]

SCHEMA = {"id": "s", "appId": "a", "displayName": "A", "schemaType": "VERSIONED"}
RECORD = {"id": "r", "schemaId": "s", "status": "DRAFT"}
SOURCE = {"id": "x", "name": "X"}
FLOW = {"id": "f", "title": "F", "type": "automation"}
SUGGESTION = {
    "title": "S",
    "originType": "automation",
    "originId": "o",
    "sourceType": "entity",
    "sourceId": "s",
    "targetType": "entity",
    "targetId": "t",
}
MAPPING = {"bpActionParamKey": "k", "bagId": 1, "businessProfileId": 1, "action": "a", "paramKey": "p"}


def _canvas_workflow(http: httpx.Client, b: Any) -> object:
    chain = {block["uniqueBlockId"]: block["variables"] for block in b.get("chain", [])}
    return CanvasClient(http).create_workflow(
        b["workflowTemplateId"],
        applications=b["applications"],
        name=b.get("name"),
        description=b.get("description"),
        chain=chain,
    )


# (file, heading, index) of a request sample -> (the call that sends it, the answer the mock gives)
SENDERS: dict[tuple[str, str, int], tuple[Send, Any]] = {
    (BW, "8.1 Schema", 1): (
        lambda http, b: BrickworksClient(http).create_schema(
            app_id=b["appId"],
            display_name=b["displayName"],
            description=b["description"],
            fields=b["fields"],
            display_configuration=b["displayConfiguration"],
            audience=b["audience"],
            is_simple=b["isSimpleSchema"],
        ),
        SCHEMA,
    ),
    (BW, "8.1 Schema", 2): (
        lambda http, b: BrickworksClient(http).update_schema(
            "s",
            display_name=b["displayName"],
            description=b["description"],
            fields=b["fields"],
            display_configuration=b["displayConfiguration"],
            audience=b["audience"],
        ),
        SCHEMA,
    ),
    (BW, "8.2 Record", 1): (
        lambda http, b: BrickworksClient(http).create_record(
            "s",
            values=b["values"],
            status=b["status"],
            slug=b["slug"],
            name=b["name"],
            schedule=b["schedule"],
            action_on_schedule=b["actionOnSchedule"],
        ),
        RECORD,
    ),
    (BW, "8.2 Record", 2): (
        lambda http, b: BrickworksClient(http).update_record(
            "s",
            "r",
            status=b["status"],
            values=b["values"],
            slug=b["slug"],
            name=b["name"],
            schedule=b["schedule"],
            action_on_schedule=b["actionOnSchedule"],
            last_updated_at=b["lastUpdatedAt"],
            from_state=b["fromState"],
        ),
        RECORD,
    ),
    (BW, "8.2 Record", 3): (lambda http, b: BrickworksClient(http).upsert_record("s", b), None),
    (BW, "8.7 External source", 1): (
        lambda http, b: BrickworksClient(http).create_external_source(
            name=b["name"], properties=b["properties"], description=b["description"], ttl=b["ttl"]
        ),
        SOURCE,
    ),
    (CANVAS, "5.2 Account", 0): (
        lambda http, b: CanvasClient(http).create_account(
            first_name=b["firstName"],
            last_name=b["lastName"],
            email=b["email"],
            phone=b["phone"],
            role_name=b["roleName"],
            country_key=b["countryKey"],
            global_notifications=b["globalNotifications"],
            default_notification_email=b["defaultNotificationEmail"],
            activated=b["activated"],
        ),
        "new-id",
    ),
    **{
        (CANVAS, "6.3 RegApplication", n): (
            lambda http, b: CanvasClient(http).register_application(
                b["applicationId"], tag_text=b["tagText"], credentials=json.loads(b["credentialsJson"])
            ),
            "new-id",
        )
        for n in (0, 1)
    },
    (CANVAS, "7.4 Workflow (post)", 0): (_canvas_workflow, "new-id"),
    **{
        (CANVAS, "7.6 RunWorkflow", n): (
            lambda http, b: CanvasClient(http).run_workflow(
                b["workflowId"], run_from=b.get("runFromBlock"), run_till=b.get("runTillBlock")
            ),
            "Workflow will now run",
        )
        for n in (0, 1, 2)
    },
    (CANVAS, "7.7 WorkflowScheduler", 0): (
        lambda http, b: CanvasClient(http).set_scheduler(
            b["workflowId"],
            enabled=b["isScheduled"],
            cron=json.loads(b["scheduleFrequency"])["cronSchedule"],
        ),
        "Workflow Scheduler enabled",
    ),
    (FLOWS, "9.3 Create Flow and Upsert Flow request", 0): (
        lambda http, b: FlowsClient(http).create_flow(FlowInput.model_validate(b)),
        FLOW,
    ),
    (FLOWS, "9.6 Create Suggestion", 0): (
        lambda http, b: FlowsClient(http).create_suggestion(SuggestionInput.model_validate(b)),
        SUGGESTION,
    ),
    (AUTH, "1.7 Auth samples", 0): (
        lambda http, b: SyneriseAuthClient(http).login_user(
            b["username"],
            b["password"],
            device_id=b["deviceId"],
            external_provider_token=b["externalProviderToken"],
            external_provider_type=b["externalProviderType"],
        ),
        {"token": "t"},
    ),
    (AUTH, "1.7 Auth samples", 3): (
        lambda http, b: SyneriseAuthClient(http).login_workspace(b["apiKey"]),
        {"token": "t"},
    ),
    (AUTH, "3.5 Catalog samples", 1): (
        lambda http, b: CatalogsClient(http).add_item(1, item_key=b["itemKey"], value=b["value"]),
        True,
    ),
    (AUTH, "3.5 Catalog samples", 3): (
        lambda http, b: CatalogsClient(http).add_mapping(1, action=b["action"], param_key=b["paramKey"]),
        {"data": MAPPING},
    ),
    (AUTH, "3.5 Catalog samples", 5): (
        lambda http, b: CatalogsClient(http).delete_catalogs(b),
        {"data": [{"id": 1, "result": True}]},
    ),
    (AUTH, "3.5 Catalog samples", 8): (
        lambda http, b: CatalogsClient(http).change_enrichment(
            1, action=b["action"], param_key=b["paramKey"], fields=b["enrichmentFields"]
        ),
        0,
    ),
}

REQUESTS = [sample for sample in SAMPLES if sample.skip_reason == REQUEST]


def test_every_request_sample_has_a_sender() -> None:
    assert {(s.file, s.heading, s.index) for s in REQUESTS} == set(SENDERS)


@pytest.mark.parametrize("sample", REQUESTS, ids=[f"{s.file}:{s.heading}#{s.index}" for s in REQUESTS])
def test_the_client_sends_every_key_of_the_request_sample(sample: Sample) -> None:
    body = json.loads(find(sample))
    send, answer = SENDERS[(sample.file, sample.heading, sample.index)]
    sent: list[httpx.Request] = []

    def remote(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if isinstance(answer, str) and " " in answer:  # Canvas's plain-text answers
            return httpx.Response(200, text=answer)
        return httpx.Response(200, json=answer) if answer is not None else httpx.Response(202)

    with httpx.Client(base_url="https://api.test/", transport=httpx.MockTransport(remote)) as http:
        send(http, body)
    (request,) = sent
    assert_sends_every_key(_sent_body(request), body, where=sample.heading)


def _sent_body(request: httpx.Request) -> Any:
    sent = json.loads(request.content)
    if isinstance(sent, dict) and isinstance(sent.get("credentialsJson"), str):  # Canvas sends it encoded
        sent["credentialsJson"] = json.loads(sent["credentialsJson"])
    return sent


def assert_sends_every_key(sent: Any, sample: Any, *, where: str) -> None:
    """Every key of the documented body is in the one sent, at every depth."""
    if isinstance(sample, dict):
        assert isinstance(sent, dict), f"{where}: sent {sent!r}"
        missing = sorted(set(sample) - set(sent))
        assert not missing, f"{where}: the client cannot send {missing}"
        for key, value in sample.items():
            if key == "credentialsJson":
                value = json.loads(value)
            assert_sends_every_key(sent[key], value, where=f"{where}.{key}")
    elif isinstance(sample, list):
        assert isinstance(sent, list) and len(sent) == len(sample), f"{where}: sent {sent!r}"
        for n, (mine, theirs) in enumerate(zip(sent, sample, strict=True)):
            assert_sends_every_key(mine, theirs, where=f"{where}.{n}")
