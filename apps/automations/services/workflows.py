"""Automation workflows: the list (one W2 page with our last run of each row), finding one by id,
pausing and stopping one, and running one as a Job.

A run is a Job that sends W3 once, then follows the run (W6) with backoff until a final state, writing
each stage's progress and log lines to the Job. Cancelling the Job stops the following, never the
workflow (Stop is its own control). W3 goes through `intents.send_once`: a job requeued after its worker
died finds the run confirmed, or an intent without a confirmation, and then reads W6 and the workflow's
status before it sends W3 again (docs/api-decisions.md, "Remote calls sent once"). It finds the lines
already logged and goes on following: reading W6 is harmless.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from apps.automations.client import LastRun, Workflow, WorkflowsClient
from apps.automations.models import KnownWorkflow, RunRequest, WorkflowRun
from apps.automations.services import runs
from apps.automations.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.core.http import ApiNotFound
from apps.core.paging import RemotePage
from apps.jobs import intents, kinds
from apps.jobs import services as jobs
from apps.jobs.models import Job, JobLog, RemoteCall

PAGE = 100  # W2's largest page, for reading every workflow (a tag filter, a workflow not yet seen)
SCAN_MAX = 100  # pages: 10,000 workflows
CHOICES_KEPT = 60  # seconds
FIRST_WAIT = 0.5  # seconds between reads while something changes; doubled while nothing does
LONGEST_WAIT = 10.0
CLOCK_SKEW = timedelta(seconds=30)  # a run that started this long before W3 answered is still ours
NEW_RUN_WAIT = timedelta(seconds=60)  # no new run by then: the workflow was already running
LEVELS = {"WARN": "warning", "WARNING": "warning", "ERROR": "error"}


RUN = kinds.name("automations.run", "Workflow run")


def workflow_ref(workflow_id: str, name: str = "") -> audit.Ref:
    return audit.Ref("automation.workflow", workflow_id, name or workflow_id)


@dataclass
class Row:
    workflow: Workflow
    run: WorkflowRun | None


def list_page(
    workspace: Workspace[WorkflowsClient], *, number: int, limit: int, tag: str = "", **query: Any
) -> RemotePage:
    """A page of workflows as rows with their last stored run. W2 has no tag filter: with a tag, every
    workflow matching the rest is read and the page is cut here (docs/api-decisions.md)."""
    with workspace.client() as api:
        if tag:
            matching = [w for w in every(api, **query) if any(t.value == tag for t in w.tags)]
            items = matching[(number - 1) * limit : number * limit]
            total, pages = len(matching), None
        else:
            result = api.list_workflows(page=number, limit=limit, **query)
            items, total, pages = result.data, result.meta.total_count or 0, result.meta.total_pages
    remember(workspace, workflows=items)
    last = runs.latest_of(workspace, workflow_ids=[w.diagram_id for w in items])
    rows = [Row(w, last.get(w.diagram_id)) for w in items]
    return RemotePage.of(rows, number=number, limit=limit, total=total, pages=pages)


def every(api: WorkflowsClient, **query: Any) -> list[Workflow]:
    """Every workflow matching W2's `query` (up to SCAN_MAX pages)."""
    return [workflow for page in pages(api, **query) for workflow in page]


def pages(api: WorkflowsClient, **query: Any) -> Iterator[list[Workflow]]:
    """The workflows matching W2's `query`, a page at a time as W2 answers (up to SCAN_MAX pages)."""
    for page in range(1, SCAN_MAX + 1):
        result = api.list_workflows(page=page, limit=PAGE, **query)
        yield result.data
        if page >= (result.meta.total_pages or 1):
            return


def remember(workspace: Workspace[WorkflowsClient], *, workflows: list[Workflow]) -> None:
    """Keep what the list showed; only rows new or changed since are written."""
    connection = workspace.connection
    now = timezone.now()
    seen = {
        row[0]: row[1:]
        for row in known(workspace)
        .filter(workflow_id__in=[w.diagram_id for w in workflows])
        .values_list("workflow_id", "name", "status", "directory_id", "tags")
    }
    rows = [
        KnownWorkflow(
            connection=connection,
            workflow_id=w.diagram_id,
            name=w.name,
            status=w.status,
            directory_id=w.directory_id or "",
            tags=sorted({t.value for t in w.tags if t.value}),
            seen_at=now,
        )
        for w in workflows
    ]
    changed = [r for r in rows if seen.get(r.workflow_id) != (r.name, r.status, r.directory_id, r.tags)]
    if changed:
        cache.delete(_choices_key(workspace))
        KnownWorkflow.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["connection", "workflow_id"],
            update_fields=["name", "status", "directory_id", "tags", "seen_at"],
        )


