"""The operations of the sandbox's Canvas REST API (spec §4–§8), mounted by `api` with the Canvas keys.

The choices the doc leaves open are in docs/api-decisions.md ("Canvas").
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from apps.sandbox.canvas import listing, quartz, runs, wire
from apps.sandbox.canvas.describe import DESCRIPTIONS
from apps.sandbox.canvas.errors import CanvasError
from apps.sandbox.canvas.models import (
    CanvasAccount,
    CanvasApplication,
    CanvasRegApplication,
    CanvasTemplate,
    CanvasWorkflow,
)
from apps.sandbox.canvas.seed import data
from apps.sandbox.canvas.wire import (
    AddAccount,
    AddRegApplication,
    AddWorkflow,
    RunMetadata,
    UpdateScheduler,
    text,
)
from apps.sandbox.models import CanvasKey

router = Router()


def scope(request: HttpRequest) -> tuple[CanvasKey, uuid.UUID]:
    """The organization's key and the account acted for: ManagedAccountId, else the key's owner."""
    key: CanvasKey = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    managed = request.headers.get("ManagedAccountId", "").strip()
    if not managed:
        return key, key.account_id
    try:
        account_id = uuid.UUID(managed)
    except ValueError:
        raise CanvasError(403, f"Unknown managed account {managed}") from None
    if not CanvasAccount.objects.filter(key=key, id=account_id, activated=True).exists():
        raise CanvasError(403, f"Unknown managed account {account_id}")
    return key, account_id


# --- help (§4) -------------------------------------------------------------------------------------


@router.get("/GetMetaData", auth=None, summary="Returns controllers actions")
def get_metadata(request: HttpRequest) -> list[dict[str, Any]]:
    metadata: list[dict[str, Any]] = data()["metadata"]
    return metadata


@router.get("/Describe", auth=None, summary="Describes object properties")
def describe(request: HttpRequest, name: str) -> list[dict[str, Any]]:
    for known, properties in DESCRIPTIONS.items():
        if known.lower() == name.lower():
            return properties
    raise CanvasError(404, f"Unknown object {name}")


@router.get("/Authenticate", response=bool, summary="Checks authentification")
def authenticate(request: HttpRequest) -> bool:
    # Spec §2.1: "true" for valid keys; wrong or missing keys get the 401 above.
    return True


# --- accounts (§5) ---------------------------------------------------------------------------------


ROLES = ("SuperPartner", "User")


@router.get("/Accounts", summary="Returns list of accounts in the organization")
def accounts(request: HttpRequest) -> list[dict[str, Any]]:
    key, _ = scope(request)
    return [wire.account(a) for a in CanvasAccount.objects.filter(key=key, activated=True)]


@router.post("/Account", summary="Account registration")
def add_account(request: HttpRequest, body: AddAccount) -> str:
    key, _ = scope(request)
    missing = [name for name in ("firstName", "lastName", "email", "roleName") if not getattr(body, name)]
    if missing:
        raise CanvasError(400, f"{', '.join(missing)} must be given")
    email = str(body.email).strip()
    if "@" not in email:
        raise CanvasError(400, f"{email} is not an email address")
    if body.roleName not in ROLES:
        raise CanvasError(400, f"Role {body.roleName} is not supported. Please use SuperPartner or User")
    if CanvasAccount.objects.filter(key=key, email__iexact=email).exists():
        raise CanvasError(409, "Account has already been created")
    account = CanvasAccount.objects.create(
        key=key,
        first_name=body.firstName or "",
        last_name=body.lastName or "",
        email=email,
        phone=body.phone or "",
        role=body.roleName,
        country_key=body.countryKey or "",
        global_notifications=body.globalNotifications,
        default_notification_email=body.defaultNotificationEmail or "",
        activated=body.activated,
        organization_id=key.organization_id,
        organization_name=key.organization,
    )
    return str(account.id)


# --- applications (§6) -----------------------------------------------------------------------------


@router.get("/Applications", summary="Returns Canvas applications")
def applications(request: HttpRequest) -> list[dict[str, Any]]:
    scope(request)
    return [wire.application(a) for a in CanvasApplication.objects.all()]


@router.get("/RegApplications", summary="Returns account registerred applications")
def reg_applications(request: HttpRequest) -> list[dict[str, Any]]:
    key, account_id = scope(request)
    rows = CanvasRegApplication.objects.filter(key=key, account_id=account_id).select_related("application")
    return [wire.reg_application(r) for r in rows]


@router.post("/RegApplication", summary="Registers a new application and returns Id")
def add_reg_application(request: HttpRequest, body: AddRegApplication) -> str:
    key, account_id = scope(request)
    application = CanvasApplication.objects.filter(id=body.applicationId).first()
    if application is None:
        raise CanvasError(404, f"Unknown application {body.applicationId}")
    try:
        credentials = json.loads(body.credentialsJson)
    except ValueError:
        credentials = None
    if not isinstance(credentials, dict):
        raise CanvasError(400, "credentialsJson must be a string holding a JSON object")
    problems = credential_problems(application.credential_fields, credentials)
    if problems:
        raise CanvasError(400, "Authentication Error: " + "\n".join(problems))
    now = timezone.now()
    row = CanvasRegApplication.objects.create(
        key=key,
        account_id=account_id,
        application=application,
        tag_text=body.tagText,
        credentials=credentials,
        date_modified=now,
        date_authenticated=now,
        date_for_reauth=now,
    )
    return str(row.id)


def credential_problems(fields: list[dict[str, Any]], credentials: dict[str, Any]) -> list[str]:
    """One line per required field left empty, and per select value that is not one of its options."""
    problems = []
    for field in fields:
        value = credentials.get(field["ShortName"])
        if value is None or value == "":
            if not field.get("Optional"):
                problems.append(f"You must enter a value for {field['Name']}.")
            continue
        if field.get("Type") == "select":
            options = [option.split("|", 1)[0] for option in str(field.get("Options", "")).split(",")]
            if str(value) not in options:
                problems.append(f"{field['Name']} must be one of: {', '.join(options)}.")
    return problems


# --- workflows (§7) --------------------------------------------------------------------------------


def templates_for(key: CanvasKey) -> QuerySet[CanvasTemplate]:
    return CanvasTemplate.objects.filter(Q(key__isnull=True) | Q(key=key)).select_related("key")


def workflows_for(request: HttpRequest) -> QuerySet[CanvasWorkflow]:
    key, account_id = scope(request)
    return CanvasWorkflow.objects.filter(key=key, account_id=account_id).select_related("key")


def workflow_or_404(request: HttpRequest, workflow_id: uuid.UUID) -> CanvasWorkflow:
    workflow = workflows_for(request).filter(id=workflow_id).first()
    if workflow is None:
        raise CanvasError(404, f"Unknown workflow {workflow_id}")
    return runs.settle(workflow)


@router.get("/WorkflowTemplates", summary="Returns list of workflow templates")
def workflow_templates(request: HttpRequest) -> list[dict[str, Any]]:
    key, _ = scope(request)
    return [wire.template(t) for t in templates_for(key)]


@router.get("/Workflows", summary="Returns list of registered workflows")
def workflows(request: HttpRequest) -> list[dict[str, Any]]:
    key: CanvasKey = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    rows = workflows_for(request).select_related(None)
    return listing.workflow_answers(rows, timezone.now(), key.organization_id)


@router.get("/Workflow", summary="Returns registered workflow by id")
def get_workflow(request: HttpRequest, id: uuid.UUID) -> dict[str, Any]:
    return wire.workflow(workflow_or_404(request, id))


@router.post("/Workflow", summary="Registers a new workflow based on template and returns Id")
def add_workflow(request: HttpRequest, body: AddWorkflow) -> str:
    key, account_id = scope(request)
    template = templates_for(key).filter(id=body.workflowTemplateId).first()
    if template is None:
        # The doc's body says State 500; we answer HTTP 400 with it (docs/api-decisions.md).
        raise CanvasError(400, f"Unknown workflow template {body.workflowTemplateId}", state=500)
    wanted, given = set(template.applications), set(body.applications)
    if wanted != given:
        missing = ", ".join(sorted(wanted - given)) or "none"
        extra = ", ".join(sorted(given - wanted)) or "none"
        raise CanvasError(
            400,
            f"applications must map exactly {', '.join(template.applications)}: "
            f"missing {missing}, unknown {extra}",
        )
    for short_name, reg_id in body.applications.items():
        if not CanvasRegApplication.objects.filter(
            key=key, account_id=account_id, id=reg_id, application__short_name=short_name
        ).exists():
            raise CanvasError(
                400, f"Registered application {reg_id} is not a {short_name} application of this account"
            )
    chain = [dict(block, variables=dict(block.get("variables") or {})) for block in template.chain]
    by_id = {block["uniqueBlockId"]: block for block in chain}
    for override in body.chain:
        block = by_id.get(str(override.uniqueBlockId))
        if block is None:
            raise CanvasError(
                400, f"Unknown block {override.uniqueBlockId} in workflow template {template.id}"
            )
        block["variables"].update(override.variables)
    workflow = CanvasWorkflow.objects.create(
        key=key,
        account_id=account_id,
        name=body.name or template.name,
        description=body.description or template.description,
        workflow_template_id=template.id,
        reg_application_ids=[str(body.applications[name]) for name in template.applications],
        chain=chain,
    )
    return str(workflow.id)


@router.get("/DeleteWorkflow", response=bool, summary="Deletes workflow by Id")
def delete_workflow(request: HttpRequest, id: uuid.UUID) -> bool:
    deleted, _ = workflows_for(request).filter(id=id).delete()
    return deleted > 0


@router.post("/RunWorkflow", summary="Runs workflow")
def run_workflow(request: HttpRequest, body: RunMetadata) -> HttpResponse:
    workflow = workflow_or_404(request, body.workflowId)
    if runs.running(workflow):
        raise CanvasError(409, f"Workflow {workflow.id} is already running")
    try:
        first, last = runs.block_range(workflow, body.runFromBlock, body.runTillBlock)
    except runs.RangeError as exc:
        raise CanvasError(400, str(exc)) from None
    runs.start(workflow, first, last, timezone.now())
    workflow.save()
    return text("Workflow will now run")


@router.post("/WorkflowScheduler", summary="Updates the workflow scheduler")
def workflow_scheduler(request: HttpRequest, body: UpdateScheduler) -> HttpResponse:
    workflow = workflow_or_404(request, body.workflowId)
    if body.scheduleFrequency is not None:
        try:
            cron = quartz.parse(runs.cron_of(body.scheduleFrequency))
        except quartz.CronError as exc:
            raise CanvasError(400, f"Invalid cron expression: {exc}") from None
        except ValueError as exc:
            raise CanvasError(400, str(exc)) from None
        workflow.scheduler_frequency = body.scheduleFrequency
    elif body.isScheduled:
        raise CanvasError(400, "scheduleFrequency must be given to enable the scheduler")
    else:
        cron = None
    workflow.is_scheduled = body.isScheduled
    if body.isScheduled and cron is not None:
        fire = cron.next_after(timezone.now())
        if fire is None:
            raise CanvasError(400, "Invalid cron expression: it never fires again")
        workflow.date_next_schedule = fire
    workflow.date_modified = timezone.now()
    workflow.save()
    return text(f"Workflow Scheduler {'enabled' if body.isScheduled else 'disabled'}")
