"""Runs of a workflow: plan a block range with its warnings, start it, follow it as a Job, keep its history.

Canvas keeps no list of runs; a run shows only through `status`, `currentBlock` and `dateLastRun`. Each run
is kept once, by the moment it started, whether we started it or the poll saw it start. The job sends
RunWorkflow through `intents.send_once`: a job requeued after its worker died reads the workflow's
`dateLastRun` before it sends again (docs/api-decisions.md, "Remote calls sent once").
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.canvas.client import CanvasClient, Workflow
from apps.canvas.models import ActingAccount, RunRequest, WorkflowRun
from apps.canvas.services.workflows import Block
from apps.canvas.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.core import audit
from apps.core.http import ApiError
from apps.jobs import intents, kinds
from apps.jobs import services as jobs
from apps.jobs.models import Job, RemoteCall

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
# A run we follow that has not ended after this long is left to the poll (the job ends, the run stays open).
FOLLOW_LIMIT_SECONDS = 6 * 3600


class RangeError(ValueError):
    """A block range that does not fit the chain."""


@dataclass
class Plan:
    first: int | None  # None: the chain's ends, left to Canvas
    last: int | None
    warnings: list[str] = field(default_factory=list)

    @property
    def blocks(self) -> str:
        if self.first is None and self.last is None:
            return "the whole workflow"
        if self.first == self.last:
            return f"block {self.first}"
        return f"blocks {self.first or 1} to {self.last}"


RUN = kinds.name("canvas.run", "Integration run")


def plan_run(workflow: Workflow, chain: list[Block] | None, *, first: int | None, last: int | None) -> Plan:
    """Check a range against the chain and say what could surprise: skipped outputs, a run in progress."""
    length = len(chain) if chain is not None else None
    if (first is not None or last is not None) and length is None:
        raise RangeError(
            "Canvas does not show this workflow's blocks, so only the whole workflow can be run."
        )
    if length is not None:
        first_n = 1 if first is None else first
        last_n = length if last is None else last
        for name, value in (("The first block", first_n), ("The last block", last_n)):
            if not 1 <= value <= length:
                raise RangeError(f"{name} must be between 1 and {length}.")
        if first_n > last_n:
            raise RangeError(
                f"Block {first_n} comes after block {last_n}: pick the first block of the range first."
            )
        if first_n == 1 and last_n == length:
            first = last = None
        else:
            first, last = first_n, last_n
    plan = Plan(first, last)
    if chain is not None and first is not None and first > 1:
        by_number = {block.number: block for block in chain}
        for block in chain[first - 1 : last]:
            for source in block.reads:
                if source < first:
                    plan.warnings.append(
                        f"Block {block.number} ({block.name}) reads the output of block {source} "
                        f"({by_number[source].name}), which this run skips: it gets what block {source} "
                        "produced in an earlier run, if any."
                    )
    if workflow.status == "Running":
        plan.warnings.append(
            f"{workflow.name} is running now (block {workflow.current_block}). Canvas refuses a second run "
            "until it ends, and has no call to stop the one in progress."
        )
    return plan


def start_run(
    workspace: Workspace[CanvasClient], *, workflow: Workflow, plan: Plan, task_name: str, result_url: str
) -> Job:
    """The queued Job that runs the workflow (RunWorkflow, once) and follows the run; the caller sends its
    task after commit."""
    job = jobs.create_job(
        kind=RUN,
        label=f"Run {workflow.name} ({plan.blocks})",
        task_name=task_name,
        user=workspace.person,
        permission="canvas.operate_integrations",
    )
    Job.objects.filter(pk=job.pk).update(
        target_type="canvas.workflow",
        target_id=workflow.id,
        target_repr=workflow.name[:300],
        result_url=result_url,
    )
    RunRequest.objects.create(
        job=job,
        connection=workspace.connection,
        account_id=workspace.account_id,
        workflow_id=workflow.id,
        workflow_name=workflow.name,
        run_from=plan.first,
        run_till=plan.last,
        blocks=plan.blocks,
    )
    return job


def send_run(job: Job, api: CanvasClient, *, retried: bool = False) -> WorkflowRun:
    """The run job's first step: send RunWorkflow once and keep the run it started, linked to the job.
    `retried`: a person's Retry, which asks for a new run."""
    request = RunRequest.objects.select_related("connection").get(job=job)
    workspace = workspace_for(job.run_by, connection=request.connection, account_id=request.account_id)
    key = f"canvas.run:{job.pk}"
    if retried:
        intents.forget(key)  # a person's Retry asks for a new run
    target = audit.Ref("canvas.workflow", request.workflow_id, request.workflow_name)

    def send() -> intents.Answer:
        with audit.action(job.run_by, "canvas.workflow.run", target, blocks=request.blocks):
            api.run_workflow(request.workflow_id, run_from=request.run_from, run_till=request.run_till)
        return {"started_at": _iso(api.get_workflow(request.workflow_id).date_last_run)}

    def already_done(call: RemoteCall) -> intents.Answer | None:
        # A run that began after the intent changed dateLastRun: that run is ours.
        started = _iso(api.get_workflow(request.workflow_id).date_last_run)
        if started is None or started == call.before.get("started_at"):
            return None
        audit.record(
            job.run_by, "canvas.workflow.run", target, blocks=request.blocks, found_after_restart=True
        )
        jobs.log(job, "The run was sent before the worker stopped; it is not sent again", level="warning")
        return {"started_at": started}

    def before() -> intents.Answer:
        return {"started_at": _iso(api.get_workflow(request.workflow_id).date_last_run)}

    sent = intents.send_once(key, send, already_done, before=before)
    started_at = sent.answer.get("started_at")
    if started_at is None:
        raise jobs.JobFailed("Canvas accepted the run but shows no start time for it.")
    workflow = api.get_workflow(request.workflow_id)
    user = job.run_by
    run = _keep(
        workspace,
        workflow,
        source=WorkflowRun.Source.OURS,
        first=request.run_from,
        last=request.run_till,
        user=user,
        started_at=datetime.fromisoformat(started_at),
    )
    WorkflowRun.objects.filter(pk=run.pk).update(job=job)
    run.job = job
    if sent.sent_now:
        jobs.log(job, "Canvas started the run")
    return run


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _keep(
    workspace: Workspace[CanvasClient],
    workflow: Workflow,
    *,
    source: str,
    first: int | None = None,
    last: int | None = None,
    user: User | None = None,
    started_at: datetime | None = None,
) -> WorkflowRun:
    """The run that started at `started_at` (the workflow's `dateLastRun` unless given), kept once; ours
    claims one the poll saw."""
    started_at = started_at or workflow.date_last_run
    assert started_at is not None
    key: dict[str, Any] = {
        "connection": workspace.connection,
        "account_id": workspace.account_id,
        "workflow_id": workflow.id,
        "started_at": started_at,
    }
    values: dict[str, Any] = {
        "workflow_name": workflow.name,
        "source": source,
        "current_block": workflow.current_block,
    }
    if source == WorkflowRun.Source.OURS:
        values.update(
            run_from=first, run_till=last, started_by=user if user and user.is_authenticated else None
        )
        run, _ = WorkflowRun.objects.update_or_create(**key, defaults=values)
        return run
    try:
        with transaction.atomic():
            run, _ = WorkflowRun.objects.get_or_create(**key, defaults=values)
    except IntegrityError:
        run = WorkflowRun.objects.get(**key)
    return run


