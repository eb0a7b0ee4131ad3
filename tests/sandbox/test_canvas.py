"""The sandbox's Canvas rules, one by one (canvas.md; the open choices in docs/api-decisions.md, "Canvas")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from apps.sandbox import seed
from apps.sandbox.canvas import runs
from apps.sandbox.canvas.models import CanvasWorkflow
from apps.sandbox.canvas.seed import MANAGED_ACCOUNT, OWNER_ACCOUNT

BASE = "/sandbox/canvas/api"
QUINYX = "97cbc3b3-32c7-4e4a-b788-a332ea82aeff"
FTP = "5f814909-01ea-4395-96ee-5ba7614128fc"
QUINYX_REG = "1710ff47-f590-43db-b0de-015676e99615"
TEMPLATE = "bbe52876-aca2-4ece-ba31-11e0d98ddc19"
FAILING_TEMPLATE = "c1a0e7f2-5b7e-4d2a-9a51-2f4f0e0d7b01"
FIRST_BLOCK = "02d1424a-da90-4c12-9c28-96162e624bd7"
ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"


class Canvas:
    def __init__(self, seeded: seed.Seeded, managed: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Consumer": seeded.canvas.consumer, "SecretKey": seeded.canvas.secret_key}
        if managed:
            self.headers["ManagedAccountId"] = managed

    def get(self, action: str, **params: Any) -> Any:
        return self.client.get(f"{BASE}/{action}", params, headers=self.headers)

    def post(self, action: str, body: Any) -> Any:
        return self.client.post(
            f"{BASE}/{action}", json.dumps(body), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def canvas(seeded: seed.Seeded) -> Canvas:
    return Canvas(seeded)


def ftp_reg_id(canvas: Canvas) -> str:
    return next(r["id"] for r in canvas.get("RegApplications").json() if r["shortName"] == "FTP")


def create_workflow(canvas: Canvas, template: str = TEMPLATE, **extra: Any) -> str:
    body = {"workflowTemplateId": template, "applications": {"QUIN": QUINYX_REG, "FTP": ftp_reg_id(canvas)}}
    response = canvas.post("Workflow", body | extra)
    assert response.status_code == 200, response.content
    return response.json()


def backdate_run(workflow_id: str, seconds: float) -> None:
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.run_started_at -= timedelta(seconds=seconds)
    row.date_last_run = row.run_started_at
    row.save()


@pytest.mark.parametrize(
    "action", ["Accounts", "Applications", "RegApplications", "WorkflowTemplates", "Workflows"]
)
def test_every_authenticated_action_refuses_wrong_keys_with_an_empty_401(canvas: Canvas, action: str) -> None:
    canvas.headers["SecretKey"] = "00000000-0000-0000-0000-000000000000"
    response = canvas.get(action)
    assert (response.status_code, response.content) == (401, b"")


def test_metadata_and_describe_need_no_keys(canvas: Canvas) -> None:
    canvas.headers = {}
    metadata = canvas.get("GetMetaData").json()
    assert [a["name"] for a in metadata][:3] == ["GetMetaData", "Describe", "Authenticate"]
    assert len(metadata) == 15
    described = canvas.get("Describe", name="AddWorkflowApiDto").json()
    assert [p["propertyName"] for p in described if p["isRequired"]] == ["workflowTemplateId", "applications"]
    assert canvas.get("Describe", name="Nothing").json() == {"State": 404, "Msg": "Unknown object Nothing"}


def test_lists_answer_the_docs_seeded_samples(canvas: Canvas) -> None:
    quinyx = next(a for a in canvas.get("Applications").json() if a["id"] == QUINYX)
    assert quinyx["credentialsJson"] == {"apikey": None, "environment": None}
    assert quinyx["credentialFields"][1]["Options"] == "live|Live Environment,test|Test Environment"
    orders = canvas.get("Workflow", id=ORDERS).json()
    assert orders["schedulerFrequency"] == '{"cronSchedule":"0 0 0/1 ? * * *"}'
    assert orders["dateLastRun"] == "2022-04-12T10:36:57.877+00:00"
    assert orders["dateNextSchedule"] == "2022-04-05T17:00:00+00:00"
    assert orders["dateCreated"] == "2022-03-24T18:08:22.254399"  # 7 digits cut to 6
    assert {t["state"] for t in canvas.get("WorkflowTemplates").json()} == {"Published", "Draft"}


def test_accounts_list_only_active_accounts_and_refuse_the_admin_role(canvas: Canvas) -> None:
    person = {"firstName": "John", "lastName": "Smeet", "email": "john@example.com", "roleName": "User"}
    admin = canvas.post("Account", person | {"roleName": "Admin"})
    assert (admin.status_code, admin.json()["Msg"]) == (
        400,
        "Role Admin is not supported. Please use SuperPartner or User",
    )
    created = canvas.post("Account", person)
    assert created.status_code == 200
    assert created.json() in [a["id"] for a in canvas.get("Accounts").json()]
    again = canvas.post("Account", person | {"email": "JOHN@example.com"})
    assert (again.status_code, again.json()) == (
        409,
        {"State": 409, "Msg": "Account has already been created"},
    )
    inactive = canvas.post("Account", person | {"email": "later@example.com", "activated": False}).json()
    assert inactive not in [a["id"] for a in canvas.get("Accounts").json()]


def test_reg_application_names_each_missing_credential_in_the_docs_words(canvas: Canvas) -> None:
    body = {
        "applicationId": FTP,
        "tagText": "FTP 2022-05-03",
        "credentialsJson": '{"username": null,"password": null,"port": null,"address": null,"secure": true}',
    }
    response = canvas.post("RegApplication", body)
    assert response.status_code == 400
    assert response.json()["Msg"] == (
        "Authentication Error: You must enter a value for User name.\n"
        "You must enter a value for Password.\n"
        "You must enter a value for Port.\n"
        "You must enter a value for Server address."
    )


def test_reg_application_checks_select_options_and_then_registers(canvas: Canvas) -> None:
    body = {
        "applicationId": QUINYX,
        "tagText": "Quinyx 2022-04-28",
        "credentialsJson": '{"apikey":"k","environment":"prod"}',
    }
    refused = canvas.post("RegApplication", body)
    assert refused.json()["Msg"] == "Authentication Error: Environment must be one of: live, test."
    created = canvas.post(
        "RegApplication", body | {"credentialsJson": '{"apikey":"k","environment": "test"}'}
    ).json()
    registered = {r["id"]: r for r in canvas.get("RegApplications").json()}[created]
    assert (registered["shortName"], registered["tagText"], registered["isAuthenticated"]) == (
        "QUIN",
        "Quinyx 2022-04-28",
        True,
    )


def test_workflow_from_an_unknown_template_answers_the_docs_body(canvas: Canvas) -> None:
    response = canvas.post(
        "Workflow",
        {"workflowTemplateId": "1be52876-aca2-4ece-ba31-11e0d98ddc19", "applications": {"QUIN": QUINYX_REG}},
    )
    assert response.status_code == 400
    assert response.json() == {
        "State": 500,
        "Msg": "Unknown workflow template 1be52876-aca2-4ece-ba31-11e0d98ddc19",
    }


def test_workflow_from_a_template_overrides_block_variables_by_unique_block_id(canvas: Canvas) -> None:
    chain = [{"uniqueBlockId": FIRST_BLOCK, "variables": {"apiKeys": ["xxxx"]}}]
    created = create_workflow(canvas, name="Export", chain=chain)
    row = CanvasWorkflow.objects.get(id=created)
    assert row.chain[0]["variables"] == {"apiKeys": ["xxxx"], "badgeNo": None}
    workflow = canvas.get("Workflow", id=created).json()
    assert (
        workflow["name"],
        workflow["status"],
        workflow["currentBlock"],
        workflow["workflowTemplateId"],
    ) == (
        "Export",
        "Ready",
        0,
        TEMPLATE,
    )
    assert workflow["regApplicationIds"] == [QUINYX_REG, ftp_reg_id(canvas)]


def test_workflow_refuses_unknown_blocks_and_unmapped_applications(canvas: Canvas) -> None:
    unknown_block = canvas.post(
        "Workflow",
        {
            "workflowTemplateId": TEMPLATE,
            "applications": {"QUIN": QUINYX_REG, "FTP": ftp_reg_id(canvas)},
            "chain": [{"uniqueBlockId": ORDERS, "variables": {}}],
        },
    )
    assert unknown_block.json()["Msg"] == f"Unknown block {ORDERS} in workflow template {TEMPLATE}"
    unmapped = canvas.post("Workflow", {"workflowTemplateId": TEMPLATE, "applications": {"QUIN": QUINYX_REG}})
    assert unmapped.json()["Msg"] == "applications must map exactly QUIN, FTP: missing FTP, unknown none"
    wrong_kind = canvas.post(
        "Workflow", {"workflowTemplateId": TEMPLATE, "applications": {"QUIN": QUINYX_REG, "FTP": QUINYX_REG}}
    )
    assert wrong_kind.status_code == 400


def test_delete_workflow_answers_true_then_false(canvas: Canvas) -> None:
    created = create_workflow(canvas)
    assert canvas.get("DeleteWorkflow", id=created).json() is True
    assert canvas.get("DeleteWorkflow", id=created).json() is False
    assert canvas.get("Workflow", id=created).status_code == 404


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ({"runTillBlock": 3}, "runTillBlock must be between 1 and 2, the blocks of the workflow"),
        ({"runFromBlock": 0}, "runFromBlock must be between 1 and 2, the blocks of the workflow"),
        ({"runFromBlock": 2, "runTillBlock": 1}, "runFromBlock 2 is after runTillBlock 1"),
    ],
)
def test_run_workflow_refuses_a_block_range_outside_the_chain(
    canvas: Canvas, bounds: dict[str, int], message: str
) -> None:
    created = create_workflow(canvas)
    response = canvas.post("RunWorkflow", {"workflowId": created} | bounds)
    assert (response.status_code, response.json()["Msg"]) == (400, message)


def test_a_run_advances_block_by_block_over_time_and_ends_ready(canvas: Canvas) -> None:
    created = create_workflow(canvas)
    response = canvas.post("RunWorkflow", {"workflowId": created, "runFromBlock": 1, "runTillBlock": 2})
    assert (response.status_code, response.content, response["Content-Type"]) == (
        200,
        b"Workflow will now run",
        "text/plain; charset=utf-8",
    )
    running = canvas.get("Workflow", id=created).json()
    assert (running["status"], running["currentBlock"]) == ("Running", 1)
    assert canvas.post("RunWorkflow", {"workflowId": created}).status_code == 409
    backdate_run(created, runs.block_seconds() * 1.5)
    assert canvas.get("Workflow", id=created).json()["currentBlock"] == 2
    backdate_run(created, runs.block_seconds())
    done = canvas.get("Workflow", id=created).json()
    assert (done["status"], done["currentBlock"]) == ("Ready", 2)
    assert done["dateLastRun"].endswith("+00:00")


def test_a_run_stops_at_a_failing_block(canvas: Canvas) -> None:
    created = create_workflow(canvas, template=FAILING_TEMPLATE)
    canvas.post("RunWorkflow", {"workflowId": created})
    backdate_run(created, runs.block_seconds() * 3)
    failed = canvas.get("Workflow", id=created).json()
    assert (failed["status"], failed["currentBlock"]) == ("Failed", 2)


def test_the_scheduler_stores_the_frequency_and_computes_the_next_fire_in_utc(canvas: Canvas) -> None:
    created = create_workflow(canvas)
    frequency = '{"cronSchedule":"0 0/5 * ? * * *"}'
    response = canvas.post(
        "WorkflowScheduler", {"workflowId": created, "isScheduled": True, "scheduleFrequency": frequency}
    )
    assert response.content == b"Workflow Scheduler enabled"
    workflow = canvas.get("Workflow", id=created).json()
    assert (workflow["isScheduled"], workflow["schedulerFrequency"]) == (True, frequency)
    next_fire = datetime.fromisoformat(workflow["dateNextSchedule"])
    assert next_fire.minute % 5 == 0 and next_fire.second == 0
    assert timedelta(0) < next_fire - datetime.now(UTC) <= timedelta(minutes=5)
    off = canvas.post("WorkflowScheduler", {"workflowId": created, "isScheduled": False})
    assert off.content == b"Workflow Scheduler disabled"
    assert canvas.get("Workflow", id=created).json()["dateNextSchedule"] == workflow["dateNextSchedule"]


@pytest.mark.parametrize(
    ("frequency", "message"),
    [
        (
            '{"cronSchedule":"0 0 * * * *"}',
            "Invalid cron expression: exactly one of day-of-month and day-of-week must be '?'",
        ),
        ('{"cronSchedule":"0 61 * ? * *"}', "Invalid cron expression: minutes '61': 61 is outside 0-59"),
        (
            '{"cronSchedule":"0 0 * ? * FUN"}',
            "Invalid cron expression: day-of-week 'FUN': 'FUN' is not a number or a name",
        ),
        (
            '{"cronSchedule":"0 0 *"}',
            "Invalid cron expression: expected 6 or 7 fields (seconds … day-of-week, then a year), got 3",
        ),
        ("0 0 * ? * *", 'scheduleFrequency must be a JSON object string like {"cronSchedule":"0 0 * ? * *"}'),
        ('{"cronSchedule":"0 0 0 ? * * 2001"}', "Invalid cron expression: it never fires again"),
    ],
)
def test_the_scheduler_refuses_an_invalid_cron_with_its_reason(
    canvas: Canvas, frequency: str, message: str
) -> None:
    created = create_workflow(canvas)
    response = canvas.post(
        "WorkflowScheduler", {"workflowId": created, "isScheduled": True, "scheduleFrequency": frequency}
    )
    assert (response.status_code, response.json()) == (400, {"State": 400, "Msg": message})


def test_a_due_schedule_starts_a_run_of_the_whole_workflow(canvas: Canvas) -> None:
    created = create_workflow(canvas)
    canvas.post(
        "WorkflowScheduler",
        {"workflowId": created, "isScheduled": True, "scheduleFrequency": '{"cronSchedule":"0/1 * * ? * *"}'},
    )
    row = CanvasWorkflow.objects.get(id=created)
    row.date_next_schedule = datetime.now(UTC) - timedelta(seconds=1)
    row.save()
    workflow = canvas.get("Workflow", id=created).json()
    assert (workflow["status"], workflow["currentBlock"]) == ("Running", 1)
    assert datetime.fromisoformat(workflow["dateNextSchedule"]) > datetime.now(UTC) - timedelta(seconds=1)


def test_managed_account_id_selects_that_accounts_data(seeded: seed.Seeded) -> None:
    owner, managed = Canvas(seeded), Canvas(seeded, managed=str(MANAGED_ACCOUNT))
    assert {w["accountId"] for w in owner.get("Workflows").json()} == {str(OWNER_ACCOUNT)}
    assert managed.get("Workflows").json() == []
    assert managed.get("Workflow", id=ORDERS).status_code == 404
    stranger = Canvas(seeded, managed="11111111-1111-1111-1111-111111111111")
    response = stranger.get("Workflows")
    assert (response.status_code, response.json()["Msg"]) == (
        403,
        "Unknown managed account 11111111-1111-1111-1111-111111111111",
    )


def test_a_schedule_that_came_due_while_nobody_looked_still_ran(canvas: Canvas) -> None:
    created = create_workflow(canvas)
    canvas.post(
        "WorkflowScheduler",
        {
            "workflowId": created,
            "isScheduled": True,
            "scheduleFrequency": '{"cronSchedule":"0 0/10 * ? * *"}',
        },
    )
    now = datetime.now(UTC)
    row = CanvasWorkflow.objects.get(id=created)
    row.date_next_schedule = now - timedelta(days=3)
    row.save()
    workflow = canvas.get("Workflow", id=created).json()
    last_fire = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)
    if now - last_fire < timedelta(seconds=runs.block_seconds() * 2):  # that run is still going
        assert workflow["status"] == "Running"
    else:
        assert (workflow["status"], workflow["currentBlock"]) == ("Ready", 2)
    assert datetime.fromisoformat(workflow["dateLastRun"]) == last_fire
    assert datetime.fromisoformat(workflow["dateNextSchedule"]) == last_fire + timedelta(minutes=10)


def test_missed_fires_of_a_frequent_schedule_are_caught_up_in_a_few_steps(canvas: Canvas) -> None:
    created = create_workflow(canvas)
    canvas.post(
        "WorkflowScheduler",
        {"workflowId": created, "isScheduled": True, "scheduleFrequency": '{"cronSchedule":"* * * ? * *"}'},
    )
    row = CanvasWorkflow.objects.get(id=created)
    row.date_next_schedule = datetime.now(UTC) - timedelta(days=400)
    row.save()
    workflow = canvas.get("Workflow", id=created).json()
    assert datetime.now(UTC) - datetime.fromisoformat(workflow["dateLastRun"]) < timedelta(seconds=10)
    assert workflow["status"] == "Running"
