"""The publishing schedule: schedule from the editor, the Scheduled list, each action's trace, a calendar."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.content.forms import records as forms
from apps.content.models import ScheduledAction
from apps.content.services import schedule
from apps.content.services.workspace import client_for
from apps.core.htmx import HtmxHttpRequest, partial, redirect_next
from apps.core.paging import LOCAL_PAGE_SIZE
from apps.core.templatetags.times import both_times, localtime
from apps.jobs import services as jobs_services

State = ScheduledAction.State
FILTERS = {
    "open": ("Scheduled", [State.PENDING, State.RUNNING]),
    "failed": ("Failed", [State.FAILED]),
    "done": ("Done", [State.DONE]),
    "cancelled": ("Cancelled", [State.CANCELLED]),
}


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def record_schedule(request: HtmxHttpRequest, app_id: str, record_id: str) -> HttpResponse:
    form = forms.ScheduleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, f"Not scheduled: {error[0]}")
        return redirect("content:record", app_id=app_id, record_id=record_id)
    action, at = form.cleaned_data["action"], form.cleaned_data["at"]
    with client_for(request.user) as api:
        schema = api.get_schema(app_id)
        record = schedule.version_acted_on(api, schema, record_id, action)
    try:
        schedule.schedule(request.user, schema=schema, record=record, action=action, at=at)
    except schedule.AlreadyScheduled as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{record.name} will {action} at {_plain(at)}.")
    return redirect("content:record", app_id=app_id, record_id=record_id)


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def scheduled_list(request: HtmxHttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    label, states = FILTERS.get(show, FILTERS["open"])
    items = schedule.in_workspace(request.user).filter(state__in=states).select_related("created_by")
    if show in ("done", "cancelled", "failed"):
        items = items.order_by("-due_at", "-pk")
    context = {
        "page": Paginator(items, LOCAL_PAGE_SIZE).get_page(request.GET.get("page")),
        "show": show,
        "filtered": show != "open",
        "filters": [(key, name) for key, (name, _) in FILTERS.items()],
        "label": label,
        "beat_is_late": jobs_services.beat_is_late(),
        "can_publish": request.user.has_perm("content.publish_content"),
        "when_form": forms.WhenForm(),
    }
    return render(request, partial(request, "content/scheduled/list.html"), context)


@require_GET
@permission_required("content.view_content", raise_exception=True)
def scheduled_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(schedule.in_workspace(request.user).select_related("created_by"), pk=pk)
    context = {
        "item": item,
        "events": item.events.all(),
        "can_publish": request.user.has_perm("content.publish_content"),
        "when_form": forms.WhenForm(initial={"at": localtime(item.due_at)}),  # None: empty
    }
    return render(request, "content/scheduled/detail.html", context)


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def scheduled_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(schedule.in_workspace(request.user), pk=pk)
    if schedule.cancel(request.user, item):
        messages.success(request, f"Cancelled: {item}.")
    else:
        messages.error(request, f"{item} is already running or finished; it cannot be cancelled.")
    return redirect_next(request, reverse("content:scheduled"))


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def scheduled_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(schedule.in_workspace(request.user), pk=pk)
    form = forms.WhenForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not moved: {form.errors['at'][0]}")
    elif schedule.reschedule(request.user, item, form.cleaned_data["at"]):
        messages.success(request, f"{item} moved to {_plain(form.cleaned_data['at'])}.")
    else:
        messages.error(request, f"{item} is already running or finished; it cannot be moved.")
    return redirect("content:scheduled_detail", pk=pk)


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def scheduled_retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(schedule.in_workspace(request.user), pk=pk)
    if schedule.retry(request.user, item):
        messages.success(request, f"{item} will be tried again within a minute.")
    else:
        messages.error(request, "Only a failed action can be tried again.")
    return redirect("content:scheduled_detail", pk=pk)


@require_GET
@permission_required("content.view_content", raise_exception=True)
def scheduled_calendar(request: HtmxHttpRequest) -> HttpResponse:
    """A month (or, with ?week=, a week) of everything due, in the person's time zone."""
    today = timezone.localdate()
    week = _parse_week(request.GET.get("week", ""))
    if week is not None or request.GET.get("view") == "week":
        start = week or today - timedelta(days=today.weekday())
        weeks = [[start + timedelta(days=i) for i in range(7)]]
        prev = {"week": (start - timedelta(days=7)).isoformat()}
        nxt = {"week": (start + timedelta(days=7)).isoformat()}
        title = f"Week of {start:%-d %B %Y}"
    else:
        month = _parse_month(request.GET.get("month", "")) or today.replace(day=1)
        weeks = calendar.Calendar().monthdatescalendar(month.year, month.month)
        prev = {"month": (month - timedelta(days=1)).strftime("%Y-%m")}
        nxt = {"month": (month + timedelta(days=32)).strftime("%Y-%m")}
        title = f"{month:%B %Y}"
    first, last = weeks[0][0], weeks[-1][-1]
    zone = timezone.get_current_timezone()
    items = (
        schedule.in_workspace(request.user)
        .filter(
            due_at__gte=datetime.combine(first, time.min, zone),
            due_at__lt=datetime.combine(last + timedelta(days=1), time.min, zone),
        )
        .exclude(state=State.CANCELLED)
    )
    by_day: dict[date, list[ScheduledAction]] = {}
    for item in items:
        by_day.setdefault((localtime(item.due_at) or item.due_at).date(), []).append(item)
    context = {
        "title": title,
        "weeks": [[(day, by_day.get(day, [])) for day in days] for days in weeks],
        "is_week": len(weeks) == 1,
        "month": (weeks[1][0] if len(weeks) > 1 else first).month,
        "today": today,
        "prev": prev,
        "next": nxt,
        "beat_is_late": jobs_services.beat_is_late(),
    }
    return render(request, "content/scheduled/calendar.html", context)


# The calendar shows whole weeks around a month, and links to the one before and after: it keeps a year
# away from both ends of what Python dates can hold. A month or week outside is today's.
SHOWN = (date(2, 1, 1), date(9998, 12, 31))


def _parse_month(value: str) -> date | None:
    try:
        month = datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None
    return month if SHOWN[0] <= month <= SHOWN[1] else None


def _parse_week(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day - timedelta(days=day.weekday()) if SHOWN[0] <= day <= SHOWN[1] else None


def _plain(at: datetime) -> str:
    """The both_times text without markup, for messages."""
    return strip_tags(both_times(at))
