"""Runs of a workflow: their history and their log lines.

Synerise keeps only a workflow's last run (W6), so we store every run we see, once. The beat poll reads
the last run of every active or recently started workflow; a run's job records it too. A run id is
stored once per connection, updated until it is final, then kept as it ended (stages, counts and its
whole log) for WORKFLOW_RUNS_KEPT_DAYS. Log lines are `"<ISO time> <LEVEL> <message>"` (spec §2.3),
read here for people.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from apps.automations.client import LastRun, Stage, WorkflowsClient
from apps.automations.models import RunRequest, WorkflowRun
from apps.automations.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import Workspace
from apps.core.http import ApiError, ApiNotFound
from apps.core.paging import REMOTE_PAGE_MAX

logger = logging.getLogger(__name__)

FULL_LOG = 5000  # W6's largest `limit`: the whole log of a stage
RECENT = timedelta(hours=6)  # a workflow run this recently is polled even if no longer active
PAGE = 100  # W2's largest page


def record(
    workspace: Workspace[WorkflowsClient], *, workflow_id: str, run: LastRun, name: str = ""
) -> WorkflowRun:
    """Store `run` (a W6 answer) under its run id; a run already final is left as it was."""
    now = timezone.now()
    lines = lines_of(run)
    stages: list[dict[str, Any]] = [
        {
            "name": label,
            "status": stage.status if stage else "",
            "success": (stage.success_count or 0) if stage else 0,
            "failure": (stage.failure_count or 0) if stage else 0,
            "logs_size": (stage.logs_size or len(stage.logs)) if stage else 0,
            "failed_file": (stage.failed_records_file_id or "") if stage else "",
        }
        for label, stage in stages_of(run)
    ]
    final = is_final(run.overall_run_status)
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
        "last_log_at": newest(lines),
        "seen_at": now,
        "finished_at": (newest(lines) or now) if final else None,
    }
    if name:
        values["workflow_name"] = name
    with transaction.atomic():
        stored, created = WorkflowRun.objects.select_for_update().get_or_create(
            connection=workspace.connection, run_id=run.run_id, defaults=values
        )
        if not created and not stored.final:
            for field, value in values.items():
                setattr(stored, field, value)
            stored.save()
    return stored


def _last_worked(stages: list[dict[str, Any]]) -> int:
    worked = [s["success"] for s in stages if s["status"] not in ("", "Pending", "Skipped")]
    return worked[-1] if worked else 0


def capture(
    workspace: Workspace[WorkflowsClient], *, api: WorkflowsClient, workflow_id: str, name: str = ""
) -> WorkflowRun | None:
    """Read and store the workflow's last run; None when it has none (W6 answers 404)."""
    try:
        run = api.last_run(workflow_id, limit=FULL_LOG)
    except ApiNotFound:
        return None
    return record(workspace, workflow_id=workflow_id, run=run, name=name)


def note(
    workspace: Workspace[WorkflowsClient], *, api: WorkflowsClient, workflow_id: str, name: str = ""
) -> None:
    """After a pause or a stop: store the run it cut, if W6 answers; else the next poll will."""
    try:
        capture(workspace, api=api, workflow_id=workflow_id, name=name)
    except ApiError as exc:
        logger.info("last run of %s not read after a change: %s", workflow_id, exc)


def to_poll(workspace: Workspace[WorkflowsClient], *, api: WorkflowsClient, now: datetime) -> dict[str, str]:
    """Workflow id -> name: the active ones, and the ones whose run is going or started recently."""
    connection = workspace.connection
    wanted: dict[str, str] = {}
    page = 1
    while page <= REMOTE_PAGE_MAX:
        result = api.list_workflows(page=page, limit=PAGE, status="Active")
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
        workspace = workspace_for(None, connection=connection)
        try:
            with workspace.client() as api:
                for workflow_id, name in to_poll(workspace, api=api, now=now).items():
                    stored += capture(workspace, api=api, workflow_id=workflow_id, name=name) is not None
        except ApiError as exc:  # one workspace that does not answer does not stop the others
            logger.warning("run history of %s not polled: %s", connection, exc)
    return stored