def find(workspace: Workspace[WorkflowsClient], *, api: WorkflowsClient, workflow_id: str) -> Workflow:
    """The workflow with this id, read fresh through `api`: by its known name when we have one (one
    request), else page by page. Raises ApiNotFound when no page holds it."""
    known = KnownWorkflow.objects.filter(connection=workspace.connection, workflow_id=workflow_id).first()
    name = (
        known.name
        if known
        else runs.history(workspace, workflow_id=workflow_id).values_list("workflow_name", flat=True).first()
    )
    if name:
        for workflow in api.list_workflows(search=name, limit=PAGE).data:
            if workflow.diagram_id == workflow_id:
                remember(workspace, workflows=[workflow])
                return workflow
    for page in range(1, SCAN_MAX + 1):
        result = api.list_workflows(page=page, limit=PAGE, sort="UpdatedTime", order="Desc")
        remember(workspace, workflows=result.data)
        for workflow in result.data:
            if workflow.diagram_id == workflow_id:
                return workflow
        if page >= (result.meta.total_pages or 1):
            break
    raise ApiNotFound("No workflow of this workspace has this id.", status=404)


def known(workspace: Workspace[WorkflowsClient]) -> QuerySet[KnownWorkflow]:
    return KnownWorkflow.objects.filter(connection=workspace.connection)


def choices(workspace: Workspace[WorkflowsClient]) -> tuple[dict[str, str], list[str]]:
    """The folders (id: name) and tags the list has seen, for its filters; kept a minute in the cache,
    and dropped when the list sees a change."""
    key = _choices_key(workspace)
    cached: tuple[dict[str, str], list[str]] | None = cache.get(key)
    if cached is None:
        tags = {value for values in known(workspace).values_list("tags", flat=True) for value in values}
        cached = (folder_names(workspace), sorted(tags))
        cache.set(key, cached, CHOICES_KEPT)
    return cached


def folder_names(workspace: Workspace[WorkflowsClient], *, folder: str = "") -> dict[str, str]:
    """A name for each folder (or for `folder` alone), by the workflows it holds: the API gives a
    folder's id and nothing more. "Folder with Price drop alert and 2 more", sorted by that name."""
    rows = known(workspace).exclude(directory_id="")
    if folder:
        rows = rows.filter(directory_id=folder)
    held: dict[str, list[str]] = {}
    for directory, name in rows.order_by("name").values_list("directory_id", "name"):
        held.setdefault(directory, []).append(name)
    names = {
        directory: f"Folder with {names[0]}" + (f" and {len(names) - 1} more" if len(names) > 1 else "")
        for directory, names in held.items()
    }
    return dict(sorted(names.items(), key=lambda item: item[1].lower()))


def _choices_key(workspace: Workspace[WorkflowsClient]) -> str:
    connection = workspace.connection
    return f"automations:filter-choices:{connection.pk}:{connection.base_url}"


def pause_workflow(workspace: Workspace[WorkflowsClient], *, workflow_id: str) -> Workflow:
    """Pause the workflow (W5) and store the run it cut; answers the workflow as it was found."""
    with workspace.client() as api:
        workflow = find(workspace, api=api, workflow_id=workflow_id)
        with audit.action(workspace.person, "workflow.pause", workflow_ref(workflow_id, workflow.name)):
            api.pause_workflow(workflow_id)
        runs.note(workspace, api=api, workflow_id=workflow_id, name=workflow.name)
    return workflow


def stop_workflow(workspace: Workspace[WorkflowsClient], *, workflow_id: str, name: str = "") -> None:
    """Stop for good: a stopped workflow cannot be run again (spec §2.2)."""
    with workspace.client() as api:
        with audit.action(workspace.person, "workflow.stop", workflow_ref(workflow_id, name)):
            api.stop_workflow(workflow_id)
        runs.note(workspace, api=api, workflow_id=workflow_id, name=name)


def create_run(
    workspace: Workspace[WorkflowsClient],
    *,
    workflow_id: str,
    name: str,
    task_name: str,
    result_url: str,
    has_stages: bool = True,
) -> Job:
    """A queued Job that runs the workflow; the caller sends its task after commit."""
    job = jobs.create_job(
        kind=RUN,
        label=f"Run {name}",
        task_name=task_name,
        user=workspace.person,
        permission="automations.operate_workflows",
    )
    Job.objects.filter(pk=job.pk).update(
        target_type="automation.workflow",
        target_id=workflow_id,
        target_repr=name[:300],
        result_url=result_url,
    )
    RunRequest.objects.create(
        job=job,
        connection=workspace.connection,
        workflow_id=workflow_id,
        workflow_name=name,
        has_stages=has_stages,
    )
    return job


