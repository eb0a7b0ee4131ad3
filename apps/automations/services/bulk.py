"""Pause or resume many workflows at once (an emergency "pause everything tagged X") as one batch job.

The readiness check says first what will happen to each workflow; the job then sends up to 8 calls at a
time over one connection pool. Pausing a paused workflow and resuming a running one change nothing on the
remote side, so an item repeated after a lost answer does no harm.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.urls import reverse

from apps.automations.client import Workflow, WorkflowsClient
from apps.automations.models import WorkflowBulkRun
from apps.automations.services.workflows import pages, workflow_ref
from apps.automations.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.jobs import bulk, runner
from apps.jobs.bulk import BadSelection, Verdict
from apps.jobs.models import Job, JobItem

Operation = WorkflowBulkRun.Operation
JOBS = bulk.BulkJobs(
    WorkflowBulkRun, workspace_for, "workflow", see="view_workflows", act="operate_workflows"
)
# The workflow statuses each operation acts on, and why it leaves the others alone.
READY = {Operation.PAUSE: {"Active"}, Operation.RESUME: {"Paused"}}
NOTHING_TO_DO = {
    Operation.PAUSE: {"Paused": "already paused"},
    Operation.RESUME: {"Active": "already running"},
}
WOULD_FAIL = {
    "Stopped": "stopped for good: it cannot run or pause again",
    "Draft": "not started yet: start it with Run",
    "Scheduled": "not started yet: start it with Run",
}


JOBS.name_kinds(Operation)


def select(
    api: WorkflowsClient, *, ids: list[str] | None = None, query: dict[str, Any] | None = None
) -> Iterator[list[Workflow]]:
    """The picked workflows (`ids`), or every one matching the list's filters (`query`, as
    `WorkflowFilterForm.query()` gives them: W2's parameters and a `tag`, matched here): a batch for
    each page as W2 answers it."""
    query = dict(query or {})
    tag = query.pop("tag", "")
    wanted = None if ids is None else set(bulk.unique_ids(ids, noun="workflow"))
    found = 0
    for page in pages(api, **({} if wanted is not None else query)):
        if wanted is not None:
            chosen = [w for w in page if w.diagram_id in wanted]
        else:
            chosen = [w for w in page if not tag or any(t.value == tag for t in w.tags)]
            bulk.within(found + len(chosen), noun="workflow")
        found += len(chosen)
        yield chosen
    if wanted is not None and not found:
        raise BadSelection("None of the chosen workflows is in this workspace any more.")


def readiness(operation: str, workflows: list[Workflow]) -> list[Verdict]:
    """What the operation would do to each workflow, by its status."""
    verdicts = []
    for workflow in workflows:
        if workflow.status in READY[Operation(operation)]:
            verdicts.append(Verdict(workflow, "ready"))
        elif workflow.status in NOTHING_TO_DO[Operation(operation)]:
            verdicts.append(Verdict(workflow, "skip", NOTHING_TO_DO[Operation(operation)][workflow.status]))
        else:
            verdicts.append(
                Verdict(workflow, "fail", WOULD_FAIL.get(workflow.status, f"it is {workflow.status}"))
            )
    return verdicts


@transaction.atomic
def create_job(
    workspace: Workspace[WorkflowsClient],
    operation: str,
    workflows: list[Workflow],
    *,
    task_name: str,
) -> Job:
    """One queued job with an item per workflow; the caller sends `task_name` after commit."""
    items = (
        bulk.Item(w.diagram_id, w.name, reverse("automations:workflow", args=[w.diagram_id]))
        for w in workflows
    )
    label = f"{Operation(operation).label} {bulk.counted(len(workflows), 'workflow')}"
    job = bulk.create_job(
        JOBS, workspace.person, items, operation=operation, label=label, task_name=task_name
    )
    WorkflowBulkRun.objects.create(job=job, connection=workspace.connection, operation=operation)
    return job


def run(job_id: int) -> None:
    """The job: every item not yet done (a retry takes the failed and the never-started ones)."""
    bulk.run(job_id, _work)


@contextmanager
def _work(job: Job) -> Iterator[BulkWork]:
    row = WorkflowBulkRun.objects.select_related("connection").get(job=job)
    with workspace_for(None, connection=row.connection).client() as api:
        yield BulkWork(job, row, api)


class BulkWork:
    """One call per workflow, for the jobs runner."""

    def __init__(self, job: Job, bulk: WorkflowBulkRun, api: WorkflowsClient) -> None:
        self.job, self.bulk, self.api = job, bulk, api
        # A job run again (its worker died, or a person's Retry) may have sent a resume whose item was
        # never marked done: its items read the workflow's status before they send W3 again.
        self.again = job.attempts > 1

    def first(self, item: JobItem) -> runner.Step:
        if self.bulk.operation == Operation.PAUSE:
            return self.api.pause_workflow  # pausing a paused workflow changes nothing
        if not self.again:
            return self.api.run_workflow
        name = item.name

        def resume(key: str) -> str:
            listed = self.api.list_workflows(search=name).data
            if any(w.diagram_id == key and w.status == "Active" for w in listed):
                return "Running again (resumed before the worker stopped; not sent again)"
            self.api.run_workflow(key)
            return "Running again"

        return resume

    def settle(self, item: JobItem, answer: Any) -> runner.Step | str:
        if isinstance(answer, str):
            return answer
        return "Paused" if self.bulk.operation == Operation.PAUSE else "Running again"

    def ended(self, item: JobItem, *, ok: bool, message: str) -> None:
        audit.record(
            self.job.run_by,  # the creator, or whoever retried the job
            f"workflow.{self.bulk.operation}",
            workflow_ref(item.key, item.name),
            outcome="ok" if ok else "failed",
            error="" if ok else message,
            bulk=self.job.pk,
        )
