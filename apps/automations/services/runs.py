"""Run history: Synerise keeps only a workflow's last run (W6), so we store every run we see, once.

The beat poll reads the last run of every active or recently started workflow; a run's follow job
records it too. A run id is stored once per connection, updated until it is final, then kept as it
ended (stages, counts and its whole log) for WORKFLOW_RUNS_KEPT_DAYS.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from apps.automations.client import LastRun, WorkflowsClient
from apps.automations.models import WorkflowRun
from apps.automations.services import logs
from apps.automations.services.workspace import workflows_client_of
from apps.connections.models import Connection
from apps.core.http import ApiError, ApiNotFound
from apps.core.paging import REMOTE_PAGE_MAX

logger = logging.getLogger(__name__)

FULL_LOG = 5000  # W6's largest `limit`: the whole log of a stage
RECENT = timedelta(hours=6)  # a workflow run this recently is polled even if no longer active
PAGE = 100  # W2's largest page


def record(connection: Connection, workflow_id: str, run: LastRun, *, name: str = "") -> WorkflowRun:
    """Store `run` (a W6 answer) under its run id; a run already final is left as it was."""
    now = timezone.now()
    lines = logs.lines_of(run)
    stages = [
        {
            "name": label,
            "status": stage.status if stage else "",
            "success": (stage.success_count or 0) if stage else 0,
            "failure": (stage.failure_count or 0) if stage else 0,
            "logs_size": (stage.logs_size or len(stage.logs)) if stage else 0,
            "failed_file": (stage.failed_records_file_id or "") if stage else "",
        }
        for label, stage in logs.stages_of(run)
    ]
    final = logs.is_final(run.overall_run_status)
    values = {
        "workflow_id": workflow_id,
        "started_at": run.start_time,
        "status": run.overall_run_status,
        "final": final,
        "stages": stages,
        # records go through every stage: the run's successes are those of the last stage that worked,
        # its failures those rejected anywhere
        "success_count": _last_worked(stages),
        "failure_count": sum(s["failure"] for s in stages),
        "log": "\n".join(line.text() for line in lines),
        "last_log_at": logs.newest(lines),
        "seen_at": now,
        "finished_at": (logs.newest(lines) or now) if final else None,
    }
    if name:
        values["workflow_name"] = name
    with transaction.atomic():
        stored, created = WorkflowRun.objects.select_for_update().get_or_create(
            connection=connection, run_id=run.run_id, defaults=values
        )
        if not created and not stored.final:
            for field, value in values.items():
                setattr(stored, field, value)
            stored.save()
    return stored


def _last_worked(stages: list[dict]) -> int:
    worked = [s["success"] for s in stages if s["status"] not in ("", "Pending", "Skipped")]
    return worked[-1] if worked else 0


def capture(
    connection: Connection, client: WorkflowsClient, workflow_id: str, *, name: str = ""
) -> WorkflowRun | None:
    """Read and store the workflow's last run; None when it has none (W6 answers 404)."""
    try:
        run = client.last_run(workflow_id, limit=FULL_LOG)
    except ApiNotFound:
        return None
    return record(connection, workflow_id, run, name=name)


def note(connection: Connection, client: WorkflowsClient, workflow_id: str, *, name: str = "") -> None:
    """After a pause or a stop: store the run it cut, if W6 answers; else the next poll will."""
    try:
        capture(connection, client, workflow_id, name=name)
    except ApiError as exc:
        logger.info("last run of %s not read after a change: %s", workflow_id, exc)


def to_poll(connection: Connection, client: WorkflowsClient, now: datetime) -> dict[str, str]:
    """Workflow id -> name: the active ones, and the ones whose run is going or started recently."""
    wanted: dict[str, str] = {}
    page = 1
    while page <= REMOTE_PAGE_MAX:
        result = client.list_workflows(page=page, limit=PAGE, status="Active")
        wanted.update({w.diagram_id: w.name for w in result.data if w.has_transformation is not False})
        if page >= (result.meta.total_pages or 1):
            break
        page += 1
    recent = WorkflowRun.objects.filter(connection=connection).filter(
        started_at__gte=now - RECENT
    ) | WorkflowRun.objects.going().filter(connection=connection)
    for workflow_id, name in recent.values_list("workflow_id", "workflow_name"):
        wanted.setdefault(workflow_id, name)
    return wanted


def poll(now: datetime | None = None) -> int:
    """Run by beat: store the last run of every workflow worth polling, in every Synerise workspace."""
    now = now or timezone.now()
    stored = 0
    for connection in Connection.objects.filter(kind=Connection.Kind.SYNERISE):
        try:
            with workflows_client_of(connection) as client:
                for workflow_id, name in to_poll(connection, client, now).items():
                    stored += capture(connection, client, workflow_id, name=name) is not None
        except ApiError as exc:  # one workspace that does not answer does not stop the others
            logger.warning("run history of %s not polled: %s", connection, exc)
    return stored


def purge(now: datetime | None = None) -> int:
    """Run by beat: runs older than WORKFLOW_RUNS_KEPT_DAYS are dropped."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WORKFLOW_RUNS_KEPT_DAYS)
    deleted, _ = WorkflowRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted


def history(connection: Connection, workflow_id: str) -> QuerySet[WorkflowRun]:
    return WorkflowRun.objects.filter(connection=connection, workflow_id=workflow_id)


def latest_of(connection: Connection, workflow_ids: list[str]) -> dict[str, WorkflowRun]:
    """The newest stored run of each workflow (one query, on SQLite too: no DISTINCT ON)."""
    newest = (
        WorkflowRun.objects.filter(connection=connection, workflow_id=OuterRef("workflow_id"))
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    runs = WorkflowRun.objects.filter(
        connection=connection, workflow_id__in=workflow_ids, pk=Subquery(newest)
    ).defer("log")
    return {run.workflow_id: run for run in runs}


@dataclass
class Alerts:
    failed: list[WorkflowRun]
    rejected: list[WorkflowRun]
    stuck: list[WorkflowRun]

    def __bool__(self) -> bool:
        return bool(self.failed or self.rejected or self.stuck)


def alerts(connection: Connection | None, *, now: datetime | None = None, shown: int = 10) -> Alerts:
    """Runs that failed or rejected records in the last 7 days, and going runs whose log is silent."""
    if connection is None:
        return Alerts([], [], [])
    now = now or timezone.now()
    runs = WorkflowRun.objects.filter(connection=connection).defer("log")
    week = runs.filter(started_at__gte=now - timedelta(days=7))
    silent = now - timedelta(minutes=settings.WORKFLOW_STUCK_MINUTES)
    return Alerts(
        failed=list(week.failed()[:shown]),
        rejected=list(week.with_rejections().exclude(status="Failed")[:shown]),
        stuck=list(runs.going().filter(last_log_at__lt=silent)[:shown]),
    )
