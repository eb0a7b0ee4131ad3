"""Everything scheduled, from every domain: the list, each action's trace, a calendar."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.core.htmx import HtmxHttpRequest, partial, redirect_next
from apps.core.paging import LOCAL_PAGE_SIZE
from apps.core.templatetags.times import localtime, plain_times
from apps.jobs import scheduling, services, upcoming
from apps.jobs.forms import WhenForm
from apps.jobs.models import ScheduledBase

State = ScheduledBase.State
FILTERS = {
    "open": ("Scheduled", [State.PENDING, State.RUNNING]),
    "failed": ("Failed", [State.FAILED]),
    "done": ("Done", [State.DONE]),
    "cancelled": ("Cancelled", [State.CANCELLED]),
}
KINDS = {"records": "Records", "workflows": "Workflows"}


@require_GET
@vary_on_headers("HX-Request")
def scheduled_list(request: HtmxHttpRequest) -> HttpResponse:
    sources = _visible(request)
    show = request.GET.get("show", "open")
    label, states = FILTERS.get(show, FILTERS["open"])
    kind = request.GET.get("kind", "")
    shown = [source for source in sources if not kind or source.key == kind]
    finished = show in ("done", "cancelled", "failed")
    items = scheduling.items_for(
        request.user, shown, lambda rows: rows.filter(state__in=states).select_related("created_by")
    )
    items.sort(key=lambda item: (item.due_at, item.pk), reverse=finished)
    context = {
        "page": Paginator(items, LOCAL_PAGE_SIZE).get_page(request.GET.get("page")),
        "show": show,
        "kind": kind,
        "kinds": [(source.key, KINDS.get(source.key, source.key)) for source in sources]
        if len(sources) > 1
        else [],
        "filtered": show != "open" or bool(kind),
        "filters": [(key, name) for key, (name, _) in FILTERS.items()],
        "label": label,
        "beat_is_late": services.beat_is_late(),
    }
    return render(request, partial(request, "jobs/scheduled/list.html"), context)


@require_GET
def scheduled_detail(request: HtmxHttpRequest, source: str, pk: int) -> HttpResponse:
    _, item = _item(request, source, pk)
    context = {
        "item": item,
        "events": item.events.all(),
        "when_form": WhenForm(initial={"at": localtime(item.due_at)}),  # None: empty
    }
    return render(request, "jobs/scheduled/detail.html", context)


@require_POST
def scheduled_cancel(request: HtmxHttpRequest, source: str, pk: int) -> HttpResponse:
    _, item = _item(request, source, pk, act=True)
    if scheduling.cancel(request.user, item):
        messages.success(request, f"Cancelled: {item}.")
    else:
        messages.error(request, f"{item} is already running or finished; it cannot be cancelled.")
    return redirect_next(request, reverse("jobs:scheduled"))


@require_POST
def scheduled_move(request: HtmxHttpRequest, source: str, pk: int) -> HttpResponse:
    _, item = _item(request, source, pk, act=True)
    form = WhenForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not moved: {form.errors['at'][0]}")
    elif scheduling.reschedule(request.user, item, form.cleaned_data["at"]):
        messages.success(request, f"{item} moved to {plain_times(form.cleaned_data['at'])}.")
    else:
        messages.error(request, f"{item} is already running or finished; it cannot be moved.")
    return redirect("jobs:scheduled_detail", source=source, pk=pk)


@require_POST
def scheduled_retry(request: HtmxHttpRequest, source: str, pk: int) -> HttpResponse:
    _, item = _item(request, source, pk, act=True)
    if scheduling.retry(request.user, item):
        messages.success(request, f"{item} will be tried again within a minute.")
    else:
        messages.error(request, "Only a failed action can be tried again.")
    return redirect("jobs:scheduled_detail", source=source, pk=pk)


@require_GET
def scheduled_calendar(request: HtmxHttpRequest) -> HttpResponse:
    """A month (or, with ?week=, a week) of everything due, in the person's time zone."""
    _visible(request)  # refuses a person who may see no area's schedule
    today = timezone.localdate()
    kept = {"system": request.GET["system"]} if request.GET.get("system") else {}
    week = _parse_week(request.GET.get("week", ""))
    if week is not None or request.GET.get("view") == "week":
        start = week or today - timedelta(days=today.weekday())
        weeks = [[start + timedelta(days=i) for i in range(7)]]
        prev = {"week": (start - timedelta(days=7)).isoformat(), **kept}
        nxt = {"week": (start + timedelta(days=7)).isoformat(), **kept}
        title = f"Week of {start:%-d %B %Y}"
        here = {"week": start.isoformat()}
    else:
        month = _parse_month(request.GET.get("month", "")) or today.replace(day=1)
        weeks = calendar.Calendar().monthdatescalendar(month.year, month.month)
        prev = {"month": (month - timedelta(days=1)).strftime("%Y-%m"), **kept}
        nxt = {"month": (month + timedelta(days=32)).strftime("%Y-%m"), **kept}
        title = f"{month:%B %Y}"
        here = {"month": month.strftime("%Y-%m")}
    first, last = weeks[0][0], weeks[-1][-1]
    zone = timezone.get_current_timezone()
    start_at = datetime.combine(first, time.min, zone)
    end_at = datetime.combine(last + timedelta(days=1), time.min, zone)
    systems = upcoming.systems(request.user)
    system = request.GET.get("system", "")
    system = system if system in systems else ""
    entries, silent = upcoming.entries(request.user, start_at, end_at, system)
    by_day: dict[date, list[upcoming.Entry]] = {}
    for entry in entries:
        by_day.setdefault(timezone.localtime(entry.at).date(), []).append(entry)
    month_shown = (weeks[1][0] if len(weeks) > 1 else first).month
    context = {
        "title": title,
        "weeks": [[(day, by_day.get(day, [])) for day in days] for days in weeks],
        # the same days as a list, for a phone: only those with something due, in the month shown
        "agenda": [
            (day, day_items)
            for day, day_items in sorted(by_day.items())
            if first <= day <= last and (len(weeks) == 1 or day.month == month_shown)
        ],
        "is_week": len(weeks) == 1,
        "month": month_shown,
        "today": today,
        "prev": prev,
        "next": nxt,
        "beat_is_late": services.beat_is_late(),
        "systems": systems,
        "here": here,  # this month or week, for the links to each area
        "system": system,
        "silent": silent,
        "conflicts": sum(1 for entry in entries if entry.conflicts),
    }
    return render(request, "jobs/scheduled/calendar.html", context)


def _visible(request: HtmxHttpRequest) -> list[scheduling.Source]:
    sources = scheduling.visible(request.user)
    if not sources:
        raise PermissionDenied
    return sources


def _item(request: HtmxHttpRequest, key: str, pk: int, *, act: bool = False) -> tuple[Any, Any]:
    source = scheduling.SOURCES.get(key)
    if source is None:
        raise Http404
    if not request.user.has_perm(source.act_permission if act else source.view_permission):
        raise PermissionDenied
    item = get_object_or_404(source.scope(request.user).select_related("created_by"), pk=pk)
    item.source_key, item.can_act = source.key, request.user.has_perm(source.act_permission)
    return source, item


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
