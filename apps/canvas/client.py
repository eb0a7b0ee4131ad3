"""Canvas REST API (ConnectMyApps). Reference: shared/spec/canvas.md.

Build it on a signed client: `CanvasClient(connections.services.http_for(connection))`; pass
`managed_account_id` to act for one account of the organization (§2). The choices the doc leaves open
are in docs/api-decisions.md ("Canvas"). Refusals come as `{"State", "Msg"}` bodies, which
`CanvasBase` (apps.connections.wire) reads into ApiErrors with `Msg` as the message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, TypeAdapter
from pydantic.dataclasses import dataclass

from apps.connections.wire import CanvasBase
from apps.core.http import ApiProtocolError


def _as_utc(moment: datetime) -> datetime:
    """The doc's datetimes without an offset are UTC (§10)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]

# canvas.md §2.1: the JSON boolean `true`; a string "true" is not an answer we know.
AuthenticateResponse = TypeAdapter(StrictBool)
NewId = TypeAdapter(str)  # new ids come back as JSON strings (§10)
Deleted = TypeAdapter(StrictBool)

RUN_STARTED = "Workflow will now run"
SCHEDULER_ANSWERS = {"Workflow Scheduler enabled": True, "Workflow Scheduler disabled": False}


class Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class MetaAction(Wire):
    """One action of GetMetaData (§4.1)."""

    name: str
    parameters: str
    verb: str
    authenticate: bool
    description: str
    returns: str


class PropertyDescription(Wire):
    """One property of a Describe answer (§4.2)."""

    type_name: str = Field(alias="typeName")
    property_name: str = Field(alias="propertyName")
    generic_parameters: str = Field(alias="genericParameters")
    is_required: bool = Field(alias="isRequired")


class Account(Wire):
    """§5.1."""

    id: str
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")
    email: str
    organization_id: str = Field(alias="organizationId")
    organization_name: str = Field(alias="organizationName")
    role_id: str = Field(alias="roleId")
    role: str
    date_created: UtcDatetime = Field(alias="dateCreated")


class CredentialField(Wire):
    """§6.1: the one PascalCase object of the API."""

    short_name: str = Field(alias="ShortName")
    name: str = Field(alias="Name")
    type: str = Field(alias="Type")
    value: str = Field("", alias="Value")
    options: str | None = Field(None, alias="Options")  # select only: "value|Label,value|Label"
    optional: bool = Field(False, alias="Optional")
    desc: str = Field("", alias="Desc")
    hidden: bool = Field(False, alias="Hidden")

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(value, label) of a select's options, in their order."""
        pairs = [item.split("|", 1) for item in (self.options or "").split(",") if item]
        return [(pair[0], pair[-1]) for pair in pairs]


class Application(Wire):
    """§6.1."""

    id: str
    name: str
    short_name: str = Field(alias="shortName")
    description: str
    vendor_url: str = Field(alias="vendorUrl")
    credential_fields: list[CredentialField] = Field(alias="credentialFields")
    credentials_json: dict[str, Any] = Field(alias="credentialsJson")
    tag: str
    session_time_mins: int = Field(alias="sessionTimeMins")
    session_sliding_expiry: bool = Field(alias="sessionSlidingExpiry")

    @property
    def tags(self) -> list[str]:
        return [tag.strip() for tag in self.tag.split(",") if tag.strip()]


class RegApplication(Wire):
    """§6.2."""

    id: str
    short_name: str = Field(alias="shortName")
    account_id: str = Field(alias="accountId")
    application_id: str = Field(alias="applicationId")
    name: str
    tag_text: str = Field(alias="tagText")
    description: str
    is_authenticated: bool = Field(alias="isAuthenticated")
    is_oauth_app: bool = Field(alias="isOAuthApp")
    date_modified: UtcDatetime = Field(alias="dateModified")
    date_time_utc_authenticated: UtcDatetime | None = Field(alias="dateTimeUtcAuthenticated")
    date_time_for_re_auth: UtcDatetime | None = Field(alias="dateTimeForReAuth")
    session_time_mins: int = Field(alias="sessionTimeMins")
    session_sliding_expiry: bool = Field(alias="sessionSlidingExpiry")
    faulted: bool


class TemplateBlock(Wire):
    """§7.1; a block's number is its position in the chain, from 1."""

    unique_block_id: str = Field(alias="uniqueBlockId")
    block_name: str = Field(alias="blockName")
    variables: dict[str, Any] = Field(default_factory=dict)


