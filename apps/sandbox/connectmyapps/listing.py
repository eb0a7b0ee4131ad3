"""The `Workflows` list (§7.2), which Canvas answers whole: one row per workflow, no paging.

On PostgreSQL the ids and the three datetime styles of wire.py are written by the query itself: reading
thousands of timestamps into datetimes only to print them again was most of a long list's time. Other
databases take the same path through wire.py. A row with a run in progress or a fire due is loaded and
settled (runs.settle), so a long list loads only the few rows that something is happening to.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Func, Q, QuerySet, TextField
from django.db.models.functions import Cast

from apps.sandbox.connectmyapps import runs, wire
from apps.sandbox.connectmyapps.models import CanvasWorkflow

UTC_SECONDS = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"""


class Plain(Func):
    """wire.plain: microseconds, trailing zeros trimmed, no offset."""

    template = f"rtrim(rtrim({UTC_SECONDS}.US'), '0'), '.')"
    output_field = TextField()


class WithOffset(Func):
    """wire.with_offset: milliseconds (cut, not rounded), trailing zeros trimmed, "+00:00"."""

    template = f"rtrim(rtrim({UTC_SECONDS}.MS'), '0'), '.') || '+00:00'"
    output_field = TextField()


class WholeSeconds(Func):
    """wire.whole_seconds: no fraction, "+00:00"."""

    template = f"{UTC_SECONDS}') || '+00:00'"
    output_field = TextField()


def workflow_answers(
    rows: QuerySet[CanvasWorkflow], now: datetime, organization_id: uuid.UUID
) -> list[dict[str, Any]]:
    if connections[rows.db].vendor != "postgresql":
        return _answers_in_python(rows, now, organization_id)
    busy = Q(run_started_at__isnull=False) | Q(is_scheduled=True, date_next_schedule__lte=now)
    columns = rows.values(
        "name",
        "description",
        "status",
        "is_scheduled",
        "scheduler_frequency",
        "is_customized_structure",
        "reg_application_ids",
        "current_block",
        row_id=Cast("id", TextField()),
        template_id=Cast("workflow_template_id", TextField()),
        account=Cast("account_id", TextField()),
        created=Plain("date_created"),
        modified=Plain("date_modified"),
        last_run=WithOffset("date_last_run"),
        next_schedule=WholeSeconds("date_next_schedule"),
        busy=ExpressionWrapper(busy, output_field=BooleanField()),
    )
    organization = str(organization_id)
    answers = []
    for values in columns:
        if values["busy"]:
            row = runs.settle(rows.get(id=values["row_id"]), now)
            answers.append(wire.workflow(row, organization_id))
            continue
        answers.append(
            {
                "id": values["row_id"],
                "name": values["name"],
                "description": values["description"],
                "status": values["status"],
                "isScheduled": values["is_scheduled"],
                "schedulerFrequency": values["scheduler_frequency"],
                "workflowTemplateId": values["template_id"],
                "isCustomizedStructure": values["is_customized_structure"],
                "accountId": values["account"],
                "organizationId": organization,
                "dateCreated": values["created"],
                "dateModified": values["modified"],
                "dateLastRun": values["last_run"],
                "dateNextSchedule": values["next_schedule"],
                "regApplicationIds": values["reg_application_ids"],
                "currentBlock": values["current_block"],
            }
        )
    return answers


def _answers_in_python(
    rows: QuerySet[CanvasWorkflow], now: datetime, organization_id: uuid.UUID
) -> list[dict[str, Any]]:
    answers = []
    for values in rows.values(*wire.WORKFLOW_FIELDS, "run_started_at"):
        fire = values["date_next_schedule"] if values["is_scheduled"] else None
        if values["run_started_at"] is None and (fire is None or fire > now):
            answers.append(wire.workflow_values(values, organization_id))
        else:
            row = runs.settle(rows.get(id=values["id"]), now)
            answers.append(wire.workflow(row, organization_id))
    return answers
