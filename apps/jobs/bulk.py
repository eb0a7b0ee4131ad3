"""Bulk actions, the flow every domain shares: the chosen items, what will happen to each (the readiness
page, `jobs/bulk/ready.html`), then on confirm one batch job over the ready ones, worked by `runner`, and
the job's page (`jobs/bulk/job.html`): its progress, what failed, Cancel and "Retry the failed", its items.

A domain supplies only what differs, as a `Flow`: how it reads the chosen items and their verdicts, how it
creates its job (and its own row beside it), and the steps each item runs (a `runner.Work`); and as
`BulkJobs`: its row beside each job, which jobs a person may follow, with what permissions, the crumbs.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.core import audit, streams
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.http import ApiError
from apps.jobs import enqueue, kinds, runner, tasks
from apps.jobs import services as jobs
from apps.jobs.models import Job, JobItem

MOST = 5000  # items one bulk job takes
ITEMS_PAGE = 100  # items a page of the job's table shows
JOB_URLS = ("detail", "status", "cancel", "retry")  # a domain's `bulk_<name>` URLs of a job's page
# Remote ids are UUIDs or numbers; our rows keep up to 100 characters of one (JobItem.key and others).
MAX_ID_LENGTH = 100
READY, SKIP, FAIL = "ready", "skip", "fail"


class BadSelection(Exception):
    """The chosen items cannot make a bulk job; the message says why."""


class TooMany(BadSelection):
    """The selection is larger than one bulk job takes."""


@dataclass
class Verdict:
    """What will happen to one item: `ready`, `skip` (nothing to do) or `fail` (it would fail)."""

    item: Any
    outcome: str
    reason: str = ""


@dataclass
class Item:
    """A job item to create: the remote object's key, its name and its page."""

    key: str
    name: str
    url: str


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def unique_ids(ids: list[str], *, noun: str) -> list[str]:
    """The chosen ids in their order without repeats; BadSelection (TooMany) when no job can take them."""
    ids = list(dict.fromkeys(ids))
    if len(ids) > MOST:
        raise TooMany(f"{counted(len(ids), noun)} are chosen; one bulk action takes up to {MOST}.")
    if any(len(key) > MAX_ID_LENGTH for key in ids):
        raise BadSelection(f"Some of the chosen ids are longer than any {noun} id; choose {noun}s again.")
    return ids


def within(total: int, *, noun: str) -> None:
    """TooMany when a filter finds more than one bulk job takes."""
    if total > MOST:
        raise TooMany(
            f"The filter finds {counted(total, noun)}; one bulk action takes up to {MOST}. "
            "Narrow the filter and run it in parts."
        )


class HasConnection(Protocol):
    @property
    def connection(self) -> models.Model: ...


@dataclass(frozen=True)
class BulkJobs:
    """A domain's bulk jobs: the row it keeps beside each, its workspace helper, their noun and permissions.

    `create_job` names a job's kind (`<app label>.bulk_<operation>`), the permission to cancel and retry it,
    and its page from it. The page's views are `job_views(of)`, at the domain's URLs
    `<app label>:bulk_detail`, `bulk_status`, `bulk_cancel` and `bulk_retry`, each taking a job's pk; its
    template `<app label>/bulk/job_parts.html` holds the partial `crumbs` (it reads `row`)."""

    rows: type[models.Model]  # the domain's row beside each bulk job, with its `job` and `connection`
    workspace_for: Callable[[Any], HasConnection]  # the domain's: a person's connection of its kind
    noun: str  # "record": the page says "Records done so far stay done", "0.2 records/s"
    see: str  # the permission to see the page, a codename of the rows' app ("view_content")
    act: str  # to cancel and retry

    @property
    def namespace(self) -> str:
        return self.rows._meta.app_label

    @property
    def parts(self) -> str:
        return f"{self.namespace}/bulk/job_parts.html"

    @property
    def view_permission(self) -> str:
        return f"{self.namespace}.{self.see}"

    @property
    def act_permission(self) -> str:
        return f"{self.namespace}.{self.act}"

    def kind(self, operation: str) -> str:
        return f"{self.namespace}.bulk_{operation}"

    def name_kinds(self, operations: type[models.TextChoices]) -> None:
        """The words Operations shows for each kind: "Publish records"."""
        for operation in operations:
            kinds.name(self.kind(operation.value), f"{operation.label} {self.noun}s")

    def scope(self, user: audit.Person) -> models.QuerySet[Any]:
        """The bulk jobs' rows this person may follow: those of their connection (another's is a 404)."""
        return self.rows._default_manager.filter(connection=self.workspace_for(user).connection)


@transaction.atomic
def create_job(
    of: BulkJobs,
    user: audit.User,  # None: the system
    items: Iterable[Item],
    *,
    operation: str,
    label: str,
    task_name: str,
) -> Job:
    """One queued job of the domain's `of` with a `JobItem` per item; the caller creates its row beside it
    and sends `task_name` after commit."""
    job = jobs.create_job(
        kind=of.kind(operation), label=label, task_name=task_name, user=user, permission=of.act_permission
    )
    job.result_url = reverse(f"{of.namespace}:bulk_detail", args=[job.pk])
    job.save(update_fields=["result_url"])
    JobItem.objects.bulk_create(
        JobItem(job=job, key=item.key, name=item.name[:300], url=item.url) for item in items
    )
    return job