class WorkflowTemplate(Wire):
    """§7.1."""

    id: str
    name: str
    description: str
    date_created: UtcDatetime = Field(alias="dateCreated")
    date_modified: UtcDatetime = Field(alias="dateModified")
    state: str
    version: str | None
    draft_is_committed: bool | None = Field(alias="draftIsCommitted")
    date_committed: UtcDatetime | None = Field(alias="dateCommitted")
    organization_id: str | None = Field(alias="organizationId")
    applications: list[str]
    chain: list[TemplateBlock]


@dataclass(frozen=True, slots=True, config=ConfigDict(populate_by_name=True))
class Workflow:
    """§7.2; `status` is "Ready", "Running" or "Failed" (the last two are ours, docs/api-decisions.md).

    A slotted dataclass with a tuple, not a model with a list: an account's whole list is read on every
    page, and a dict, a set and a list per workflow made the garbage collector's full passes frequent.
    """

    id: str
    name: str
    description: str
    status: str
    is_scheduled: bool = Field(alias="isScheduled")
    scheduler_frequency: str = Field(alias="schedulerFrequency")
    workflow_template_id: str | None = Field(alias="workflowTemplateId")
    is_customized_structure: bool = Field(alias="isCustomizedStructure")
    account_id: str = Field(alias="accountId")
    organization_id: str = Field(alias="organizationId")
    date_created: UtcDatetime = Field(alias="dateCreated")
    date_modified: UtcDatetime = Field(alias="dateModified")
    date_last_run: UtcDatetime | None = Field(alias="dateLastRun")
    date_next_schedule: UtcDatetime | None = Field(alias="dateNextSchedule")
    reg_application_ids: tuple[str, ...] = Field(alias="regApplicationIds")
    current_block: int = Field(alias="currentBlock")

    @property
    def cron(self) -> str | None:
        """The cron inside `schedulerFrequency` (a JSON object in a string, §8), or None if unreadable."""
        try:
            value = json.loads(self.scheduler_frequency)
        except ValueError:
            return None
        cron = value.get("cronSchedule") if isinstance(value, dict) else None
        return cron if isinstance(cron, str) else None


def frequency(cron: str) -> str:
    """The `scheduleFrequency` string for a cron expression (§7.7)."""
    return json.dumps({"cronSchedule": cron}, separators=(",", ":"))


Accounts = TypeAdapter(list[Account])
Applications = TypeAdapter(list[Application])
RegApplications = TypeAdapter(list[RegApplication])
WorkflowTemplates = TypeAdapter(list[WorkflowTemplate])
OneWorkflow = TypeAdapter(Workflow)
Workflows = TypeAdapter(list[Workflow])
MetaData = TypeAdapter(list[MetaAction])
Description = TypeAdapter(list[PropertyDescription])


