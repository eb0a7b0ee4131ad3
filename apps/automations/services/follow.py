"""Run a workflow as a Job: send W3 once, then follow its run (W6) with backoff until a final state,
writing each stage's progress and log lines to the Job.

Cancelling the Job stops the following, never the workflow (Stop is its own control). W3 goes through
`intents.send_once`: a job requeued after its worker died finds the run confirmed, or an intent without a
confirmation, and then reads W6 and the workflow's status before it sends W3 again (docs/api-decisions.md,
"Remote calls sent once"). It finds the lines already logged and goes on following: reading W6 is harmless.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from apps.automations.client import LastRun, WorkflowsClient
from apps.automations.models import RunRequest
from apps.automations.services import control, listing, logs, runs
from apps.automations.services.workspace import workflows_client_of
from apps.connections.models import Connection
from apps.core import audit
from apps.core.http import ApiNotFound
from apps.jobs import intents
from apps.jobs import services as jobs
from apps.jobs.models import Job, JobLog, RemoteCall

FIRST_WAIT = 0.5  # seconds between reads while something changes; doubled while nothing does
LONGEST_WAIT = 10.0
CLOCK_SKEW = timedelta(seconds=30)  # a run that started this long before W3 answered is still ours
NEW_RUN_WAIT = timedelta(seconds=60)  # no new run by then: the workflow was already running
LEVELS = {"WARN": "warning", "WARNING": "warning", "ERROR": "error"}


def create(
    user: AbstractBaseUser | AnonymousUser,
    connection: Connection,
    *,
    workflow_id: str,
    name: str,
    task_name: str,
    result_url: str,
    has_stages: bool = True,
) -> Job:
    """A queued Job that runs the workflow; the caller sends its task after commit."""
    job = jobs.create_job(
        kind="automations.run",
        label=f"Run {name}",
        task_name=task_name,
        user=user,
        permission="automations.operate_workflows",
    )
    Job.objects.filter(pk=job.pk).update(
        target_type="automation.workflow",
        target_id=workflow_id,
        target_repr=name[:300],
        result_url=result_url,
    )
    RunRequest.objects.create(
        job=job, connection=connection, workflow_id=workflow_id, workflow_name=name, has_stages=has_stages
    )
    return job


def run(job_id: int, *, sleep: Callable[[float], None] = time.sleep) -> None:
    # A person's Retry clears started_at (a new run); a requeue after a lost worker keeps it (go on).
    retried = Job.objects.filter(pk=job_id, started_at__isnull=True).exists()
    with jobs.running(job_id) as job:
        if job is None:
            return
        request = RunRequest.objects.select_related("connection").get(job=job)
        key = f"automations.run:{job.pk}"
        if retried:
            intents.forget(key)
            if request.sent_at is not None:
                request.sent_at, request.run_id = None, ""
                request.save(update_fields=["sent_at", "run_id"])
        with workflows_client_of(request.connection) as client:
            if request.sent_at is None:
                jobs.report(job, progress=0, step="Starting the workflow")
                sent = intents.send_once(
                    key,
                    lambda: _send(job, request, client),
                    lambda call: _took_effect(job, request, client, call),
                    before=lambda: {"run_id": _last_run_id(client, request.workflow_id)},
                )
                request.sent_at = datetime.fromisoformat(sent.answer["at"])
                request.run_id = sent.answer.get("run_id", "")
                request.save(update_fields=["sent_at", "run_id"])
                jobs.log(job, "The workflow started")
            if not request.has_stages:
                jobs.report(job, progress=100, step="Started; this workflow has no data stages to follow")
                return
            _follow(job, request, client, sleep)


def _send(job: Job, request: RunRequest, client: WorkflowsClient) -> intents.Answer:
    control.run(job.run_by, client, request.workflow_id, name=request.workflow_name)
    return {"at": timezone.now().isoformat()}


def _took_effect(
    job: Job, request: RunRequest, client: WorkflowsClient, call: RemoteCall
) -> intents.Answer | None:
    """W3 went out before the worker died if W6 shows a run that began after the intent (another run id
    than the last one before it) or the workflow is active (W3 on an active workflow changes nothing)."""
    assert call.intended_at is not None
    last_id = _last_run_id(client, request.workflow_id)
    if last_id and last_id != call.before.get("run_id", ""):
        found: intents.Answer = {"at": call.intended_at.isoformat(), "run_id": last_id}
    elif listing.find(request.connection, client, request.workflow_id).status == "Active":
        found = {"at": call.intended_at.isoformat()}
    else:
        return None
    # The lost worker's audit entry was never written: the run is recorded as found.
    audit.record(
        job.run_by,
        "workflow.run",
        control.workflow_ref(request.workflow_id, request.workflow_name),
        found_after_restart=True,
    )
    jobs.log(job, "The run was sent before the worker stopped; it is not sent again", level="warning")
    return found


def _last_run_id(client: WorkflowsClient, workflow_id: str) -> str:
    try:
        return client.last_run(workflow_id, limit=1).run_id
    except ApiNotFound:
        return ""


def _follow(job: Job, request: RunRequest, client: WorkflowsClient, sleep: Callable[[float], None]) -> None:
    assert request.sent_at is not None
    logged = set(JobLog.objects.filter(job=job).values_list("message", flat=True))
    wait, last_step = FIRST_WAIT, job.step
    while True:
        try:
            last = client.last_run(request.workflow_id, limit=runs.FULL_LOG)
        except ApiNotFound:
            last = None
        ours = last is not None and (
            last.run_id == request.run_id or last.start_time >= request.sent_at - CLOCK_SKEW
        )
        if last is None or not ours:
            if timezone.now() - request.sent_at > NEW_RUN_WAIT:
                jobs.report(job, progress=100, step=_no_new_run(last))
                return
            wait = min(LONGEST_WAIT, wait * 2)
        else:
            if not request.run_id:
                request.run_id = last.run_id
                request.save(update_fields=["run_id"])
            runs.record(request.connection, request.workflow_id, last, name=request.workflow_name)
            for line in logs.lines_of(last):
                at = f" {line.at:%H:%M:%S}" if line.at else ""
                message = f"{line.stage}{at}: {line.message}"
                if message not in logged:
                    logged.add(message)
                    jobs.log(job, message, level=LEVELS.get(line.level, "info"))
            step = _step(last)
            changed = step != last_step
            if changed and step not in logged:  # a requeued job does not log the same step again
                logged.add(step)
                jobs.report(job, progress=_progress(last), step=step)
                last_step = step
            if logs.is_final(last.overall_run_status):
                if last.overall_run_status == "Failed":
                    raise jobs.JobFailed(step)
                return
            newest = logs.newest(logs.lines_of(last))
            if newest and timezone.now() - newest > timedelta(minutes=settings.WORKFLOW_STUCK_MINUTES):
                # a hung run would hold a worker for ever: stop following; the history poll goes on
                raise jobs.JobFailed(
                    f"The run looks stuck: no new log line since {newest:%Y-%m-%d %H:%M} UTC. "
                    "It was left as it is; pause or stop the workflow if it stays so."
                )
            wait = FIRST_WAIT if changed else min(LONGEST_WAIT, wait * 2)
        if Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise jobs.JobCancelled
        sleep(wait)


def _no_new_run(last: LastRun | None) -> str:
    if last is None:
        return "Started; this workflow has no data stages to follow"
    return f"No new run started (the workflow was already running); its last run: {last.overall_run_status}"


def _progress(last: LastRun) -> int:
    stages = [stage for _, stage in logs.stages_of(last)]
    done = sum(1 for s in stages if s and logs.is_final(s.status))
    going = sum(1 for s in stages if s and s.status == "Running")
    return round(100 * (done + going / 2) / max(1, len(stages)))


def _step(last: LastRun) -> str:
    status = last.overall_run_status
    parts = []
    for label, stage in logs.stages_of(last):
        if stage is None:
            continue
        counts = (
            f" ({stage.success_count or 0} done, {stage.failure_count or 0} rejected)"
            if stage.status != "Pending"
            else ""
        )
        parts.append(f"{label} {stage.status.lower()}{counts}")
    return f"Run {status.lower()}: " + ", ".join(parts)


def starting(connection: Connection, workflow_id: str, *, last_run_id: str = "") -> bool:
    """A person's run of this workflow is queued or going and its run is not the last one W6 showed
    (not sent yet, or not started yet): the live page keeps polling until it is."""
    return (
        RunRequest.objects.filter(
            connection=connection,
            workflow_id=workflow_id,
            job__state__in=[Job.State.QUEUED, Job.State.RUNNING],
        )
        .exclude(run_id__in=[last_run_id] if last_run_id else [])
        .exists()
    )


def latest_job(
    connection: Connection, workflow_id: str, *, within: timedelta = timedelta(hours=1)
) -> Job | None:
    """The newest run job of this workflow started in the last hour: what the live page says of it."""
    request = (
        RunRequest.objects.filter(
            connection=connection, workflow_id=workflow_id, job__created_at__gte=timezone.now() - within
        )
        .select_related("job")
        .order_by("-job__created_at")
        .first()
    )
    return request.job if request else None