def run(job_id: int, work: Callable[[Job], AbstractContextManager[runner.Work]]) -> None:
    """Claim the job and work through its items not yet done (a retry takes the failed and waiting ones).

    `work(job)` opens what the steps need (a client) and gives the domain's steps; a job already
    done, cancelled or taken is left alone.
    """
    with jobs.running(job_id) as job:
        if job is None:
            return
        with work(job) as steps:
            runner.run(job, steps)


class Flow(Protocol):
    """What one domain's readiness page supplies; `confirm` does the rest."""

    noun: str  # "record": the page asks "Publish 3 records?"
    pick: str  # the name of the list's checkboxes
    back_url: str  # the list the person came from
    parts: str  # a template with the partials `title`, `crumbs`, `about` and `cells` (a verdict's item)
    danger: frozenset[str]  # operations whose button is red
    ask_first: frozenset[str]  # operations the browser asks about once more before the job starts

    @property
    def operations(self) -> type[models.TextChoices]:
        """The operations of the domain's bulk row (read-only, so that a domain's own class fits)."""

    def key(self, item: Any) -> str:
        """The item's remote id, which the confirm form carries."""

    def verdicts(self, operation: str, ids: list[str] | None) -> Generator[list[Verdict]]:
        """The verdicts of the chosen items (`ids`, or every one the filters find), a batch per answer
        of the service as it comes; BadSelection. The first batch (empty if need be) comes once the
        selection is known to be sound and the page can be titled."""

    def create(self, operation: str, ready: list[Any]) -> Job:
        """The queued job for the ready items (its task is sent after commit)."""


@dataclass
class Readiness:
    """The readiness page's data: every verdict, and what the confirm button starts."""

    flow: Flow
    operation: str
    verdicts: list[Verdict]
    ready: list[Any] = field(init=False)

    def __post_init__(self) -> None:
        self.ready = [verdict.item for verdict in self.verdicts if verdict.outcome == READY]

    @property
    def label(self) -> str:
        return str(self.flow.operations(self.operation).label)

    @property
    def skipped(self) -> int:
        return sum(verdict.outcome == SKIP for verdict in self.verdicts)

    @property
    def failing(self) -> int:
        return sum(verdict.outcome == FAIL for verdict in self.verdicts)


def _checking(request: HttpRequest, flow: Flow, operation: str, count: int) -> HttpResponse:
    """The readiness page at once, saying it is checking: it opens the same address with `checked=1`,
    whose list fills as the service answers (a slow service is seen waiting, not a blank page)."""
    query = request.GET.copy()
    query["checked"] = "1"
    context = {
        "flow": flow,
        "operation": operation,
        "bulk": {"label": flow.operations(operation).label},
        "count": count,
        "checked_url": f"{request.path}?{query.urlencode()}",
    }
    return render(request, "jobs/bulk/checking.html", context)


def confirm(request: HttpRequest, flow: Flow) -> HttpResponseBase:
    """GET: the readiness page of the chosen items. POST: the job for the ready ones, and its page.

    A bad choice (no operation, nothing chosen, a selection no job takes) goes back to the list with
    a message. The page's partials read what else they show from the flow.
    """
    data: QueryDict = request.POST if request.method == "POST" else request.GET
    operation = data.get("operation", "")
    if operation not in flow.operations.values:
        names = [str(label).lower() for label in flow.operations.labels]
        messages.error(request, f"Choose {', '.join(names[:-1])} or {names[-1]}.")
        return redirect(flow.back_url)
    ids = data.getlist(flow.pick) or [key for key in data.get("ids", "").split(",") if key]
    everything = data.get("all") == "1"
    if not ids and not everything:
        messages.warning(request, f"Select at least one {flow.noun} first.")
        return redirect(flow.back_url)
    count = 0 if everything else len(set(ids))
    if request.method == "GET" and data.get("checked") != "1":
        return _checking(request, flow, operation, count)
    batches = flow.verdicts(operation, None if everything else ids)
    try:
        first = next(batches, [])
        if request.method == "POST":
            page = Readiness(flow, operation, first + [verdict for batch in batches for verdict in batch])
    except BadSelection as exc:
        batches.close()
        messages.error(request, str(exc))
        return redirect(flow.back_url)
    if request.method == "GET":
        return streams.page(request, _streamed(request, flow, operation, count, first, batches))
    if page.ready:
        job = flow.create(operation, page.ready)
        enqueue.send(job.task_name, job.pk)
        return redirect(job.get_absolute_url())
    messages.warning(request, f"None of these {flow.noun}s is ready; nothing was started.")
    context = _context(flow, page)
    context.update(batch=page.verdicts, count=len(page.verdicts), everything=everything)
    return render(request, "jobs/bulk/ready.html", context)