class CanvasClient(CanvasBase):
    """Build it on a signed client: `CanvasClient(connections.services.http_for(connection))`."""

    def __init__(self, http: httpx.Client, *, managed_account_id: str | None = None) -> None:
        super().__init__(http)
        self.managed_account_id = managed_account_id

    def _send(self, method: str, action: str, **kwargs: Any) -> httpx.Response:
        if self.managed_account_id:
            kwargs["headers"] = {"ManagedAccountId": self.managed_account_id}
        return self.request(method, action, **kwargs)

    def _text(self, response: httpx.Response, known: set[str]) -> str:
        """A plain-text answer (§10); one we do not know is a protocol error."""
        answer = response.text.strip().strip('"')
        if answer not in known:
            path = response.request.url.path
            raise ApiProtocolError(
                operation=f"{response.request.method} {path}",
                path=path,
                detail=f"unexpected answer {answer[:100]!r}",
                status=response.status_code,
            )
        return answer

    # Help (§4)

    def get_metadata(self) -> list[MetaAction]:
        # Reference: canvas.md §4.1, GET /api/GetMetaData (no keys needed).
        return self.parse(MetaData, self.request("GET", "GetMetaData"))

    def describe(self, name: str) -> list[PropertyDescription]:
        # Reference: canvas.md §4.2, GET /api/Describe?name=.
        return self.parse(Description, self.request("GET", "Describe", params={"name": name}))

    def authenticate(self) -> bool:
        """True when the keys are accepted; wrong or missing keys raise ApiUnauthorized."""
        # Reference: canvas.md §2.1, GET /api/Authenticate answers the JSON boolean `true`.
        return self.parse(AuthenticateResponse, self.request("GET", "Authenticate")) is True

    # Accounts (§5)

    def list_accounts(self) -> list[Account]:
        # Reference: canvas.md §5.1, GET /api/Accounts.
        return self.parse(Accounts, self._send("GET", "Accounts"))

    def create_account(
        self,
        *,
        first_name: str,
        last_name: str,
        email: str,
        role_name: str,
        phone: str = "",
        country_key: str = "",
        global_notifications: bool = False,
        default_notification_email: str = "",
        activated: bool = True,
    ) -> str:
        """The new account's id. Admin is refused (ApiValidationError), a known email is ApiConflict."""
        # Reference: canvas.md §5.2, POST /api/Account with AddAccountApiDto.
        body = {
            "firstName": first_name,
            "lastName": last_name,
            "email": email,
            "phone": phone,
            "roleName": role_name,
            "countryKey": country_key,
            "globalNotifications": global_notifications,
            "defaultNotificationEmail": default_notification_email,
            "activated": activated,
        }
        return self.parse(NewId, self._send("POST", "Account", json=body))

    # Applications (§6)

    def list_applications(self) -> list[Application]:
        # Reference: canvas.md §6.1, GET /api/Applications.
        return self.parse(Applications, self._send("GET", "Applications"))

    def list_reg_applications(self) -> list[RegApplication]:
        # Reference: canvas.md §6.2, GET /api/RegApplications.
        return self.parse(RegApplications, self._send("GET", "RegApplications"))

    def register_application(self, application_id: str, *, tag_text: str, credentials: dict[str, Any]) -> str:
        """The new registered application's id; missing credentials raise ApiValidationError
        with the "Authentication Error: …" lines as the message."""
        # Reference: canvas.md §6.3, POST /api/RegApplication; credentialsJson is serialized JSON.
        body = {
            "applicationId": application_id,
            "tagText": tag_text,
            "credentialsJson": json.dumps(credentials),
        }
        return self.parse(NewId, self._send("POST", "RegApplication", json=body))

    # Workflows (§7)

    def list_templates(self) -> list[WorkflowTemplate]:
        # Reference: canvas.md §7.1, GET /api/WorkflowTemplates.
        return self.parse(WorkflowTemplates, self._send("GET", "WorkflowTemplates"))

    def list_workflows(self) -> list[Workflow]:
        # Reference: canvas.md §7.2, GET /api/Workflows.
        return self.parse(Workflows, self._send("GET", "Workflows"))

    def get_workflow(self, workflow_id: str) -> Workflow:
        """An unknown id raises ApiNotFound."""
        # Reference: canvas.md §7.3, GET /api/Workflow?id=.
        return self.parse(OneWorkflow, self._send("GET", "Workflow", params={"id": workflow_id}))

    def create_workflow(
        self,
        template_id: str,
        *,
        applications: dict[str, str],
        name: str | None = None,
        description: str | None = None,
        chain: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        """The new workflow's id. `applications` maps the template's shortNames to registered
        application ids; `chain` maps a block's uniqueBlockId to the variables it overrides."""
        # Reference: canvas.md §7.4, POST /api/Workflow with AddWorkflowApiDto.
        body: dict[str, Any] = {"workflowTemplateId": template_id, "applications": applications}
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if chain:
            body["chain"] = [{"uniqueBlockId": block, "variables": values} for block, values in chain.items()]
        return self.parse(NewId, self._send("POST", "Workflow", json=body))

    def delete_workflow(self, workflow_id: str) -> bool:
        """True when deleted, False when there was no such workflow."""
        # Reference: canvas.md §7.5, GET /api/DeleteWorkflow?id= (a GET, as the doc says).
        return self.parse(Deleted, self._send("GET", "DeleteWorkflow", params={"id": workflow_id}))

    def run_workflow(
        self, workflow_id: str, *, run_from: int | None = None, run_till: int | None = None
    ) -> str:
        """Start a run of blocks run_from..run_till (1-based, inclusive; None: the chain's ends).
        The run goes on after the answer: follow it with `get_workflow`."""
        # Reference: canvas.md §7.6, POST /api/RunWorkflow with RunMetadataApiDto; answers plain text.
        body: dict[str, Any] = {"workflowId": workflow_id}
        if run_from is not None:
            body["runFromBlock"] = run_from
        if run_till is not None:
            body["runTillBlock"] = run_till
        return self._text(self._send("POST", "RunWorkflow", json=body), {RUN_STARTED})

    def set_scheduler(self, workflow_id: str, *, enabled: bool, cron: str | None = None) -> bool:
        """Turn the workflow's scheduler on (with a Quartz `cron`, evaluated in UTC) or off
        (`cron` None keeps the stored one). True when it is now enabled."""
        # Reference: canvas.md §7.7, POST /api/WorkflowScheduler; answers plain text.
        body: dict[str, Any] = {"workflowId": workflow_id, "isScheduled": enabled}
        if cron is not None:
            body["scheduleFrequency"] = frequency(cron)
        answer = self._text(self._send("POST", "WorkflowScheduler", json=body), set(SCHEDULER_ANSWERS))
        return SCHEDULER_ANSWERS[answer]
