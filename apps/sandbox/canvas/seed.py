"""Canvas demo data: the doc's samples (seed.json, from canvas.md Appendix A) and a few of ours.

seed.json holds the Appendix A payloads with the two printing defects fixed (the `...,` elision of A.3,
the trailing comma of A.4), plus `ourApplications` (the applications the doc's templates and registered
applications name but its catalogue sample leaves out) and `ourTemplates` (one with a failing block).
Safe to run again: rows that exist are left as they are.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from apps.sandbox.canvas.models import (
    CanvasAccount,
    CanvasApplication,
    CanvasRegApplication,
    CanvasTemplate,
    CanvasWorkflow,
)

OWNER_ACCOUNT = uuid.UUID("6fa122e4-0d4c-4a1d-8869-7c0a86a37bf1")  # owns every sample workflow (§11)
ORGANIZATION = uuid.UUID("00000000-0000-0000-0000-000000000001")  # "ConnectMyApps AS"
MANAGED_ACCOUNT = uuid.UUID("a4ba9a9b-ce81-4f06-81c6-032bf7d648f5")  # the header example (§2)


@cache
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((Path(__file__).parent / "seed.json").read_text(encoding="utf-8"))
    return loaded


def when(text: str | None) -> datetime | None:
    """A doc datetime (no offset means UTC, §10), cut to the microseconds Python keeps."""
    if text is None:
        return None
    head, dot, fraction = text.removesuffix("+00:00").partition(".")
    moment = datetime.fromisoformat(head + (dot + fraction[:6] if dot else ""))
    return moment.replace(tzinfo=UTC)


def seed(key: Any) -> None:
    """Give the organization of `key` the doc's accounts, registered applications and workflows."""
    if (key.account_id, key.organization_id) != (OWNER_ACCOUNT, ORGANIZATION):
        key.account_id, key.organization_id = OWNER_ACCOUNT, ORGANIZATION
        key.save(update_fields=["account_id", "organization_id"])
    for item in data()["applications"] + data()["ourApplications"]:
        CanvasApplication.objects.get_or_create(
            id=item["id"],
            defaults={
                "name": item["name"],
                "short_name": item["shortName"],
                "description": item["description"],
                "vendor_url": item["vendorUrl"],
                "credential_fields": item["credentialFields"],
                "tag": item["tag"],
                "session_time_mins": item["sessionTimeMins"],
                "session_sliding_expiry": item["sessionSlidingExpiry"],
            },
        )
    for item in data()["templates"] + data()["ourTemplates"]:
        CanvasTemplate.objects.get_or_create(
            id=item["id"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "state": item["state"],
                "version": item["version"],
                "draft_is_committed": item["draftIsCommitted"],
                "date_created": when(item["dateCreated"]),
                "date_modified": when(item["dateModified"]),
                "date_committed": when(item["dateCommitted"]),
                "applications": item["applications"],
                "chain": item["chain"],
            },
        )
    accounts = [*data()["accounts"], _managed_account()]
    for item in accounts:
        CanvasAccount.objects.get_or_create(
            id=item["id"],
            defaults={
                "key": key,
                "first_name": item["firstName"],
                "last_name": item["lastName"],
                "email": item["email"],
                "role": item["role"],
                "organization_id": item["organizationId"],
                "organization_name": item["organizationName"],
                "date_created": when(item["dateCreated"]),
            },
        )
    for item in data()["regApplications"]:
        CanvasRegApplication.objects.get_or_create(
            id=item["id"],
            defaults={
                "key": key,
                "account_id": item["accountId"],
                "application_id": item["applicationId"],
                "tag_text": item["tagText"],
                "is_authenticated": item["isAuthenticated"],
                "is_oauth_app": item["isOAuthApp"],
                "faulted": item["faulted"],
                "date_modified": when(item["dateModified"]),
                "date_authenticated": when(item["dateTimeUtcAuthenticated"]),
                "date_for_reauth": when(item["dateTimeForReAuth"]),
            },
        )
    templates = {str(t["id"]): t for t in data()["templates"]}
    for item in data()["workflows"]:
        template = templates.get(str(item["workflowTemplateId"]))
        CanvasWorkflow.objects.get_or_create(
            id=item["id"],
            defaults={
                "key": key,
                "account_id": item["accountId"],
                "name": item["name"],
                "description": item["description"],
                "status": item["status"],
                "is_scheduled": item["isScheduled"],
                "scheduler_frequency": item["schedulerFrequency"],
                "workflow_template_id": item["workflowTemplateId"],
                "is_customized_structure": item["isCustomizedStructure"],
                "date_created": when(item["dateCreated"]),
                "date_modified": when(item["dateModified"]),
                "date_last_run": when(item["dateLastRun"]),
                "date_next_schedule": when(item["dateNextSchedule"]),
                "reg_application_ids": item["regApplicationIds"],
                "chain": _chain(item["id"], template["chain"] if template else [], item["currentBlock"]),
                "current_block": item["currentBlock"],
            },
        )


def _managed_account() -> dict[str, Any]:
    return {
        "id": str(MANAGED_ACCOUNT),
        "firstName": "Managed",
        "lastName": "Customer",
        "email": "managed.customer@example.com",
        "role": "User",
        "organizationId": str(ORGANIZATION),
        "organizationName": "ConnectMyApps AS",
        "dateCreated": "2021-06-01T10:00:00",
    }


def _chain(workflow: str, template_chain: list[dict[str, Any]], current_block: int) -> list[dict[str, Any]]:
    """The doc shows no workflow's chain: the template's, padded to the sample's `currentBlock` blocks."""
    chain = [dict(block) for block in template_chain]
    while len(chain) < max(current_block, 1):
        number = len(chain) + 1
        chain.append(
            {
                "uniqueBlockId": str(uuid.uuid5(uuid.UUID(workflow), str(number))),
                "blockName": f"Block {number}",
                "variables": {},
            }
        )
    return chain