def run(job_id: int, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """The job of a run: send W3 once, then follow the run to its end (the module's docstring says how)."""
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
        workspace = workspace_for(job.run_by, connection=request.connection)
        with workspace.client() as api:
            if request.sent_at is None:
                jobs.report(job, progress=0, step="Starting the workflow")
                sent = intents.send_once(
                    key,
                    lambda: _send(workspace, api, request),
                    lambda call: _took_effect(workspace, api, job, request, call),
                    before=lambda: {"run_id": _last_run_id(api, request.workflow_id)},
                )
                request.sent_at = datetime.fromisoformat(sent.answer["at"])
                request.run_id = sent.answer.get("run_id", "")
                request.save(update_fields=["sent_at", "run_id"])
                jobs.log(job, "The workflow started")
            if not request.has_stages:
                jobs.report(job, progress=100, step="Started; this workflow has no data stages to follow")
                return
            _follow(workspace, api, job, request, sleep)


def _send(workspace: Workspace[WorkflowsClient], api: WorkflowsClient, request: RunRequest) -> intents.Answer:
    """Start the workflow, or resume it when paused (W3 does both)."""
    ref = workflow_ref(request.workflow_id, request.workflow_name)
    with audit.action(workspace.person, "workflow.run", ref):
        api.run_workflow(request.workflow_id)
    return {"at": timezone.now().isoformat()}


def _took_effect(
    workspace: Workspace[WorkflowsClient],
    api: WorkflowsClient,
    job: Job,
    request: RunRequest,
    call: RemoteCall,
) -> intents.Answer | None:
    """W3 went out before the worker died if W6 shows a run that began after the intent (another run id
    than the last one before it) or the workflow is active (W3 on an active workflow changes nothing)."""
    assert call.intended_at is not None
    last_id = _last_run_id(api, request.workflow_id)
    if last_id and last_id != call.before.get("run_id", ""):
        found: intents.Answer = {"at": call.intended_at.isoformat(), "run_id": last_id}
    elif find(workspace, api=api, workflow_id=request.workflow_id).status == "Active":
        found = {"at": call.intended_at.isoformat()}
    else:
        return None
    # The lost worker's audit entry was never written: the run is recorded as found.
    audit.record(
        job.run_by,
        "workflow.run",
        workflow_ref(request.workflow_id, request.workflow_name),
        found_after_restart=True,
    )
    jobs.log(job, "The run was sent before the worker stopped; it is not sent again", level="warning")
    return found


def _last_run_id(api: WorkflowsClient, workflow_id: str) -> str:
    try:
        return api.last_run(workflow_id, limit=1).run_id
    except ApiNotFound:
        return ""


def _follow(
    workspace: Workspace[WorkflowsClient],
    api: WorkflowsClient,
    job: Job,
    request: RunRequest,
    sleep: Callable[[float], None],
) -> None:
    assert request.sent_at is not None
    logged = set(JobLog.objects.filter(job=job).values_list("message", flat=True))
    wait, last_step = FIRST_WAIT, job.step
    while True:
        try:
            last = api.last_run(request.workflow_id, limit=runs.FULL_LOG)
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
            runs.record(workspace, workflow_id=request.workflow_id, run=last, name=request.workflow_name)
            for line in runs.lines_of(last):
                at = f" {line.at:%H:%M:%S}" if line.at else ""
                message = f"{line.stage}{at}: {line.message}"
                if message not in logged:
                    logged.add(message)
                    jobs.log(job, message, level=LEVELS.get(line.level, "info"))
            step = runs.step_of(last)
            changed = step != last_step
            if changed and step not in logged:  # a requeued job does not log the same step again
                logged.add(step)
                jobs.report(job, progress=runs.progress_of(last), step=step)
                last_step = step
            if runs.is_final(last.overall_run_status):
                if last.overall_run_status == "Failed":
                    raise jobs.JobFailed(step)
                return
            newest = runs.newest(runs.lines_of(last))
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


def starting(workspace: Workspace[WorkflowsClient], *, workflow_id: str, last_run_id: str = "") -> bool:
    """A person's run of this workflow is queued or going and its run is not the last one W6 showed
    (not sent yet, or not started yet): the live page keeps polling until it is."""
    return (
        RunRequest.objects.filter(
            connection=workspace.connection,
            workflow_id=workflow_id,
            job__state__in=[Job.State.QUEUED, Job.State.RUNNING],
        )
        .exclude(run_id__in=[last_run_id] if last_run_id else [])
        .exists()
    )


def latest_job(
    workspace: Workspace[WorkflowsClient], *, workflow_id: str, within: timedelta = timedelta(hours=1)
) -> Job | None:
    """The newest run job of this workflow started in the last hour: what the live page says of it."""
    request = (
        RunRequest.objects.filter(
            connection=workspace.connection,
            workflow_id=workflow_id,
            job__created_at__gte=timezone.now() - within,
        )
        .select_related("job")
        .order_by("-job__created_at")
        .first()
    )
    return request.job if request else None
