"""The Integrations screens against the sandbox over HTTP: what each role sees and may do."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.canvas.forms.applications import CredentialsForm
from apps.canvas.models import ActingAccount
from apps.canvas.services import applications
from apps.canvas.services.workspace import workspace_for
from apps.core.http import ApiValidationError
from apps.core.models import AuditEntry
from apps.sandbox.canvas.models import CanvasAccount, CanvasRegApplication, CanvasWorkflow

QUINYX = "97cbc3b3-32c7-4e4a-b788-a332ea82aeff"
QUINYX_REG = "1710ff47-f590-43db-b0de-015676e99615"
FTP_REG = "a067c363-7339-4fed-b1ad-efafd7603986"
TEMPLATE = "bbe52876-aca2-4ece-ba31-11e0d98ddc19"
CHAINED = "c1a0e7f2-5b7e-4d2a-9a51-2f4f0e0d7b02"
ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"
EXPORT = "ef7a56e6-448f-4787-b58d-47b063d6e983"
MANAGED = "a4ba9a9b-ce81-4f06-81c6-032bf7d648f5"

pytestmark = pytest.mark.usefixtures("demo")


def text(response: object) -> str:
    return re.sub(r"\s+", " ", response.content.decode())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url",
    [
        "/integrations/",
        "/integrations/templates/",
        f"/integrations/templates/{CHAINED}/",
        "/integrations/applications/",
        "/integrations/registered/",
        "/integrations/accounts/",
        f"/integrations/workflows/{ORDERS}/",
    ],
)
def test_a_viewer_reads_every_screen_without_controls(viewer_client: Client, url: str) -> None:
    response = viewer_client.get(url)
    assert response.status_code == 200
    body = text(response)
    for control in (
        "New workflow",
        "Run…",
        "Delete…",
        "Connect</a>",
        "New account",
        "Act as</button>",
        "New credentials",
    ):
        assert control not in body


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/integrations/workflows/new/"),
        ("post", f"/integrations/workflows/new/?template={TEMPLATE}"),
        ("get", f"/integrations/workflows/{ORDERS}/run/"),
        ("post", f"/integrations/workflows/{ORDERS}/run/"),
        ("get", f"/integrations/workflows/{ORDERS}/delete/"),
        ("post", f"/integrations/workflows/{ORDERS}/delete/"),
        ("get", f"/integrations/applications/{QUINYX}/connect/"),
        ("post", f"/integrations/applications/{QUINYX}/connect/"),
        ("get", f"/integrations/registered/{QUINYX_REG}/credentials/"),
        ("get", "/integrations/accounts/new/"),
        ("post", "/integrations/accounts/new/"),
        ("post", "/integrations/accounts/act-as/"),
    ],
)
def test_a_viewer_is_refused_every_control(viewer_client: Client, method: str, url: str) -> None:
    assert getattr(viewer_client, method)(url).status_code == 403
    assert CanvasWorkflow.objects.filter(id=ORDERS).exists()


def test_an_operator_may_not_manage_accounts_or_credentials(operator_client: Client) -> None:
    assert operator_client.get("/integrations/accounts/new/").status_code == 403
    assert operator_client.get(f"/integrations/registered/{QUINYX_REG}/credentials/").status_code == 403


def test_the_workflow_list_shows_status_runs_and_schedule_and_filters(operator_client: Client) -> None:
    body = text(operator_client.get("/integrations/"))
    assert "Order transferring" in body and "QuinyxRandom" in body
    assert "from Quinyx Employee Export Into FTP(CSV)" in body
    filtered = text(operator_client.get("/integrations/?q=order&scheduled=off"))
    assert "Order transferring" in filtered and "QuinyxRandom" not in filtered
    fragment = operator_client.get("/integrations/?q=nothing-like-it", headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="results">')
    assert "Nothing matches this filter" in fragment.content.decode()


def test_connect_renders_the_credential_fields_and_puts_the_remote_refusal_on_them(
    operator_client: Client,
) -> None:
    form = text(operator_client.get(f"/integrations/applications/{QUINYX}/connect/"))
    assert 'type="password" name="cred_apikey"' in form
    assert '<option value="live">Live Environment</option>' in form
    assert "Your Quinyx API key" in form  # the field's help text
    # The environment is left out: the browser would refuse, but the form lets Canvas say it.
    refused = operator_client.post(
        f"/integrations/applications/{QUINYX}/connect/",
        {"tag_text": "Quinyx test", "cred_apikey": "s3cret-value", "cred_environment": "live"},
    )
    assert refused.status_code == 302
    reg = CanvasRegApplication.objects.get(tag_text="Quinyx test")
    assert reg.credentials == {"apikey": "s3cret-value", "environment": "live"}
    entry = AuditEntry.objects.get(action="canvas.application.connect")
    assert "s3cret-value" not in str(entry.detail)


def test_a_remote_authentication_error_lands_on_its_field(olive: User) -> None:
    workspace = workspace_for(olive)
    with workspace.client() as api:
        quinyx = next(a for a in api.list_applications() if a.id == QUINYX)
    with pytest.raises(ApiValidationError) as refused:
        applications.connect_application(
            workspace, application=quinyx, tag_text="Q", credentials={"apikey": "", "environment": "prod"}
        )
    assert refused.value.message.startswith("Authentication Error: ")
    form = CredentialsForm(quinyx, {"cred_apikey": "x", "cred_environment": "live"})
    assert form.is_valid()
    form.place_authentication_error(refused.value.message)
    assert form.errors["cred_apikey"] == ["You must enter a value for API key."]
    assert form.errors["cred_environment"] == ["Environment must be one of: live, test."]
    entry = AuditEntry.objects.get(action="canvas.application.connect")
    assert entry.outcome == AuditEntry.Outcome.FAILED


def test_secrets_are_never_rendered_back(operator_client: Client) -> None:
    response = operator_client.post(
        f"/integrations/applications/{QUINYX}/connect/", {"tag_text": "Q", "cred_apikey": "topsecret"}
    )
    assert response.status_code == 200
    assert "topsecret" not in response.content.decode()
    assert "This field is required" in text(response)


def test_an_admin_creates_an_account_and_the_remote_refuses_a_known_email(admin_client: Client) -> None:
    fields = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "role_name": "User"}
    assert admin_client.post("/integrations/accounts/new/", fields).status_code == 302
    assert CanvasAccount.objects.filter(email="ada@example.com", role="User").exists()
    again = text(admin_client.post("/integrations/accounts/new/", fields | {"email": "ADA@example.com"}))
    assert "Account has already been created" in again
    admin = text(admin_client.post("/integrations/accounts/new/", fields | {"role_name": "Admin"}))
    assert "Select a valid choice" in admin
    assert AuditEntry.objects.filter(action="canvas.account.create").count() == 2


def test_acting_as_an_account_is_remembered_shown_and_scopes_the_data(
    operator_client: Client, olive: object
) -> None:
    assert "Order transferring" in text(operator_client.get("/integrations/"))
    response = operator_client.post("/integrations/accounts/act-as/", {"account": MANAGED})
    assert response.status_code == 302
    assert ActingAccount.objects.get(user=olive).account_id == MANAGED
    body = text(operator_client.get("/integrations/"))
    assert "Acting as <strong>Managed Customer (managed.customer@example.com)</strong>" in body
    assert "Order transferring" not in body  # that workflow is the key owner's
    home = text(operator_client.get("/"))  # the header says it on every page while it is chosen
    assert "Canvas: Managed Customer (managed.customer@example.com)" in home
    operator_client.post("/integrations/accounts/act-as/", {"account": ""})
    assert "Order transferring" in text(operator_client.get("/integrations/"))
    assert "Canvas:" not in text(operator_client.get("/"))


def test_an_operator_creates_a_workflow_from_a_template_with_changed_variables(
    operator_client: Client,
) -> None:
    page = text(operator_client.get(f"/integrations/workflows/new/?template={CHAINED}"))
    assert "1. API - Get Employees" in page and "4. Send email" in page
    response = operator_client.post(
        "/integrations/workflows/new/",
        {
            "template": CHAINED,
            "name": "Nightly employees",
            "app_QUIN": QUINYX_REG,
            "app_FTP": FTP_REG,
            "var_2_rows": "{block:1.employees}",
            "var_2_delimiter": ",",
            "var_3_file": "{block:2.file}",
            "var_3_filename": "Employees_{date:yyyy-MM-dd}",
            "var_3_filepath": "/nightly",
            "var_4_to": "ops@example.com",
            "var_4_link": "{block:3.path}",
        },
    )
    assert response.status_code == 302
    workflow = CanvasWorkflow.objects.get(name="Nightly employees")
    assert response["Location"] == f"/integrations/workflows/{workflow.id}/"
    assert workflow.chain[1]["variables"] == {"rows": "{block:1.employees}", "delimiter": ","}
    assert workflow.chain[2]["variables"]["filepath"] == "/nightly"
    detail = text(operator_client.get(response["Location"]))
    assert "Nightly employees" in detail and "Write CSV" in detail and "N-Quinyx" in detail
    entry = AuditEntry.objects.get(action="canvas.workflow.create")  # the new workflow, not its template
    assert (entry.target_type, entry.target_id, entry.target_repr) == (
        "canvas.workflow",
        str(workflow.id),
        "Nightly employees",
    )
    assert entry.detail["template"] == "Sandbox: employees to FTP with a summary email"


def test_deleting_asks_first_and_then_deletes(operator_client: Client) -> None:
    confirm = text(operator_client.get(f"/integrations/workflows/{ORDERS}/delete/"))
    assert "Delete Order transferring?" in confirm
    assert CanvasWorkflow.objects.filter(id=ORDERS).exists()
    response = operator_client.post(f"/integrations/workflows/{ORDERS}/delete/", follow=True)
    assert response.redirect_chain == [("/integrations/", 302)]
    assert "Workflow Order transferring deleted." in text(response)
    assert not CanvasWorkflow.objects.filter(id=ORDERS).exists()
    assert AuditEntry.objects.filter(action="canvas.workflow.delete", target_id=ORDERS).exists()


def test_a_workflow_gone_before_the_delete_is_said_to_be_gone_not_deleted(
    operator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.canvas.client import CanvasClient

    original = CanvasClient.delete_workflow

    def gone_meanwhile(api: CanvasClient, workflow_id: str) -> bool:
        CanvasWorkflow.objects.filter(id=workflow_id).delete()  # someone else deleted it in Canvas
        return original(api, workflow_id)

    monkeypatch.setattr(CanvasClient, "delete_workflow", gone_meanwhile)
    response = operator_client.post(f"/integrations/workflows/{ORDERS}/delete/", follow=True)
    assert response.redirect_chain == [("/integrations/", 302)]
    page = text(response)
    assert "Canvas had no workflow Order transferring to delete." in page
    assert "Workflow Order transferring deleted." not in page
    entry = AuditEntry.objects.get(action="canvas.workflow.delete", target_id=ORDERS)
    assert entry.detail["deleted"] is False


def test_registered_applications_name_the_workflows_that_use_them(admin_client: Client) -> None:
    body = text(admin_client.get("/integrations/registered/"))
    assert "N-Quinyx" in body and "Quinyx Employee Export Into FTP(CSV)" in body
    reenter = text(admin_client.get(f"/integrations/registered/{QUINYX_REG}/credentials/"))
    assert (
        "New credentials for N-Quinyx" in reenter
        and "The 2 workflows using the old connection keep it" in reenter
    )


def test_a_template_shows_its_chain_and_what_each_block_reads(viewer_client: Client) -> None:
    body = text(viewer_client.get(f"/integrations/templates/{CHAINED}/"))
    assert "3. FTP Upload" in body and "the output of block 2" in body
    assert "[file from block 2]" in body and "{block:" not in body
