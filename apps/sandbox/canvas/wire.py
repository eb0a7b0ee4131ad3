"""Canvas's wire: the bodies it reads, and its answers as the doc prints them (camelCase, PascalCase
credential fields, three datetime styles, some answers as plain text)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.http import HttpResponse
from ninja import Schema
from pydantic import Field

from apps.sandbox.canvas import runs
from apps.sandbox.canvas.models import (
    CanvasAccount,
    CanvasApplication,
    CanvasRegApplication,
    CanvasTemplate,
    CanvasWorkflow,
)

# Bodies (§5–§8)


class AddAccount(Schema):
    firstName: str | None = Field(None, max_length=200)
    lastName: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=50)
    roleName: str | None = Field(None, max_length=50)
    countryKey: str | None = Field(None, max_length=2)
    globalNotifications: bool = False
    defaultNotificationEmail: str | None = Field(None, max_length=320)
    activated: bool = True


class AddRegApplication(Schema):
    applicationId: uuid.UUID
    tagText: str = Field("", max_length=500)
    credentialsJson: str = Field(max_length=100_000)


class ChainBlock(Schema):
    uniqueBlockId: uuid.UUID
    variables: dict[str, Any] = {}


class AddWorkflow(Schema):
    workflowTemplateId: uuid.UUID
    name: str | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=1000)
    applications: dict[str, uuid.UUID]
    chain: list[ChainBlock] = []


class RunMetadata(Schema):
    workflowId: uuid.UUID
    runFromBlock: int | None = Field(None, ge=-(2**31), lt=2**31)
    runTillBlock: int | None = Field(None, ge=-(2**31), lt=2**31)


class UpdateScheduler(Schema):
    workflowId: uuid.UUID
    isScheduled: bool
    scheduleFrequency: str | None = Field(None, max_length=1000)


# Answers


def text(answer: str) -> HttpResponse:
    """The doc prints these answers without quotes: plain text (docs/api-decisions.md)."""
    return HttpResponse(answer, content_type="text/plain; charset=utf-8")


ROLE_IDS = {
    "User": "349889ad-4277-42d0-a268-5cd27230cfc5",  # observed (§5.1)
    "Admin": "9c525665-df99-4aee-9e52-1a55853db03b",  # observed (§5.1)
    "SuperPartner": "5a3c2f71-9e0b-4f3e-8d1c-2b7a6e4d9c10",  # ours: the doc shows none
}


def plain(moment: datetime | None) -> str | None:
    """No offset, trailing zeros of the fraction trimmed: "2020-05-07T19:10:36.69" (§10)."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return _seconds(moment) + (f".{fraction}" if fraction else "")


def with_offset(moment: datetime | None) -> str | None:
    """Milliseconds trimmed, "+00:00": "2021-09-15T14:59:02.95+00:00" (`dateLastRun`)."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    fraction = f"{moment.microsecond // 1000:03d}".rstrip("0")
    return _seconds(moment) + (f".{fraction}" if fraction else "") + "+00:00"


def whole_seconds(moment: datetime | None) -> str | None:
    """No fraction, "+00:00": "2022-05-03T02:00:00+00:00" (`dateNextSchedule`)."""
    return None if moment is None else _seconds(moment.astimezone(UTC)) + "+00:00"


def _seconds(moment: datetime) -> str:
    """`2022-05-03T02:00:00` of a UTC moment (isoformat: strftime was a third of a long list's time)."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def account(row: CanvasAccount) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "firstName": row.first_name,
        "lastName": row.last_name,
        "email": row.email,
        "organizationId": str(row.organization_id),
        "organizationName": row.organization_name,
        "roleId": ROLE_IDS.get(row.role, ROLE_IDS["User"]),
        "role": row.role,
        "dateCreated": plain(row.date_created),
    }


def application(row: CanvasApplication) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        "shortName": row.short_name,
        "description": row.description,
        "vendorUrl": row.vendor_url,
        "credentialFields": row.credential_fields,
        "credentialsJson": {field["ShortName"]: None for field in row.credential_fields},
        "tag": row.tag,
        "sessionTimeMins": row.session_time_mins,
        "sessionSlidingExpiry": row.session_sliding_expiry,
    }


def reg_application(row: CanvasRegApplication) -> dict[str, Any]:
    app = row.application
    return {
        "id": str(row.id),
        "shortName": app.short_name,
        "accountId": str(row.account_id),
        "applicationId": str(app.id),
        "name": app.name,
        "tagText": row.tag_text,
        "description": app.description,
        "isAuthenticated": row.is_authenticated,
        "isOAuthApp": row.is_oauth_app,
        "dateModified": plain(row.date_modified),
        "dateTimeUtcAuthenticated": plain(row.date_authenticated),
        "dateTimeForReAuth": plain(row.date_for_reauth),
        "sessionTimeMins": app.session_time_mins,
        "sessionSlidingExpiry": app.session_sliding_expiry,
        "faulted": row.faulted,
    }


def template(row: CanvasTemplate) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        "description": row.description,
        "dateCreated": plain(row.date_created),
        "dateModified": plain(row.date_modified),
        "state": row.state,
        "version": row.version,
        "draftIsCommitted": row.draft_is_committed,
        "dateCommitted": plain(row.date_committed),
        "organizationId": str(row.key.organization_id) if row.key else None,
        "applications": row.applications,
        "chain": row.chain,
    }


# The columns a workflow's answer is made of, for lists read without loading each row (`workflow_values`).
WORKFLOW_FIELDS = (
    "id",
    "name",
    "description",
    "status",
    "is_scheduled",
    "scheduler_frequency",
    "workflow_template_id",
    "is_customized_structure",
    "account_id",
    "date_created",
    "date_modified",
    "date_last_run",
    "date_next_schedule",
    "reg_application_ids",
    "current_block",
)


def workflow(row: CanvasWorkflow, organization_id: Any = None) -> dict[str, Any]:
    """`organization_id` saves a list from loading each row's key."""
    now = runs.progress(row)
    values = {name: getattr(row, name) for name in WORKFLOW_FIELDS}
    values.update(status=now.status, current_block=now.current_block)
    return workflow_values(values, organization_id or row.key.organization_id)


def workflow_values(values: dict[str, Any], organization_id: Any) -> dict[str, Any]:
    """A workflow's answer from its columns, `status` and `current_block` as they are now."""
    template = values["workflow_template_id"]
    return {
        "id": str(values["id"]),
        "name": values["name"],
        "description": values["description"],
        "status": values["status"],
        "isScheduled": values["is_scheduled"],
        "schedulerFrequency": values["scheduler_frequency"],
        "workflowTemplateId": str(template) if template else None,
        "isCustomizedStructure": values["is_customized_structure"],
        "accountId": str(values["account_id"]),
        "organizationId": str(organization_id),
        "dateCreated": plain(values["date_created"]),
        "dateModified": plain(values["date_modified"]),
        "dateLastRun": with_offset(values["date_last_run"]),
        "dateNextSchedule": whole_seconds(values["date_next_schedule"]),
        "regApplicationIds": values["reg_application_ids"],
        "currentBlock": values["current_block"],
    }
