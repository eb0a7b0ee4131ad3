"""The dashboard's Canvas client against the sandbox over real HTTP, signed in as the demo connection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpx import HTTPXMock

from apps.canvas.client import CanvasClient
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.http import ApiConflict, ApiNotFound, ApiUnauthorized, ApiValidationError, build_http
from apps.sandbox.canvas import runs
from apps.sandbox.canvas.models import CanvasWorkflow

# pytest-httpx answers for this address; nothing is sent.
OFFLINE = "http://127.0.0.1:9/"

QUINYX = "97cbc3b3-32c7-4e4a-b788-a332ea82aeff"
QUINYX_REG = "1710ff47-f590-43db-b0de-015676e99615"
TEMPLATE = "bbe52876-aca2-4ece-ba31-11e0d98ddc19"
FIRST_BLOCK = "02d1424a-da90-4c12-9c28-96162e624bd7"
ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"
MANAGED = "a4ba9a9b-ce81-4f06-81c6-032bf7d648f5"


@pytest.fixture
def canvas(demo: dict[str, Connection]) -> Iterator[CanvasClient]:
    with CanvasClient(connections.http_for(demo["canvas"])) as client:
        yield client


def test_it_reads_the_help_actions_and_the_catalogue(canvas: CanvasClient) -> None:
    assert canvas.authenticate() is True
    assert len(canvas.get_metadata()) == 15
    assert [p.property_name for p in canvas.describe("AddWorkflowApiDto")][0] == "workflowTemplateId"
    quinyx = next(a for a in canvas.list_applications() if a.id == QUINYX)
    environment = quinyx.credential_fields[1]
    assert (environment.type, environment.choices) == (
        "select",
        [("live", "Live Environment"), ("test", "Test Environment")],
    )
    assert quinyx.tags == ["Scheduling", "Planning", "Premium"]
    template = next(t for t in canvas.list_templates() if t.id == TEMPLATE)
    assert [b.block_name for b in template.chain] == ["API - Get Employees", "FTP Upload"]


def test_it_reads_workflows_with_their_three_datetime_styles(canvas: CanvasClient) -> None:
    orders = canvas.get_workflow(ORDERS)
    assert orders.date_created == datetime(2022, 3, 24, 18, 8, 22, 254399, tzinfo=UTC)
    assert orders.date_last_run == datetime(2022, 4, 12, 10, 36, 57, 877000, tzinfo=UTC)
    assert orders.date_next_schedule == datetime(2022, 4, 5, 17, tzinfo=UTC)
    assert orders.cron == "0 0 0/1 ? * * *"
    assert ORDERS in [w.id for w in canvas.list_workflows()]
    with pytest.raises(ApiNotFound):
        canvas.get_workflow("11111111-1111-1111-1111-111111111111")


def test_accounts_are_created_and_the_admin_role_is_refused_with_the_docs_message(
    canvas: CanvasClient,
) -> None:
    person = {"first_name": "John", "last_name": "Smeet", "email": "john.smeet@example.com"}
    with pytest.raises(
        ApiValidationError, match="Role Admin is not supported. Please use SuperPartner or User"
    ):
        canvas.create_account(**person, role_name="Admin")
    created = canvas.create_account(**person, role_name="SuperPartner")
    assert created in [a.id for a in canvas.list_accounts()]
    with pytest.raises(ApiConflict, match="Account has already been created"):
        canvas.create_account(**person, role_name="User")


def test_an_application_is_registered_from_its_credential_fields(canvas: CanvasClient) -> None:
    with pytest.raises(ApiValidationError) as refused:
        canvas.register_application(
            QUINYX, tag_text="Quinyx", credentials={"apikey": None, "environment": "test"}
        )
    assert str(refused.value) == "Authentication Error: You must enter a value for API key."
    reg_id = canvas.register_application(
        QUINYX, tag_text="Quinyx 2022-04-28", credentials={"apikey": "01d6-3e54", "environment": "test"}
    )
    registered = {r.id: r for r in canvas.list_reg_applications()}[reg_id]
    assert (registered.short_name, registered.is_authenticated) == ("QUIN", True)


def test_a_workflow_is_created_run_for_a_block_range_scheduled_and_deleted(canvas: CanvasClient) -> None:
    ftp = next(r.id for r in canvas.list_reg_applications() if r.short_name == "FTP")
    workflow_id = canvas.create_workflow(
        TEMPLATE,
        applications={"QUIN": QUINYX_REG, "FTP": ftp},
        name="Employees to FTP",
        chain={FIRST_BLOCK: {"apiKeys": ["xxxx-xxxx"]}},
    )
    assert canvas.run_workflow(workflow_id, run_from=2, run_till=2) == "Workflow will now run"
    running = canvas.get_workflow(workflow_id)
    assert (running.status, running.current_block) == ("Running", 2)
    with pytest.raises(ApiConflict):
        canvas.run_workflow(workflow_id)
    row = CanvasWorkflow.objects.get(id=workflow_id)
    row.run_started_at -= timedelta(seconds=runs.block_seconds())
    row.save()
    assert (canvas.get_workflow(workflow_id).status, canvas.get_workflow(workflow_id).current_block) == (
        "Ready",
        2,
    )
    with pytest.raises(ApiValidationError, match="runTillBlock must be between 1 and 2"):
        canvas.run_workflow(workflow_id, run_till=3)

    assert canvas.set_scheduler(workflow_id, enabled=True, cron="0 0 6 ? * MON-FRI") is True
    scheduled = canvas.get_workflow(workflow_id)
    assert scheduled.cron == "0 0 6 ? * MON-FRI"
    assert scheduled.date_next_schedule is not None
    assert (scheduled.date_next_schedule.hour, scheduled.date_next_schedule.weekday() < 5) == (6, True)
    with pytest.raises(ApiValidationError, match="Invalid cron expression: hours '25': 25 is outside 0-23"):
        canvas.set_scheduler(workflow_id, enabled=True, cron="0 0 25 ? * *")
    assert canvas.set_scheduler(workflow_id, enabled=False) is False
    assert canvas.get_workflow(workflow_id).is_scheduled is False

    assert canvas.delete_workflow(workflow_id) is True
    assert canvas.delete_workflow(workflow_id) is False


def test_an_unknown_template_is_refused_with_the_docs_message(canvas: CanvasClient) -> None:
    unknown = "1be52876-aca2-4ece-ba31-11e0d98ddc19"
    with pytest.raises(ApiValidationError, match=f"Unknown workflow template {unknown}") as refused:
        canvas.create_workflow(unknown, applications={"QUIN": QUINYX_REG})
    assert refused.value.code == "500"


def test_a_managed_account_sees_its_own_workflows(demo: dict[str, Connection]) -> None:
    with CanvasClient(connections.http_for(demo["canvas"]), managed_account_id=MANAGED) as managed:
        assert managed.list_workflows() == []
    stranger = CanvasClient(connections.http_for(demo["canvas"]), managed_account_id=ORDERS)
    with stranger, pytest.raises(ApiUnauthorized, match=f"Unknown managed account {ORDERS}"):
        stranger.list_workflows()


def test_a_one_block_run_ends_on_the_wall_clock_without_being_touched(canvas: CanvasClient) -> None:
    ftp = next(r.id for r in canvas.list_reg_applications() if r.short_name == "FTP")
    workflow_id = canvas.create_workflow(TEMPLATE, applications={"QUIN": QUINYX_REG, "FTP": ftp})
    canvas.run_workflow(workflow_id, run_till=1)
    assert canvas.get_workflow(workflow_id).status == "Running"
    time.sleep(runs.block_seconds() + 0.2)
    done = canvas.get_workflow(workflow_id)
    assert (done.status, done.current_block) == ("Ready", 1)


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        ({"State": 400, "Msg": "Invalid block range"}, "Invalid block range", "400"),
        ("Unauthorized", "Unauthorized", ""),
    ],
)
def test_canvas_error_bodies(httpx_mock: HTTPXMock, body: object, message: str, code: str) -> None:
    if isinstance(body, str):
        httpx_mock.add_response(status_code=400, text=body)
    else:
        httpx_mock.add_response(status_code=400, json=body)
    with CanvasClient(build_http(OFFLINE, retries=0)) as api, pytest.raises(ApiValidationError) as caught:
        api.request("POST", "/Workflow/Run")
    assert (caught.value.message, caught.value.code) == (message, code)