def settle(run: WorkflowRun, workflow: Workflow) -> WorkflowRun:
    """Bring a run up to date with what the workflow shows now."""
    if run.status != WorkflowRun.Status.RUNNING:
        return run
    if workflow.date_last_run != run.started_at:
        # A later run began, so ours ended; Canvas no longer says how. The last block seen is kept.
        status = WorkflowRun.Status.READY
        current = run.current_block
    elif workflow.status == "Running":
        if workflow.current_block != run.current_block:
            WorkflowRun.objects.filter(pk=run.pk).update(current_block=workflow.current_block)
            run.current_block = workflow.current_block
        return run
    else:
        status = WorkflowRun.Status.FAILED if workflow.status == "Failed" else WorkflowRun.Status.READY
        current = workflow.current_block
    finished_at = timezone.now()
    # The page and the run's job may both settle it: the first one's ending is kept.
    if WorkflowRun.objects.filter(pk=run.pk, status=WorkflowRun.Status.RUNNING).update(
        status=status, current_block=current, finished_at=finished_at
    ):
        run.status, run.current_block, run.finished_at = status, current, finished_at
    else:
        run.refresh_from_db(fields=["status", "current_block", "finished_at"])
    return run


def follow(job_id: int, *, sleep: float | None = None) -> None:
    """The job of a run: send RunWorkflow once, then read the workflow until the run ends, reporting each
    block as it starts."""
    # A person's Retry clears started_at (a new run); a requeue after a lost worker keeps it (go on).
    retried = Job.objects.filter(pk=job_id, started_at__isnull=True).exists()
    with jobs.running(job_id) as job:
        if job is None:
            return
        request = RunRequest.objects.select_related("connection").get(job=job)
        workspace = workspace_for(job.run_by, connection=request.connection, account_id=request.account_id)
        with workspace.client() as api:
            run = send_run(job, api, retried=retried)
            first = run.run_from or 1
            last = run.run_till or _length(api, run) or first
            total = last - first + 1
            deadline = time.monotonic() + FOLLOW_LIMIT_SECONDS
            seen = -1
            while True:
                run = settle(run, api.get_workflow(run.workflow_id))
                if run.current_block != seen and run.status == WorkflowRun.Status.RUNNING:
                    seen = run.current_block
                    done = max(0, min(total, run.current_block - first))
                    jobs.report(
                        job,
                        progress=round(100 * done / total),
                        step=f"Block {run.current_block}: {done + 1} of {total} in this run",
                    )
                if run.status != WorkflowRun.Status.RUNNING:
                    break
                if time.monotonic() > deadline:
                    raise jobs.JobFailed(
                        "The run has not ended after 6 hours; its history keeps following it."
                    )
                time.sleep(POLL_SECONDS if sleep is None else sleep)
        if run.status == WorkflowRun.Status.FAILED:
            raise jobs.JobFailed(f"Canvas reports the run failed at block {run.current_block}.")
        jobs.log(job, f"Finished at block {run.current_block}")


