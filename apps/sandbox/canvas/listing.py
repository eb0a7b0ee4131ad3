"""The `Workflows` list (§7.2), which Canvas answers whole: one row per workflow, no paging.

On PostgreSQL the ids and the three datetime styles of wire.py are written by the query itself: reading
thousands of timestamps into datetimes only to print them again was most of a long list's time. Other
databases take the same path through wire.py. A row with a run in progress or a fire due is loaded and
settled (runs.settle), so a long list loads only the few rows that something is happening to.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Func, Q, QuerySet, TextField
from django.db.models.functions import Cast

from apps.sandbox.canvas import runs, wire
from apps.sandbox.canvas.models import CanvasWorkflow

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
    columns = rows.values_list(
        Cast("id", TextField()),
        "name",
        "description",
        "status",
        "is_scheduled",
        "scheduler_frequency",
        Cast("workflow_template_id", TextField()),
        "is_customized_structure",
        Cast("account_id", TextField()),
        Plain("date_created"),
        Plain("date_modified"),
        WithOffset("date_last_run"),
        WholeSeconds("date_next_schedule"),
        Cast("reg_application_ids", TextField()),
        "current_block",
        ExpressionWrapper(busy, output_field=BooleanField()),
    )
    organization = str(organization_id)
    # Tuples, which JSON writes as lists: an answer made only of strings, numbers and an empty or
    # untracked tuple is not tracked by the garbage collector, so a long list does not bring on the
    # full collections (100 ms and more) that thousands of surviving dicts and lists would.
    ids: dict[str, tuple[str, ...]] = {}
    answers = []
    for (
        row_id,
        name,
        description,
        status,
        scheduled,
        frequency,
        template,
        customized,
        account,
        created,
        modified,
        last_run,
        next_schedule,
        reg_ids,
        block,
        is_busy,
    ) in columns:
        if is_busy:
            row = runs.settle(rows.get(id=row_id), now)
            answers.append(wire.workflow(row, organization_id))
            continue
        if reg_ids not in ids:
            ids[reg_ids] = tuple(json.loads(reg_ids))
        answers.append(
            {
                "id": row_id,
                "name": name,
                "description": description,
                "status": status,
                "isScheduled": scheduled,
                "schedulerFrequency": frequency,
                "workflowTemplateId": template,
                "isCustomizedStructure": customized,
                "accountId": account,
                "organizationId": organization,
                "dateCreated": created,
                "dateModified": modified,
                "dateLastRun": last_run,
                "dateNextSchedule": next_schedule,
                "regApplicationIds": ids[reg_ids],
                "currentBlock": block,
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
