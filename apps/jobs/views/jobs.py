from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.paging import LOCAL_PAGE_SIZE
from apps.jobs import runner, services, tasks
from apps.jobs.bulk import ITEMS_PAGE
from apps.jobs.forms import JobFilterForm
from apps.jobs.models import Job, JobItem


@require_GET
@permission_required("jobs.view_job", raise_exception=True)
@vary_on_headers("HX-Request")
def job_list(request: HtmxHttpRequest) -> HttpResponse:
    kinds = list(Job.objects.order_by("kind").values_list("kind", flat=True).distinct())
    form = JobFilterForm(request.GET or None, kinds=kinds)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = Job.objects.select_related("created_by")
    if filters.get("state"):
        jobs = jobs.filter(state=filters["state"])
    if filters.get("kind"):
        jobs = jobs.filter(kind=filters["kind"])
    context = {
        "form": form,
        "page": Paginator(jobs, LOCAL_PAGE_SIZE).get_page(request.GET.get("page")),
        "filtered": any(filters.values()),
    }
    return render(request, partial(request, "jobs/job_list.html"), context)


@require_GET
@permission_required("jobs.view_job", raise_exception=True)
@vary_on_headers("HX-Request")
def job_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    context = services.status_context(job, request.user)
    if not job.result_url and job.items.exists():
        # A batch job without a page of its own in its domain: its items are listed here.
        show = request.GET.get("show", "")
        items = job.items.filter(state=show) if show in JobItem.State.values else job.items.all()
        context |= {
            **runner.status(job),
            "show": show,
            "states": JobItem.State.choices,
            "page": Paginator(items, ITEMS_PAGE).get_page(request.GET.get("page")),
        }
    return render(request, partial(request, "jobs/job_detail.html"), context)


@require_GET
@permission_required("jobs.view_job", raise_exception=True)
def job_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    response = render(request, "jobs/job_detail.html#status", services.status_context(job, request.user))
    if job.is_finished:
        # Lets the page around the fragment refresh what the job changed (e.g. a connection's last test).
        trigger_client_event(response, "job-finished", {"id": job.pk, "state": job.state})
    return response


@require_POST
@permission_required("jobs.view_job", raise_exception=True)  # and the job's own, checked by the service
def job_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    services.cancel_job(job, user=request.user)
    return _after_action(request, job, "Cancel requested.")


@require_POST
@permission_required("jobs.view_job", raise_exception=True)  # and the job's own, checked by the service
def job_retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    if tasks.retry(job, user=request.user):
        return _after_action(request, job, "Queued again.")
    messages.warning(request, "Only a failed or cancelled job can be retried.")
    return _after_action(request, job, "")


def _after_action(request: HtmxHttpRequest, job: Job, message: str) -> HttpResponse:
    if request.htmx:
        job.refresh_from_db()
        return render(request, "jobs/job_detail.html#status", services.status_context(job, request.user))
    if message:
        messages.success(request, message)
    return redirect("jobs:detail", pk=job.pk)