def _length(api: CanvasClient, run: WorkflowRun) -> int | None:
    workflow = api.get_workflow(run.workflow_id)
    if not workflow.workflow_template_id:
        return None
    template = next((t for t in api.list_templates() if t.id == workflow.workflow_template_id), None)
    return len(template.chain) if template else None


def record_seen(workspace: Workspace[CanvasClient], *, workflows: list[Workflow]) -> int:
    """Keep every run the workflows show (a scheduled fire, a run started in Canvas); the new ones' count."""
    ids = [workflow.id for workflow in workflows]
    mine = WorkflowRun.objects.filter(
        connection=workspace.connection, account_id=workspace.account_id, workflow_id__in=ids
    )
    known = set(mine.values_list("workflow_id", "started_at"))
    added = 0
    for workflow in workflows:
        if workflow.date_last_run is None:
            continue
        if (workflow.id, workflow.date_last_run) not in known:
            source = WorkflowRun.Source.SCHEDULER if workflow.is_scheduled else WorkflowRun.Source.ELSEWHERE
            _keep(workspace, workflow, source=source)
            added += 1
    # Every open run is settled by what was just read, also one a job follows: a page never shows a
    # finished workflow beside a run still going.
    by_id = {w.id: w for w in workflows}
    for run in mine.unfinished():
        seen = by_id.get(run.workflow_id)
        if seen is not None:
            settle(run, seen)
    return added


def poll() -> int:
    """Run by beat: read each Canvas connection's workflows, for its owner and for each account people act as.

    Two runs that both start and end between two polls show as the later one only.
    """
    added = 0
    for connection in Connection.objects.filter(kind=Connection.Kind.CANVAS):
        accounts = {connection.managed_account_id or ""} | set(
            ActingAccount.objects.filter(connection=connection).values_list("account_id", flat=True)
        )
        for account_id in sorted(accounts):
            workspace = workspace_for(None, connection=connection, account_id=account_id)
            try:
                with workspace.client(retries=0) as api:
                    added += record_seen(workspace, workflows=api.list_workflows())
            except ApiError as exc:
                logger.warning(
                    "canvas poll of %s (%s) failed: %s", connection, account_id or "owner", exc.message
                )
    return added


def starting(workspace: Workspace[CanvasClient], *, workflow_id: str) -> Job | None:
    """A person's run of this workflow whose job is queued or going and has not started the run yet:
    the workflow's page keeps refreshing until it has."""
    request = (
        RunRequest.objects.filter(
            connection=workspace.connection,
            account_id=workspace.account_id,
            workflow_id=workflow_id,
            job__state__in=[Job.State.QUEUED, Job.State.RUNNING],
        )
        .exclude(job__in=WorkflowRun.objects.filter(job__isnull=False).values("job"))
        .select_related("job")
        .order_by("-pk")
        .first()
    )
    return request.job if request else None


def history(workspace: Workspace[CanvasClient], *, workflow_id: str) -> list[WorkflowRun]:
    connection, account_id = workspace.connection, workspace.account_id
    return list(
        WorkflowRun.objects.of_workflow(connection.pk, account_id, workflow_id).select_related(
            "started_by", "job"
        )[:50]
    )