def purge(now: datetime | None = None) -> int:
    """Run by beat: runs older than WORKFLOW_RUNS_KEPT_DAYS are dropped."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WORKFLOW_RUNS_KEPT_DAYS)
    deleted, _ = WorkflowRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted


def history(workspace: Workspace[WorkflowsClient], *, workflow_id: str) -> QuerySet[WorkflowRun]:
    return WorkflowRun.objects.filter(connection=workspace.connection, workflow_id=workflow_id)


def latest_of(workspace: Workspace[WorkflowsClient], *, workflow_ids: list[str]) -> dict[str, WorkflowRun]:
    """The newest stored run of each workflow (one query, on SQLite too: no DISTINCT ON)."""
    connection = workspace.connection
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


def alerts(
    workspace: Workspace[WorkflowsClient] | None, *, now: datetime | None = None, shown: int = 10
) -> Alerts:
    """Going runs whose log is silent, and runs that failed or rejected records in the last 7 days: each
    workflow once, under the most pressing of the three, its latest run with how many it had (`times`).

    A failed run that a Run of ours started is not among them: its job failed with it, and says so.
    """
    if workspace is None:
        return Alerts([], [], [])
    now = now or timezone.now()
    runs = WorkflowRun.objects.filter(connection=workspace.connection).defer("log")
    week = runs.filter(started_at__gte=now - timedelta(days=7))
    silent = now - timedelta(minutes=settings.WORKFLOW_STUCK_MINUTES)
    ours = RunRequest.objects.filter(connection=workspace.connection).exclude(run_id="").values("run_id")
    listed: set[str] = set()
    stuck = _latest_of_each(runs.going().filter(last_log_at__lt=silent), listed, shown)
    failed = _latest_of_each(week.failed().exclude(run_id__in=ours), listed, shown)
    rejected = _latest_of_each(week.with_rejections().exclude(status="Failed"), listed, shown)
    return Alerts(failed=failed, rejected=rejected, stuck=stuck)


def _latest_of_each(runs: QuerySet[WorkflowRun], listed: set[str], shown: int) -> list[WorkflowRun]:
    """The newest run of each workflow not `listed` yet, counting its runs here in `times`."""
    kept: dict[str, WorkflowRun] = {}
    for run in runs[:500]:  # newest first
        if run.workflow_id in listed:
            continue
        if run.workflow_id in kept:
            kept[run.workflow_id].times += 1  # type: ignore[attr-defined]
            continue
        run.times = 1  # type: ignore[attr-defined]
        kept[run.workflow_id] = run
    listed.update(kept)
    return list(kept.values())[:shown]


STAGES = (("import_data", "Import"), ("transform_data", "Transform"), ("export_data", "Export"))
LEVELS = ("INFO", "WARN", "ERROR")
# Stage and run statuses are open strings; these are the ones after which nothing changes.
FINAL = frozenset({"Success", "Failed", "Cancelled", "Skipped", "Error", "Stopped"})


@dataclass(frozen=True)
class Line:
    stage: str
    at: datetime | None
    level: str
    message: str

    @property
    def css(self) -> str:
        return {"WARN": "warning", "WARNING": "warning", "ERROR": "error"}.get(self.level, "")

    def text(self) -> str:
        at = self.at.isoformat() if self.at else ""
        return f"{self.stage}\t{at}\t{self.level}\t{self.message}"


def parse(stage: str, raw: str) -> Line:
    """A line that does not follow the documented shape is kept whole as its message."""
    parts = raw.split(" ", 2)
    if len(parts) == 3:
        try:
            at = datetime.fromisoformat(parts[0].replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return Line(stage, at, parts[1].upper(), parts[2])
    return Line(stage, None, "", raw)


def stages_of(run: LastRun) -> list[tuple[str, Stage | None]]:
    return [(label, getattr(run.pipeline, attribute)) for attribute, label in STAGES]


@dataclass(frozen=True)
class Span:
    """A stage on the run's time axis: where it starts and how wide it is, in percent of the run."""

    label: str
    status: str
    start: float
    width: float
    seconds: float


def timeline(run: LastRun, *, now: datetime | None = None) -> tuple[list[Span], float]:
    """The stages that began, each from its start to its last log line (to now while it goes), on one
    axis from the first start to the last end; and that whole span in seconds."""
    now = now or timezone.now()
    begun = [(label, stage) for label, stage in stages_of(run) if stage and stage.run_date]
    if not begun:
        return [], 0.0
    ends = []
    for label, stage in begun:
        assert stage is not None and stage.run_date is not None  # begun holds only these
        last = newest([parse(label, raw) for raw in stage.logs])
        end = (last or stage.run_date) if is_final(stage.status) else now
        ends.append(max(end, stage.run_date))
    first = min(stage.run_date for _, stage in begun if stage and stage.run_date)
    total = max((max(ends) - first).total_seconds(), 0.001)
    spans = []
    for (label, stage), end in zip(begun, ends, strict=True):
        assert stage is not None and stage.run_date is not None
        seconds = (end - stage.run_date).total_seconds()
        start = 100 * (stage.run_date - first).total_seconds() / total
        spans.append(
            Span(label, stage.status, round(start, 2), round(max(100 * seconds / total, 0.5), 2), seconds)
        )
    return spans, total


def lines_of(run: LastRun) -> list[Line]:
    return [parse(label, raw) for label, stage in stages_of(run) if stage for raw in stage.logs]


def matching(lines: list[Line], *, level: str = "", text: str = "") -> list[Line]:
    """Lines at `level` or worse (WARN takes WARN and ERROR), containing `text` (any case)."""
    if level in LEVELS:
        worse = set(LEVELS[LEVELS.index(level) :]) | ({"WARNING"} if level != "ERROR" else set())
        lines = [line for line in lines if line.level in worse]
    if text:
        needle = text.casefold()
        lines = [line for line in lines if needle in line.message.casefold()]
    return lines


def newest(lines: list[Line]) -> datetime | None:
    times = [line.at for line in lines if line.at]
    return max(times) if times else None


def is_final(status: str) -> bool:
    return status in FINAL


def parse_stored(row: str) -> Line:
    """A line as `Line.text` stored it (tab-separated)."""
    parts = row.split("\t", 3)
    if len(parts) != 4:
        return Line("", None, "", row)
    stage, at, level, message = parts
    return Line(stage, datetime.fromisoformat(at) if at else None, level, message)


def progress_of(last: LastRun) -> int:
    """How far the run is, in percent: stages done, and half of each going."""
    stages = [stage for _, stage in stages_of(last)]
    done = sum(1 for s in stages if s and is_final(s.status))
    going = sum(1 for s in stages if s and s.status == "Running")
    return round(100 * (done + going / 2) / max(1, len(stages)))


def step_of(last: LastRun) -> str:
    """The run in a line: its status and each stage's, with records done and rejected."""
    status = last.overall_run_status
    parts = []
    for label, stage in stages_of(last):
        if stage is None:
            continue
        counts = (
            f" ({stage.success_count or 0} done, {stage.failure_count or 0} rejected)"
            if stage.status != "Pending"
            else ""
        )
        parts.append(f"{label} {stage.status.lower()}{counts}")
    return f"Run {status.lower()}: " + ", ".join(parts)
