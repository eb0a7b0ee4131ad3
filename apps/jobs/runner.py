"""The batch runner: a job's items worked through with bounded concurrency over one connection pool.

Worker threads only make remote calls; the job's own thread writes every row, so no database
connection is shared between threads. An item is a chain of steps (a snapshot, then a delete):
each step is a call run in a thread, and the domain's `settle` turns its answer into the next step
or the item's closing message. Transient failures were already retried by the transport (for
idempotent requests); the runner retries only conflicts, whose steps re-read before they write.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.core.http import ApiConflict, ApiError
from apps.core.threads import ClosingThreadPool
from apps.jobs import services
from apps.jobs.models import Job, JobItem

WORKERS = 8
CONFLICT_TRIES = 3
REPORT_EVERY = 0.5  # seconds between progress writes and cancel checks
FLUSH_EVERY = 0.1  # seconds between writes of the finished items: a commit each under load slowed the job
State = JobItem.State
Step = Callable[[str], Any]


class Work(Protocol):
    """What a domain supplies for one kind of batch job."""

    def first(self, item: JobItem) -> Step:
        """The item's first call."""

    def settle(self, item: JobItem, answer: Any) -> Step | str:
        """On the job's thread: the next call of the item, or its closing message."""

    def ended(self, item: JobItem, *, ok: bool, message: str) -> None:
        """On the job's thread, once the item is done or failed: audit, clean up."""


class Failed(Exception):
    """A step that gave up: the remote error and how many tries it took."""

    def __init__(self, error: ApiError, tries: int) -> None:
        super().__init__(error.message)
        self.error, self.tries = error, tries


def attempt(call: Step, key: str) -> tuple[Any, int]:
    """Run one step; a conflict is tried again (the step re-reads first), anything else is final."""
    for tries in range(1, CONFLICT_TRIES + 1):
        try:
            return call(key), tries
        except ApiConflict as exc:
            if tries == CONFLICT_TRIES:
                raise Failed(exc, tries) from exc
        except ApiError as exc:
            raise Failed(exc, tries) from exc
    raise AssertionError("unreachable")


def run(job: Job, work: Work, *, workers: int = WORKERS) -> None:
    """Work through every item not yet done (a retried job takes its failed and waiting ones).

    Raises JobCancelled when someone asked to stop, JobFailed when items failed.
    """
    todo = list(job.items.exclude(state=State.DONE))
    JobItem.objects.filter(pk__in=[item.pk for item in todo]).update(state=State.PENDING, message="")
    services.log(job, f"{len(todo)} item{'s' if len(todo) != 1 else ''} to do")
    progress = Progress(job)
    queue = deque(todo)
    running: dict[Future[tuple[Any, int]], JobItem] = {}
    finished: list[JobItem] = []
    cancelled = progress.report(force=True)  # a cancel asked for before the start starts nothing
    with ClosingThreadPool(workers, thread_name_prefix=f"job{job.pk}") as pool:

        def fill() -> None:
            while queue and not cancelled and len(running) < workers:
                item = queue.popleft()
                running[pool.submit(attempt, work.first(item), item.key)] = item

        flushed = time.monotonic()
        while running or (queue and not cancelled):
            fill()
            timeout = FLUSH_EVERY if finished else REPORT_EVERY
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                follow = _settle(work, item, future, finished)
                if follow is not None:
                    running[pool.submit(attempt, follow, item.key)] = item
            # The free slots get their next calls before the finished items are written, so the
            # remote calls go on while this thread waits on the database.
            fill()
            if finished and (not running or time.monotonic() - flushed >= FLUSH_EVERY):
                _record(work, finished, progress)
                flushed = time.monotonic()
            cancelled = progress.report(force=not running) or cancelled
    if cancelled:
        raise services.JobCancelled
    if progress.failed:
        totals = counts(job)
        raise services.JobFailed(
            f"{totals['failed']} of {totals['total']} failed; the other {totals['done']} are done."
        )


def _settle(
    work: Work, item: JobItem, future: Future[tuple[Any, int]], finished: list[JobItem]
) -> Step | None:
    try:
        answer, tries = future.result()
    except Failed as failed:
        item.attempts += failed.tries
        _finish(item, State.FAILED, f"{failed.error.title}: {failed.error.message}", finished)
        return None
    item.attempts += tries
    follow = work.settle(item, answer)
    if callable(follow):
        return follow
    _finish(item, State.DONE, follow, finished)
    return None


def _finish(item: JobItem, state: str, message: str, finished: list[JobItem]) -> None:
    item.state, item.message, item.finished_at = state, message, timezone.now()
    finished.append(item)


def _record(work: Work, finished: list[JobItem], progress: Progress) -> None:
    """Write the items finished since the last call, with what `ended` writes, in one transaction.

    One commit for all of them: under load a commit per item kept the calls waiting on this thread.
    A worker that dies before it leaves them (a tenth of a second's worth) to run again, and every
    step re-reads first.
    """
    if not finished:
        return
    with transaction.atomic():
        JobItem.objects.bulk_update(finished, ["state", "message", "attempts", "finished_at"])
        for item in finished:
            work.ended(item, ok=item.state == State.DONE, message=item.message)
    for item in finished:
        progress.count(failed=item.state == State.FAILED)
    finished.clear()


class Progress:
    """Counts finished items and writes progress, at most every REPORT_EVERY seconds."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.total = job.items.count()
        self.finished = job.items.filter(state=State.DONE).count()
        self.failed = 0
        self.reported = 0.0

    def count(self, *, failed: bool) -> None:
        self.finished += 1
        self.failed += failed

    def report(self, *, force: bool = False) -> bool:
        """Write progress if it is time; True when someone asked to cancel."""
        if not force and time.monotonic() - self.reported < REPORT_EVERY:
            return False
        self.reported = time.monotonic()
        step = f"{self.finished} of {self.total} finished"
        step += f", {self.failed} failed" if self.failed else ""
        Job.objects.filter(pk=self.job.pk).update(
            progress=self.finished * 100 // max(1, self.total), step=step, heartbeat_at=timezone.now()
        )
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


def counts(job: Job) -> dict[str, int]:
    totals = job.items.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(state=State.DONE)),
        failed=Count("pk", filter=Q(state=State.FAILED)),
    )
    totals["waiting"] = totals["total"] - totals["done"] - totals["failed"]
    return totals


def status(job: Job, *, failures_shown: int = 50) -> dict[str, Any]:
    """What a batch job's page shows: counts, percent, rate and time left, the failures so far."""
    totals = counts(job)
    finished = totals["done"] + totals["failed"]
    rate = eta = None
    if job.started_at and finished:
        # Items finished in this attempt of the job, over the time it has run.
        recent = job.items.filter(finished_at__gte=job.started_at).count()
        elapsed = ((job.finished_at or timezone.now()) - job.started_at).total_seconds()
        rate = recent / elapsed if elapsed > 0 and recent else None
        if rate and not job.is_finished:
            eta = totals["waiting"] / rate
    return {
        "job": job,
        "totals": totals,
        "percent": finished * 100 // max(1, totals["total"]),
        "rate": rate,
        "eta": eta,
        "failures": job.items.filter(state=State.FAILED)[:failures_shown],
    }