# Where the streamed page's rows and its end go (an HTML comment: no escaped value can hold one).
ROWS, END = "<!--bulk rows-->", "<!--bulk end-->"


def _streamed(
    request: HttpRequest,
    flow: Flow,
    operation: str,
    count: int,
    first: list[Verdict],
    batches: Generator[list[Verdict]],
) -> Iterator[str]:
    """The page up to its list at once, each batch of rows as the service answers, then what the
    confirm button starts (or why nothing can start: the service failed, or the selection is unsound)."""
    template = "jobs/bulk/ready.html"
    context = {
        "flow": flow,
        "operation": operation,
        "bulk": {"label": flow.operations(operation).label},
        "count": count,
        "everything": not count,
        "streaming": True,
    }
    top, rest = render_to_string(template, context, request).split(ROWS, 1)
    middle, bottom = rest.split(END, 1)
    yield top
    verdicts, error = list(first), None
    try:
        yield render_to_string(f"{template}#rows", {**context, "batch": first}, request)
        for batch in batches:
            verdicts += batch
            yield render_to_string(f"{template}#rows", {**context, "batch": batch}, request)
    except (BadSelection, ApiError) as exc:
        error = exc
    finally:
        batches.close()
    yield middle
    end = {**_context(flow, Readiness(flow, operation, verdicts)), "error": error}
    yield render_to_string(f"{template}#end", end, request)
    yield bottom


def _context(flow: Flow, page: Readiness) -> dict[str, Any]:
    return {
        "bulk": page,
        "flow": flow,
        "operation": page.operation,
        "ready_ids": ",".join(flow.key(item) for item in page.ready),
    }


@require_GET
@vary_on_headers("HX-Request")
def job_detail(request: HtmxHttpRequest, of: BulkJobs, pk: int) -> HttpResponse:
    """The job's page; htmx: another page of its items, the poll moved to it (its progress out of band)."""
    context = _job_context(request, of, _row(request, of, pk, of.view_permission))
    return render(request, partial(request, "jobs/bulk/job.html", "items"), context)


@require_GET
def job_status(request: HtmxHttpRequest, of: BulkJobs, pk: int) -> HttpResponse:
    """The poll: progress, and the items table of the same moment (the buttons only once it ends)."""
    context = _job_context(request, of, _row(request, of, pk, of.view_permission))
    return render(request, "jobs/bulk/job.html#poll", context)


@require_POST
def job_cancel(request: HtmxHttpRequest, of: BulkJobs, pk: int) -> HttpResponse:
    jobs.cancel_job(_row(request, of, pk, of.act_permission).job, user=request.user)
    messages.success(request, "Stopping: calls under way finish, the rest are left as they are.")
    return redirect(f"{of.namespace}:bulk_detail", pk=pk)


@require_POST
def job_retry(request: HtmxHttpRequest, of: BulkJobs, pk: int) -> HttpResponse:
    if tasks.retry(_row(request, of, pk, of.act_permission).job, user=request.user):
        messages.success(request, f"Queued again: the failed and the not yet started {of.noun}s.")
    else:
        messages.warning(request, "Only a job that failed or was cancelled can be retried.")
    return redirect(f"{of.namespace}:bulk_detail", pk=pk)


View = Callable[..., HttpResponse]


class JobViews(NamedTuple):
    detail: View
    status: View
    cancel: View
    retry: View


def job_views(of: BulkJobs) -> JobViews:
    """A domain's four views of its bulk jobs' page: `bulk_detail, bulk_status, ... = job_views(JOBS)`."""

    def bound(view: Callable[[HtmxHttpRequest, BulkJobs, int], HttpResponse]) -> View:
        def domain_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
            return view(request, of, pk)

        domain_view.__name__ = domain_view.__qualname__ = f"{of.namespace}_bulk_{view.__name__}"
        return domain_view

    return JobViews(*(bound(view) for view in (job_detail, job_status, job_cancel, job_retry)))


def _row(request: HttpRequest, of: BulkJobs, pk: int, permission: str) -> Any:
    """The domain's row of job `pk`: PermissionDenied without `permission`, Http404 outside the person's
    scope (another connection's job is not found, not refused)."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    rows = of.scope(request.user).select_related("job", "job__created_by")
    return get_object_or_404(rows, job_id=pk)


def _job_context(request: HttpRequest, of: BulkJobs, row: Any) -> dict[str, Any]:
    job: Job = row.job
    show = request.GET.get("show", "")
    items = job.items.all()
    if show in JobItem.State.values:
        items = items.filter(state=show)
    url = {name: reverse(f"{of.namespace}:bulk_{name}", args=[job.pk]) for name in JOB_URLS}
    return {
        **runner.status(job),
        "row": row,
        "jobs_of": of,
        "may_act": request.user.has_perm(of.act_permission),
        "show": show,
        "states": JobItem.State.choices,
        "page": Paginator(items, ITEMS_PAGE).get_page(request.GET.get("page")),
        "url": url,
        "query": urlencode({k: v for k, v in request.GET.items() if k in ("show", "page") and v}),
    }
